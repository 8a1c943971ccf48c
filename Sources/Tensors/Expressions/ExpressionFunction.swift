/// The functions of the expression language: their parameters, options and usage lines.
///
/// Reductions take the axis only by keyword (`max(x, axis=0)`), so `max(x, 0)` cannot
/// silently mean "along axis 0" when the elementwise `maximum(x, 0)` was meant.
public struct ExpressionFunction: Sendable {
    public var name: String
    /// Positional parameters, all required, in order (also accepted by keyword).
    public var parameters: [String]
    /// Keyword-only options (`axis`, `keepdims`).
    public var options: [String]
    /// One line showing how to call it, for hints.
    public var usage: String

    public var isReduction: Bool { options.contains("axis") }

    /// Every function, in the order help texts list them.
    public static let all: [ExpressionFunction] = ElementwiseOp.all.map(elementwise) + [
        ExpressionFunction(name: "maximum", parameters: ["a", "b"], options: [],
                           usage: "maximum(a, b) is the larger of a and b elementwise, with broadcasting: maximum(x, 0)"),
        ExpressionFunction(name: "minimum", parameters: ["a", "b"], options: [],
                           usage: "minimum(a, b) is the smaller of a and b elementwise, with broadcasting: minimum(x, 1)"),
        ExpressionFunction(name: "clip", parameters: ["x", "lo", "hi"], options: [],
                           usage: "clip(x, lo, hi) limits x to lo…hi elementwise: clip(P, 1e-12, 1)"),
        ExpressionFunction(name: "where", parameters: ["condition", "a", "b"], options: [],
                           usage: "where(condition, a, b) takes a where condition is not 0, else b: where(x > 0, x, 0.01 * x)"),
        reduction("sum"), reduction("mean"), reduction("max"), reduction("min"), reduction("argmax"),
        reduction("logsumexp"),
        ExpressionFunction(name: "softmax", parameters: ["x"], options: ["axis"],
                           usage: "softmax(x) normalises along the last axis; softmax(x, axis=0) down the columns"),
        ExpressionFunction(name: "onehot", parameters: ["y", "classes"], options: [],
                           usage: "onehot(y, 10) turns labels into rows with a single 1"),
        ExpressionFunction(name: "rand", parameters: ["shape"], options: [],
                           usage: "rand([3, 4]) is a 3×4 matrix of numbers uniform in [0, 1), rand(5) a vector, drawn in order from the cell's :seed: (NumPy's np.random.rand(3, 4))"),
        ExpressionFunction(name: "randn", parameters: ["shape"], options: [],
                           usage: "randn([3, 4]) is a 3×4 matrix of standard normal numbers, randn(5) a vector, drawn in order from the cell's :seed: (NumPy's np.random.randn(3, 4))"),
        ExpressionFunction(name: "eye", parameters: ["n"], options: [],
                           usage: "eye(n) is the n×n identity matrix: X.T @ X + 0.01 * eye(784) for ridge regression"),
        ExpressionFunction(name: "solve", parameters: ["A", "b"], options: [],
                           usage: "solve(A, b) is the x with A @ x = b, for a square A and a vector (or matrix) b, by LU factorisation (LAPACK): solve(X.T @ X, X.T @ t)"),
        ExpressionFunction(name: "inv", parameters: ["A"], options: [],
                           usage: "inv(A) is the inverse of a square matrix A (LAPACK); solve(A, b) is more accurate than inv(A) @ b"),
        ExpressionFunction(name: "lstsq", parameters: ["A", "b"], options: [],
                           usage: "lstsq(A, b) is the x of least squared error ‖A @ x − b‖² (of least norm when several fit equally), by the SVD (LAPACK): lstsq(X, t)"),
    ] + LayerOp.all.map(\.function)

    public static let names = all.map(\.name)

    public static func named(_ name: String) -> ExpressionFunction? {
        all.first { $0.name == name }
    }

    private static func elementwise(_ op: ElementwiseOp) -> ExpressionFunction {
        ExpressionFunction(name: op.name, parameters: ["x"], options: [], usage: "\(op.name)(x) is \(op.meaning), elementwise")
    }

    private static func reduction(_ name: String) -> ExpressionFunction {
        ExpressionFunction(name: name, parameters: ["x"], options: ["axis", "keepdims"],
                           usage: "\(name)(x) reduces everything; \(name)(x, axis=0) down the columns, axis=1 (or -1) along the rows; keepdims=True keeps the reduced axis with size 1")
    }
}
