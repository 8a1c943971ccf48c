/// A computation over tensors of rank 0 to 4 (images N×C×H×W) with every shape known: what the training
/// engine compiles a model's forward pass, loss and gradients into.
///
/// Nodes are appended in evaluation order (each reads only earlier nodes), so running them
/// in index order is a valid schedule; reverse-mode differentiation appends the backward
/// nodes after the forward ones. Values are Float32.
final class Graph {
    enum Unary: Sendable, Hashable {
        case negate, square
        /// A function of the op table, computed by its kernel.
        case function(ElementwiseOp)
    }

    enum Binary: Sendable, Hashable {
        case add, subtract, multiply, divide, maximum, minimum
        /// Comparisons give 1 or 0.
        case less, lessEqual, greater, greaterEqual, equal, notEqual
    }

    enum Op {
        /// A value bound for each run: `X`, `Y`, `y`, `N`.
        case input(String)
        case parameter(String)
        case constant(Float)
        /// `op(a) · op(b)` of two matrices.
        case matmul(Int, transposeA: Bool, Int, transposeB: Bool)
        case transpose(Int)
        case unary(Unary, Int)
        /// Elementwise with NumPy broadcasting (rank ≤ 2).
        case binary(Binary, Int, Int)
        /// Row-wise softmax (over the last axis).
        case softmax(Int)
        case logSoftmax(Int)
        /// `out ⊙ (g − Σ_row g ⊙ out)`: the backward pass of softmax (output, upstream).
        case softmaxBackward(output: Int, upstream: Int)
        /// `g − softmax(x) · Σ_row g`: the backward pass of logSoftmax (its output, upstream).
        case logSoftmaxBackward(output: Int, upstream: Int)
        /// Sum over `axis` (nil: every entry), times `scale` (1, or 1/count for a mean).
        case sum(Int, axis: Int?, keepDimensions: Bool, scale: Float)
        /// Broadcasts a value to `shape` (`axis`: which axis a vector runs along when it came
        /// from a reduction over the other one; nil: NumPy's rule).
        case broadcast(Int, axis: Int?)
        /// Sums a broadcast value back down to the shape of the node it was broadcast from.
        case reduceTo(Int)
        /// Elementwise maximum's or minimum's share for its first operand (1, ½ on ties, 0).
        case extremeShare(Int, Int, isMaximum: Bool)
        /// `where(condition, a, b)`.
        case select(Int, Int, Int)
        /// An op of the `LayerOp` table (convolution, pooling, reshaping) of its tensor arguments.
        case layer(LayerOp, [Int], LayerOp.Settings)
        /// The gradient of that op's input `which`: its inputs, its value and the upstream gradient.
        case layerGradient(LayerOp, which: Int, [Int], output: Int, upstream: Int, LayerOp.Settings)
    }

    struct Node {
        var op: Op
        var shape: [Int]
        /// The source location to blame for errors about this node.
        var location: SourceLocation
        /// How the value depends on the batch's rows (whether chunks of rows add up to it).
        var rows: RowDependence
    }

    private(set) var nodes: [Node] = []
    /// The rows of the whole batch: what a mean over the rows divides by and `N` is, also
    /// when the graph computes a chunk of them.
    let batchRows: Int
    /// The scalar input weighting, in each chunk, the terms of a sum over rows that do not
    /// depend on the rows (1 in one chunk, 0 in the others), so they count once; nil: none.
    var share: Int?

    init(batchRows: Int) {
        self.batchRows = batchRows
    }

    /// Appends a node; `rows` is worked out from its inputs unless given (inputs must give it).
    @discardableResult
    func add(_ op: Op, shape: [Int], at location: SourceLocation, rows: RowDependence? = nil) -> Int {
        let dependence = rows ?? RowDependence.of(op, shape: shape, in: self)
        nodes.append(Node(op: op, shape: shape, location: location, rows: dependence))
        return nodes.count - 1
    }

    func rows(_ node: Int) -> RowDependence { nodes[node].rows }

    func shape(_ node: Int) -> [Int] { nodes[node].shape }

    func count(_ node: Int) -> Int { nodes[node].shape.reduce(1, *) }

    /// The inputs a node reads.
    func inputs(of node: Int) -> [Int] {
        switch nodes[node].op {
        case .input, .parameter, .constant: return []
        case let .matmul(a, _, b, _): return [a, b]
        case let .transpose(a), let .unary(_, a), let .softmax(a), let .logSoftmax(a): return [a]
        case let .binary(_, a, b), let .extremeShare(a, b, _): return [a, b]
        case let .softmaxBackward(a, b), let .logSoftmaxBackward(a, b): return [a, b]
        case let .sum(a, _, _, _), let .broadcast(a, _): return [a]
        case let .reduceTo(a): return [a]
        case let .select(c, a, b): return [c, a, b]
        case let .layer(_, inputs, _): return inputs
        case let .layerGradient(_, _, inputs, output, upstream, _): return inputs + [output, upstream]
        }
    }

    /// NumPy's broadcast shape of two shapes of rank ≤ 2, or nil.
    static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a, pb = [Int](repeating: 1, count: rank - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            if x == y || y == 1 { out.append(x) } else if x == 1 { out.append(y) } else { return nil }
        }
        return out
    }
}
