import Foundation

/// Runs a `Graph` in Float32: one buffer per needed node, allocated once when the executor
/// is made and reused by every run (no allocation per step); matrix products through BLAS.
///
/// `outputs` are the nodes a run must compute; only the nodes they need are run. Inputs
/// and parameters are written into their buffers by the caller (`buffer(of:)`) before `run()`.
final class GraphExecutor {
    let graph: Graph
    private var buffers: [Int: UnsafeMutablePointer<Float>] = [:]
    /// Buffers owned by the caller (`bind`), not freed here.
    private var external: [Int: UnsafeMutablePointer<Float>] = [:]
    private let schedule: [Int]
    /// Scratch shared by the layer kernels (im2col), the largest any of them needs.
    private let scratch: UnsafeMutablePointer<Float>
    /// The training step's random numbers, which `dropout` draws from (nil: the identity).
    var noise: TrainingNoise?
    /// The threads a matrix product or a layer kernel is split over.
    let threads: Int

    /// An executor for `outputs` whose nodes in `bound` read the caller's storage (see `bind`)
    /// instead of buffers of their own.
    init(graph: Graph, outputs: [Int], bound: [Int: UnsafeMutablePointer<Float>] = [:], threads: Int = 1) {
        self.graph = graph
        self.threads = max(1, threads)
        schedule = Self.schedule(of: outputs, in: graph)
        for node in schedule {
            if let storage = bound[node] { external[node] = storage; continue }
            let count = max(1, graph.count(node))
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            buffer.initialize(repeating: 0, count: count)
            buffers[node] = buffer
            if case .constant(let value) = graph.nodes[node].op { buffer.pointee = value }
        }
        let scratchCount = Self.scratchCount(schedule, in: graph, threads: self.threads)
        scratch = .allocate(capacity: max(1, scratchCount))
        scratch.initialize(repeating: 0, count: max(1, scratchCount))
    }

    /// Floats of scratch the layer kernels of `nodes` need at most on `threads` threads.
    private static func scratchCount(_ nodes: [Int], in graph: Graph, threads: Int) -> Int {
        nodes.reduce(0) { most, node in
            switch graph.nodes[node].op {
            case let .layer(op, inputs, _):
                return max(most, op.workspace(inputs.map(graph.shape), graph.shape(node), threads))
            case let .layerGradient(op, _, inputs, output, _, _):
                return max(most, op.workspace(inputs.map(graph.shape), graph.shape(output), threads))
            default:
                return most
            }
        }
    }

    /// The nodes `outputs` need, in an order that computes each after its inputs.
    static func schedule(of outputs: [Int], in graph: Graph) -> [Int] {
        var needed = Set<Int>()
        var stack = outputs
        while let node = stack.popLast() {
            guard needed.insert(node).inserted else { continue }
            stack += graph.inputs(of: node)
        }
        return needed.sorted()
    }

    /// The bytes an executor for `outputs` on `threads` threads allocates, leaving out the nodes
    /// in `bound`. (Shapes are at most 2³¹ × 10⁶ entries, so the sum does not overflow.)
    static func bytes(for outputs: [Int], in graph: Graph, bound: Set<Int> = [], threads: Int = 1) -> Int {
        var total = 0
        let nodes = schedule(of: outputs, in: graph)
        for node in nodes where !bound.contains(node) {
            total += max(1, graph.count(node)) * MemoryLayout<Float>.stride
        }
        return total + scratchCount(nodes, in: graph, threads: max(1, threads)) * MemoryLayout<Float>.stride
    }

    deinit {
        for buffer in buffers.values { buffer.deallocate() }
        scratch.deallocate()
    }

    /// Reads `node` (an input or parameter) from `storage` instead of its own buffer, so
    /// several executors share one copy of the parameters.
    func bind(_ node: Int, to storage: UnsafeMutablePointer<Float>) {
        guard buffers[node] != nil || external[node] != nil else { return }
        buffers.removeValue(forKey: node)?.deallocate()
        external[node] = storage
    }

    /// The buffer of `node` (row-major, `graph.count(node)` floats).
    func buffer(of node: Int) -> UnsafeMutablePointer<Float> { buffers[node] ?? external[node]! }

    func contains(_ node: Int) -> Bool { buffers[node] != nil || external[node] != nil }

    /// Computes every scheduled node from the inputs and parameters written into their buffers.
    func run() {
        for node in schedule { evaluate(node) }
    }

    // MARK: Operations

