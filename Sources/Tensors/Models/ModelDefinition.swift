import Foundation

/// A model an author declares in a `{model}` cell: parameters, the forward pass in the
/// expression language, what it predicts (`ModelOutput`) and the loss it is trained on.
///
/// ```
/// param W1: inputs×256 normal(0.01)      ← param NAME: SHAPE INITIALISER
/// param b1: 256 zeros
/// param W2: 256×classes normal(0.01)
/// param b2: classes zeros
/// Z1 = X @ W1 + b1                       ← forward statements, NAME = EXPR, in order
/// H = relu(Z1)
/// P = softmax(H @ W2 + b2)               ← the output: P (N×classes), p (N×1) or yhat (N×1)
/// loss: -mean(sum(Y * log(P), axis=1))   ← a scalar
/// grad W2: H.T @ (P - Y) / N             ← optional: the author's backpropagation,
/// ```                                       with helper names (dZ2 = (P - Y) / N)
/// Shapes are `A×B` (or `AxB`) or `A`, each size a whole number or `inputs`/`classes`
/// (the pixels per image and the classes of the data it is trained on). Initialisers:
/// `zeros`, `constant(C)`, `normal(STD)` (NumPy's `randn * STD` is the same), `uniform(A)` (U(−A, A)), `rand * S` (U[0, S), NumPy's spelling), `xavier`
/// (U(±√(6/(fan_in + fan_out)))) and `he` (N(0, 2/fan_in)), drawn from the cell's seed.
/// The forward pass may use `X` (N×inputs pixels, scaled), and the loss also the targets the
/// output's kind names (`Y` one-hot and `y` labels for `P`; `t`, N×1, for `p` and `yhat`) and
/// `N` (rows).
public struct ModelDefinition: Sendable {
    /// One `param` line.
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var shape: [Size]
        public var initializer: Initializer
        public var location: SourceLocation
    }

    /// One dimension of a parameter's shape.
    public enum Size: Sendable, Hashable, CustomStringConvertible {
        case fixed(Int)
        /// Pixels per image of the data the model meets.
        case inputs
        /// Classes of the data the model meets.
        case classes

        public func resolve(inputs: Int, classes: Int) -> Int {
            switch self {
            case .fixed(let size): return size
            case .inputs: return inputs
            case .classes: return classes
            }
        }

        public var description: String {
            switch self {
            case .fixed(let size): return String(size)
            case .inputs: return "inputs"
            case .classes: return "classes"
            }
        }
    }

    /// How a parameter's first values are drawn.
    public enum Initializer: Sendable, Hashable, CustomStringConvertible {
        case zeros
        case constant(Double)
        case normal(standardDeviation: Double)
        case uniform(limit: Double)
        /// NumPy's `rand * S`: uniform in [0, S).
        case rand(scale: Double)
        case xavier
        case he

        public var description: String {
            switch self {
            case .zeros: return "zeros"
            case .constant(let value): return "constant(\(NumberText.plain(value)))"
            case .normal(let deviation): return "normal(\(NumberText.plain(deviation)))"
            case .uniform(let limit): return "uniform(\(NumberText.plain(limit)))"
            case .rand(let scale): return scale == 1 ? "rand" : "rand * \(NumberText.plain(scale))"
            case .xavier: return "xavier"
            case .he: return "he"
            }
        }
    }

    public var parameters: [Parameter]
    /// The forward statements (`NAME = EXPR`), in order.
    public var forward: [ParsedExpression]
    /// What the model predicts: the forward statement called `P`, `p` or `yhat`.
    public var output: ModelOutput
    public var loss: ParsedExpression
    /// The author's backpropagation: helper statements and one formula per parameter (may be empty).
    public var gradientDefinitions: [ParsedExpression]
    public var gradients: [GradCheckProgram.Gradient]
    /// The running statistics of each `batchnorm` of the forward pass: state beyond the parameters.
    public var statistics: [RunningStatistic] = []

    /// The names of the running statistics, each batchnorm's mean then variance.
    public var stateNames: [String] { statistics.flatMap { [$0.meanName, $0.varianceName] } }

    /// The running statistics' shapes (one entry per column) for data with `inputs` pixels and `classes` classes.
    public func stateShapes(inputs: Int, classes: Int) -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for statistic in statistics {
            let width = statistic.width.resolve(inputs: inputs, classes: classes)
            shapes[statistic.meanName] = [width]
            shapes[statistic.varianceName] = [width]
        }
        return shapes
    }

    /// The running statistics before any training step: means 0, variances 1 (as PyTorch starts them).
    public func initialState<T: BinaryFloatingPoint>(inputs: Int, classes: Int, as type: T.Type) -> [String: [T]] {
        var values: [String: [T]] = [:]
        for statistic in statistics {
            let width = statistic.width.resolve(inputs: inputs, classes: classes)
            values[statistic.meanName] = [T](repeating: 0, count: width)
            values[statistic.varianceName] = [T](repeating: 1, count: width)
        }
        return values
    }

    /// The parameters' shapes for data with `inputs` pixels and `classes` classes.
    public func shapes(inputs: Int, classes: Int) -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.shape.map { $0.resolve(inputs: inputs, classes: classes) }) })
    }
}
