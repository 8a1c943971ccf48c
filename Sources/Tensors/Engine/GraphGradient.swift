/// Reverse-mode automatic differentiation on a `Graph`: appends the nodes that compute the
/// gradient of a scalar node with respect to the parameters.
///
/// Only nodes that depend on a parameter get a gradient (nothing flows into `X`). Each
/// rule adds ordinary graph nodes, so the executor runs the backward pass like the forward
/// one. At a kink the subgradient is the conventional one: relu and abs take 0 at 0.
enum GraphGradient {
    /// The gradient node of each parameter in `parameters` (by name) for `output`.
    static func gradients(of output: Int, in graph: Graph, parameters: [String: Int]) -> [String: Int] {
        let count = graph.nodes.count
        // Which nodes depend on a parameter.
        var depends = [Bool](repeating: false, count: count)
        for node in 0..<count {
            if case .parameter = graph.nodes[node].op { depends[node] = true } else {
                depends[node] = graph.inputs(of: node).contains { depends[$0] }
            }
        }
        var adjoint: [Int: Int] = [:]
        let location = graph.nodes[output].location
        adjoint[output] = graph.add(.constant(1), shape: [], at: location)

        func accumulate(_ node: Int, _ gradient: Int) {
            guard depends[node] else { return }
            if let existing = adjoint[node] {
                adjoint[node] = graph.add(.binary(.add, existing, gradient), shape: graph.shape(node), at: location)
            } else {
                adjoint[node] = gradient
            }
        }
        /// `gradient` summed down to the shape of `node` when it was broadcast.
        func unbroadcast(_ gradient: Int, to node: Int) -> Int {
            graph.shape(gradient) == graph.shape(node) ? gradient : graph.add(.reduceTo(gradient), shape: graph.shape(node), at: location)
        }
        func add(_ op: Graph.Op, _ shape: [Int]) -> Int { graph.add(op, shape: shape, at: location) }

        for node in stride(from: output, through: 0, by: -1) {
            guard let g = adjoint[node], depends[node] else { continue }
            let shape = graph.shape(node)
            switch graph.nodes[node].op {
            case .input, .parameter, .constant:
                break
            case let .matmul(a, transposeA, b, transposeB):
                // C = op(A)·op(B): ∂op(A) = G·op(B)ᵀ, ∂op(B) = op(A)ᵀ·G, transposed back when op transposes.
                if depends[a] {
                    let da = transposeA ? add(.matmul(b, transposeA: transposeB, g, transposeB: true), graph.shape(a))
                                        : add(.matmul(g, transposeA: false, b, transposeB: !transposeB), graph.shape(a))
                    accumulate(a, da)
                }
                if depends[b] {
                    let db = transposeB ? add(.matmul(g, transposeA: true, a, transposeB: transposeA), graph.shape(b))
                                        : add(.matmul(a, transposeA: !transposeA, g, transposeB: false), graph.shape(b))
                    accumulate(b, db)
                }
            case .transpose(let a):
                accumulate(a, add(.transpose(g), graph.shape(a)))
            case let .unary(kind, a):
                let local: Int
                switch kind {
                case .negate: accumulate(a, add(.unary(.negate, g), shape)); continue
                case .square: local = add(.binary(.multiply, a, add(.constant(2), [])), shape)
                case .function(let op):
                    // The op table's derivative, compiled with x and out bound to this node's input and value.
                    var names = ["x": a, "out": node]
                    local = try! GraphCompiler.compile(op.derivativeExpression, into: graph, names: &names)
                }
                accumulate(a, add(.binary(.multiply, g, local), shape))
            case let .binary(kind, a, b):
                switch kind {
                case .add:
                    accumulate(a, unbroadcast(g, to: a))
                    accumulate(b, unbroadcast(g, to: b))
                case .subtract:
                    accumulate(a, unbroadcast(g, to: a))
                    if depends[b] { accumulate(b, unbroadcast(add(.unary(.negate, g), shape), to: b)) }
                case .multiply:
                    if depends[a] { accumulate(a, unbroadcast(add(.binary(.multiply, g, b), shape), to: a)) }
                    if depends[b] { accumulate(b, unbroadcast(add(.binary(.multiply, g, a), shape), to: b)) }
                case .divide:
                    if depends[a] { accumulate(a, unbroadcast(add(.binary(.divide, g, b), shape), to: a)) }
                    if depends[b] {
                        // ∂(a/b)/∂b = −(a/b)/b
                        let quotient = add(.binary(.divide, node, b), shape)
                        accumulate(b, unbroadcast(add(.unary(.negate, add(.binary(.multiply, g, quotient), shape)), shape), to: b))
                    }
                case .maximum, .minimum:
                    let share = add(.extremeShare(a, b, isMaximum: kind == .maximum), shape)
                    if depends[a] { accumulate(a, unbroadcast(add(.binary(.multiply, g, share), shape), to: a)) }
                    if depends[b] {
                        let rest = add(.binary(.subtract, add(.constant(1), []), share), shape)
                        accumulate(b, unbroadcast(add(.binary(.multiply, g, rest), shape), to: b))
                    }
                case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
                    break
                }
            case .softmax(let a):
                accumulate(a, add(.softmaxBackward(output: node, upstream: g), shape))
            case .logSoftmax(let a):
                accumulate(a, add(.logSoftmaxBackward(output: node, upstream: g), shape))
            case let .sum(a, axis, keep, scale):
                var upstream = g
                if scale != 1 { upstream = add(.binary(.multiply, g, add(.constant(scale), [])), graph.shape(g)) }
                // A vector from summing over axis 1 runs down the rows: broadcast it along axis 0.
                let along: Int? = (axis == 1 && !keep) ? 0 : nil
                accumulate(a, add(.broadcast(upstream, axis: along), graph.shape(a)))
            case .select(let c, let a, let b):
                let zero = add(.constant(0), [])
                if depends[a] { accumulate(a, unbroadcast(add(.select(c, g, zero), shape), to: a)) }
                if depends[b] { accumulate(b, unbroadcast(add(.select(c, zero, g), shape), to: b)) }
            case let .layer(op, inputs, settings):
                // The op table's gradient kernel of each input that depends on a parameter.
                for (which, input) in inputs.enumerated() where depends[input] {
                    accumulate(input, add(.layerGradient(op, which: which, inputs, output: node, upstream: g, settings), graph.shape(input)))
                }
            case .broadcast, .reduceTo, .softmaxBackward, .logSoftmaxBackward, .extremeShare, .layerGradient:
                // Only produced by this pass; never differentiated again.
                break
            }
        }
        var result: [String: Int] = [:]
        for (name, node) in parameters {
            result[name] = adjoint[node] ?? graph.add(.broadcast(graph.add(.constant(0), shape: [], at: location), axis: nil),
                                                      shape: graph.shape(node), at: location)
        }
        return result
    }
}