    /// Strides to read a value of `shape` as if it had `out` (rank ≤ 2, NumPy broadcasting;
    /// images of rank 3 or 4 as rows, against their own shape or a single value).
    private func strides(_ shape: [Int], as out: [Int]) -> (Int, Int) {
        if out.count > 2 {
            return shape.reduce(1, *) == 1 ? (0, 0) : (dimensions(out).cols, 1)
        }
        let padded = [Int](repeating: 1, count: max(0, out.count - shape.count)) + shape
        switch out.count {
        case 0: return (0, 0)
        case 1: return (0, padded[0] == 1 ? 0 : 1)
        default: return (padded[0] == 1 ? 0 : padded[1], padded[1] == 1 ? 0 : 1)
        }
    }

    private func dimensions(_ shape: [Int]) -> (rows: Int, cols: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (1, shape[0])
        default: return (shape[0], shape.dropFirst().reduce(1, *))
        }
    }

    private func evaluate(_ node: Int) {
        let out = buffer(of: node)
        let shape = graph.shape(node)
        let (rows, cols) = dimensions(shape)
        switch graph.nodes[node].op {
        case .input, .parameter, .constant:
            break
        case let .matmul(a, transposeA, b, transposeB):
            let sa = graph.shape(a)
            let k = transposeA ? sa[0] : sa[1]
            BLAS.gemm(buffer(of: a), transposeA: transposeA, buffer(of: b), transposeB: transposeB, out, m: rows, n: cols, k: k, threads: threads)
        case .transpose(let a):
            let x = buffer(of: a)
            let (r, c) = dimensions(graph.shape(a))
            for i in 0..<r { for j in 0..<c { out[j * r + i] = x[i * c + j] } }
        case let .unary(kind, a):
            let x = buffer(of: a)
            let count = rows * cols
            switch kind {
            case .negate: for i in 0..<count { out[i] = -x[i] }
            case .square: for i in 0..<count { out[i] = x[i] * x[i] }
            case .function(let op): op.kernel(x, out, count)
            }
        case let .binary(kind, a, b):
            let x = buffer(of: a), y = buffer(of: b)
            let (ar, ac) = strides(graph.shape(a), as: shape), (br, bc) = strides(graph.shape(b), as: shape)
            func apply(_ f: (Float, Float) -> Float) {
                let count = rows * cols
                let xWhole = (ar == cols || rows == 1) && ac == 1, yWhole = (br == cols || rows == 1) && bc == 1
                if xWhole && yWhole {
                    for i in 0..<count { out[i] = f(x[i], y[i]) }
                    return
                }
                // A tensor and a scalar (`x > 0`, `1 - out * out` in the op table's derivatives).
                if xWhole && br == 0 && bc == 0 {
                    let c = y[0]
                    for i in 0..<count { out[i] = f(x[i], c) }
                    return
                }
                if ar == 0 && ac == 0 && yWhole {
                    let c = x[0]
                    for i in 0..<count { out[i] = f(c, y[i]) }
                    return
                }
                for i in 0..<rows {
                    let xi = x + i * ar, yi = y + i * br, oi = out + i * cols
                    for j in 0..<cols { oi[j] = f(xi[j * ac], yi[j * bc]) }
                }
            }
            switch kind {
            case .add: apply(+)
            case .subtract: apply(-)
            case .multiply: apply(*)
            case .divide: apply(/)
            case .maximum: apply { Swift.max($0, $1) }
            case .minimum: apply { Swift.min($0, $1) }
            case .less: apply { $0 < $1 ? 1 : 0 }
            case .lessEqual: apply { $0 <= $1 ? 1 : 0 }
            case .greater: apply { $0 > $1 ? 1 : 0 }
            case .greaterEqual: apply { $0 >= $1 ? 1 : 0 }
            case .equal: apply { $0 == $1 ? 1 : 0 }
            case .notEqual: apply { $0 != $1 ? 1 : 0 }
            }
        case let .extremeShare(a, b, isMaximum):
            let x = buffer(of: a), y = buffer(of: b)
            let (ar, ac) = strides(graph.shape(a), as: shape), (br, bc) = strides(graph.shape(b), as: shape)
            for i in 0..<rows {
                for j in 0..<cols {
                    let u = x[i * ar + j * ac], v = y[i * br + j * bc]
                    out[i * cols + j] = u == v ? 0.5 : (isMaximum ? u > v : u < v) ? 1 : 0
                }
            }
        case let .select(c, a, b):
            let m = buffer(of: c), x = buffer(of: a), y = buffer(of: b)
            let (cr, cc) = strides(graph.shape(c), as: shape)
            let (ar, ac) = strides(graph.shape(a), as: shape), (br, bc) = strides(graph.shape(b), as: shape)
            for i in 0..<rows {
                for j in 0..<cols {
                    out[i * cols + j] = m[i * cr + j * cc] != 0 ? x[i * ar + j * ac] : y[i * br + j * bc]
                }
            }
        case .softmax(let a):
            let x = buffer(of: a)
            for i in 0..<rows {
                let xi = x + i * cols, oi = out + i * cols
                // exp(x − max) into the output, then divided by its sum.
                let total = Self.shiftedExponentials(xi, cols, into: oi)
                let inverse = 1 / total.sum
                for j in 0..<cols { oi[j] *= inverse }
            }
        case .logSoftmax(let a):
            let x = buffer(of: a)
            for i in 0..<rows {
                let xi = x + i * cols, oi = out + i * cols
                let total = Self.shiftedExponentials(xi, cols, into: oi)
                let shift = total.max + Foundation.log(total.sum)
                for j in 0..<cols { oi[j] = xi[j] - shift }
            }
        case let .softmaxBackward(output, upstream):
            let p = buffer(of: output), g = buffer(of: upstream)
            for i in 0..<rows {
                var dot: Float = 0
                for j in 0..<cols { dot += g[i * cols + j] * p[i * cols + j] }
                for j in 0..<cols { out[i * cols + j] = p[i * cols + j] * (g[i * cols + j] - dot) }
            }
        case let .logSoftmaxBackward(output, upstream):
            let l = buffer(of: output), g = buffer(of: upstream)
            for i in 0..<rows {
                var total: Float = 0
                for j in 0..<cols { total += g[i * cols + j] }
                for j in 0..<cols { out[i * cols + j] = g[i * cols + j] - Foundation.exp(l[i * cols + j]) * total }
            }
        case let .sum(a, axis, _, scale):
            let x = buffer(of: a)
            let (r, c) = dimensions(graph.shape(a))
            switch axis {
            case nil:
                var total: Float = 0
                for i in 0..<(r * c) { total += x[i] }
                out[0] = total * scale
            case 0?:
                for j in 0..<c { out[j] = 0 }
                for i in 0..<r { for j in 0..<c { out[j] += x[i * c + j] } }
                for j in 0..<c { out[j] *= scale }
            default:
                for i in 0..<r {
                    var total: Float = 0
                    for j in 0..<c { total += x[i * c + j] }
                    out[i] = total * scale
                }
            }
        case let .broadcast(a, axis):
            let x = buffer(of: a)
            if axis == 0 {
                for i in 0..<rows { for j in 0..<cols { out[i * cols + j] = x[i] } }
            } else {
                let (ar, ac) = strides(graph.shape(a), as: shape)
                for i in 0..<rows { for j in 0..<cols { out[i * cols + j] = x[i * ar + j * ac] } }
            }
        case let .layer(op, inputs, fixed):
            var settings = fixed
            if op.random { settings.noise = noise }
            if !op.state.isEmpty { settings.batchStatistics = noise != nil }
            op.kernel(LayerOp.KernelCall(inputs: inputs.map { UnsafePointer(buffer(of: $0)) }, shapes: inputs.map(graph.shape),
                                         output: out, outputShape: shape, settings: settings, scratch: scratch, threads: threads))
        case let .layerGradient(op, which, inputs, output, upstream, fixed):
            var settings = fixed
            if op.random { settings.noise = noise }
            if !op.state.isEmpty { settings.batchStatistics = noise != nil }
            op.kernelGradient(LayerOp.KernelCall(inputs: inputs.map { UnsafePointer(buffer(of: $0)) }, shapes: inputs.map(graph.shape),
                                                 output: buffer(of: output), outputShape: graph.shape(output), settings: settings,
                                                 scratch: scratch, threads: threads,
                                                 upstream: UnsafePointer(buffer(of: upstream)), result: out), which)
        case .reduceTo(let a):
            // Sum `a` (the broadcast shape) down to this node's shape.
            let x = buffer(of: a)
            let (r, c) = dimensions(graph.shape(a))
            let (sr, sc) = strides(shape, as: graph.shape(a))
            for i in 0..<(rows * cols) { out[i] = 0 }
            for i in 0..<r { for j in 0..<c { out[i * sr + j * sc] += x[i * c + j] } }
        }
    }

    /// Writes exp(x_j − max x) for a row into `out`; returns the row's max and the sum written.
    private static func shiftedExponentials(_ x: UnsafeMutablePointer<Float>, _ count: Int,
                                            into out: UnsafeMutablePointer<Float>) -> (max: Float, sum: Float) {
        var top = -Float.infinity
        for j in 0..<count { top = Swift.max(top, x[j]) }
        var total: Float = 0
        for j in 0..<count { let e = Foundation.exp(x[j] - top); out[j] = e; total += e }
        return (top, total)
    }
}
