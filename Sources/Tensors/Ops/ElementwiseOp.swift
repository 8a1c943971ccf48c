import Foundation

/// An elementwise function of the expression language, declared once: its name, what it
/// computes (the docs line), its value in Float64, the training engine's Float32 kernel, its
/// derivative and how it is typeset.
///
/// The derivative is a formula of the language itself, in `x` (the input) and `out` (the
/// function's value there). Both differentiation paths read it: the Float64 tape of
/// `{gradcheck}` and `{derive}` evaluates it, and the engine compiles it into graph nodes,
/// so the two cannot disagree. A new elementwise function is one entry of `all`.
public struct ElementwiseOp: Sendable, Hashable {
    /// How a call is typeset (`ExpressionTeX`).
    public enum TeX: Sendable {
        /// `e^{x}`.
        case exponential
        /// An operator before its argument, which is parenthesised when it is a sum or product: `\ln x`.
        case prefix(String)
        /// The argument between two delimiters: `\sqrt{x}`, `\left|x\right|`.
        case enclosed(String, String)
        /// `\operatorname{name}(x)`.
        case named
    }

    public var name: String
    /// What it computes, for help texts and docs ("e to the x").
    public var meaning: String
    /// What happens at the edges of its domain, for the docs.
    public var edges: String
    /// One entry's value in Float64.
    public var value: @Sendable (Double) -> Double
    /// The engine's kernel: `count` entries of `x` into `out`, in Float32.
    public var kernel: @Sendable (_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ count: Int) -> Void
    /// d out / d x as a formula in `x` and `out`.
    public var derivative: String
    /// Whether the derivative jumps at 0 (a kink of the function), where central differences
    /// measure the mean of the one-sided slopes.
    public var kinkAtZero: Bool
    public var tex: TeX

    public static func == (a: ElementwiseOp, b: ElementwiseOp) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// The derivative, parsed once.
    public var derivativeExpression: ParsedExpression { Self.derivatives[name]! }

    public static func named(_ name: String) -> ElementwiseOp? { all.first { $0.name == name } }

    /// Every elementwise function, in the order help texts and the docs list them.
    public static let all: [ElementwiseOp] = [
        ElementwiseOp(name: "exp", meaning: "e to the x", edges: "`exp(710)` overflows to `inf`; `exp(-746)` is 0",
                      value: { Foundation.exp($0) },
                      kernel: { x, out, count in for i in 0..<count { out[i] = Foundation.exp(x[i]) } },
                      derivative: "out", kinkAtZero: false, tex: .exponential),
        ElementwiseOp(name: "log", meaning: "the natural logarithm", edges: "`log(0)` is `-inf`, `log(-1)` is `nan`",
                      value: { Foundation.log($0) },
                      kernel: { x, out, count in for i in 0..<count { out[i] = Foundation.log(x[i]) } },
                      derivative: "1 / x", kinkAtZero: false, tex: .prefix("\\ln ")),
        ElementwiseOp(name: "sqrt", meaning: "the square root", edges: "`sqrt(-1)` is `nan`",
                      value: { $0.squareRoot() },
                      kernel: { x, out, count in for i in 0..<count { out[i] = x[i].squareRoot() } },
                      derivative: "0.5 / out", kinkAtZero: false, tex: .enclosed("\\sqrt{", "}")),
        ElementwiseOp(name: "abs", meaning: "the absolute value", edges: "`abs(-0.0)` is 0",
                      value: { Swift.abs($0) },
                      kernel: { x, out, count in for i in 0..<count { out[i] = Swift.abs(x[i]) } },
                      derivative: "(x > 0) - (x < 0)", kinkAtZero: true, tex: .enclosed("\\left|", "\\right|")),
        ElementwiseOp(name: "relu", meaning: "max(x, 0) elementwise", edges: "`relu(nan)` is `nan`",
                      value: { $0 > 0 ? $0 : ($0.isNaN ? .nan : 0) },
                      kernel: { x, out, count in for i in 0..<count { out[i] = x[i] > 0 || x[i].isNaN ? x[i] : 0 } },
                      derivative: "x > 0", kinkAtZero: true, tex: .named),
        ElementwiseOp(name: "tanh", meaning: "the hyperbolic tangent", edges: "±1 for large ±x",
                      value: { Foundation.tanh($0) },
                      kernel: { x, out, count in for i in 0..<count { out[i] = Foundation.tanh(x[i]) } },
                      derivative: "1 - out * out", kinkAtZero: false, tex: .prefix("\\tanh ")),
        ElementwiseOp(name: "sigmoid", meaning: "1 / (1 + exp(-x)), computed stably",
                      edges: "computed as eˣ / (1 + eˣ) for x < 0, so `sigmoid(1000)` is exactly 1 and `sigmoid(-1000)` exactly 0 (no `nan`)",
                      value: { $0 >= 0 ? 1 / (1 + Foundation.exp(-$0)) : Foundation.exp($0) / (1 + Foundation.exp($0)) },
                      kernel: { x, out, count in
                          for i in 0..<count {
                              let v = x[i]
                              out[i] = v >= 0 ? 1 / (1 + Foundation.exp(-v)) : Foundation.exp(v) / (1 + Foundation.exp(v))
                          }
                      },
                      derivative: "out * (1 - out)", kinkAtZero: false, tex: .named),
        ElementwiseOp(name: "softplus", meaning: "log(1 + exp(x)), computed stably", edges: "`softplus(1000)` is 1000, `softplus(-1000)` is 0",
                      value: { $0 > 0 ? $0 + Foundation.log1p(Foundation.exp(-$0)) : Foundation.log1p(Foundation.exp($0)) },
                      kernel: { x, out, count in
                          for i in 0..<count {
                              let v = x[i]
                              out[i] = v > 0 ? v + Foundation.log1p(Foundation.exp(-v)) : Foundation.log1p(Foundation.exp(v))
                          }
                      },
                      derivative: "sigmoid(x)", kinkAtZero: false, tex: .named),
    ]

    private static let derivatives: [String: ParsedExpression] = Dictionary(uniqueKeysWithValues: all.map { op in
        let location = SourceLocation(file: "derivative of \(op.name)", line: 1)
        // A formula of the table itself: a parse error is caught by the tests of every entry.
        return (op.name, try! ExpressionParser.parse(op.derivative, at: location))
    })
}
