/// Compiles statements of the expression language into a `Graph`, checking every shape.
///
/// The engine covers what models are written with: `+ - * /` with broadcasting, `@`
/// (with `.T` folded into the product), unary minus, `** 2`, comparisons, `exp log sqrt abs
/// relu tanh sigmoid`, `softmax` (rows), `sum`/`mean` (whole, `axis=0`, `axis=1`,
/// `keepdims=`), `maximum`, `minimum`, `clip` and `where`. `log(softmax(A))` becomes one
/// stable log-softmax, `log(sigmoid(a))` and `log(1 - sigmoid(a))` stable softpluses. Anything else is a located error whose hint says what to write.
struct GraphCompiler {
    let graph: Graph
    /// Node of each name bound so far.
    var names: [String: Int]
    let expression: ParsedExpression

    /// Compiles `statement`; a binding adds its name.
    static func compile(_ statement: ParsedExpression, into graph: Graph, names: inout [String: Int]) throws -> Int {
        let compiler = GraphCompiler(graph: graph, names: names, expression: statement)
        let node = try compiler.compile(statement.root)
        if let name = statement.binding { names[name] = node }
        return node
    }

    private func location(_ node: ExpressionNode) -> SourceLocation { expression.location(at: node.span.lowerBound) }

    private func fail(_ message: String, _ node: ExpressionNode, hint: String? = nil) -> Diagnostic {
        Diagnostic.error(message, at: location(node), hint: hint)
    }

    func compile(_ node: ExpressionNode) throws -> Int {
        switch node.kind {
        case .number(let value):
            guard Float(value).isFinite || !value.isFinite else {
                throw fail("\(NumberText.compact(value)) is outside the range of Float32 (±3.4·10³⁸), which the training engine computes in", node,
                           hint: "use a smaller number")
            }
            return graph.add(.constant(Float(value)), shape: [], at: location(node))
        case .name(let name):
            guard let id = names[name] else {
                let near = Suggestion.nearest(to: name, in: names.keys.sorted()).map { "did you mean '\($0)'? " } ?? ""
                throw fail("unknown name '\(name)'", node, hint: near + "names here: " + names.keys.sorted().joined(separator: ", "))
            }
            return id
        case .negate(let inner):
            let value = try compile(inner)
            return graph.add(.unary(.negate, value), shape: graph.shape(value), at: location(node))
        case .chain(let first, let steps):
            var value = try compile(first)
            var leftNode = first
            for step in steps {
                if step.op == .matmul {
                    value = try matmul(leftNode, value, step.operand, at: expression.location(at: step.operatorOffset))
                } else {
                    value = try binary(step.op, value, try compile(step.operand), at: expression.location(at: step.operatorOffset))
                }
                leftNode = ExpressionNode(.chain(first, []), span: first.span.lowerBound ..< step.operand.span.upperBound)
            }
            return value
        case .binary(let op, let left, let right, let offset):
            if op == .power {
                guard case .number(let exponent) = right.kind, EngineSupport.exponents.contains(exponent) else {
                    throw EngineSupport.power(at: location(right))
                }
                let base = try compile(left)
                return graph.add(.unary(exponent == 2 ? .square : .function(ElementwiseOp.named("sqrt")!), base), shape: graph.shape(base), at: location(node))
            }
            return try binary(op, try compile(left), try compile(right), at: expression.location(at: offset))
        case .call(let function, let arguments):
            return try call(function, arguments, node)
        case .postfix(let base, let steps):
            var value = try compile(base)
            for step in steps {
                guard case .member("T", _, _) = step else { throw EngineSupport.postfix(at: location(node)) }
                value = try transpose(value, at: location(node))
            }
            return value
        case .list:
            throw EngineSupport.list(at: location(node))
        }
    }

    private func transpose(_ value: Int, at location: SourceLocation) throws -> Int {
        // (a vector or a scalar is its own transpose)
        let shape = graph.shape(value)
        switch shape.count {
        case 2: return graph.add(.transpose(value), shape: [shape[1], shape[0]], at: location)
        case 3...: throw Diagnostic.error(".T of \(Tensor.describe(shape)) images: it transposes a matrix", at: location, hint: "flatten(x) turns images into rows")
        default: return value
        }
    }

    /// `left @ right`, folding a `.T` on the right operand into the product.
    private func matmul(_ leftNode: ExpressionNode, _ left: Int, _ rightNode: ExpressionNode, at location: SourceLocation) throws -> Int {
        var (a, transposeA) = (left, false)
        if case .transpose(let inner) = graph.nodes[left].op { (a, transposeA) = (inner, true) }
        var b: Int, transposeB = false
        if case .postfix(let base, let steps) = rightNode.kind, steps.count == 1, case .member("T", _, _) = steps[0] {
            b = try compile(base)
            transposeB = graph.shape(b).count == 2
        } else {
            b = try compile(rightNode)
        }
        return try product(a, transposeA: transposeA, b, transposeB: transposeB, at: location)
    }

    /// `op(a) @ op(b)`; NumPy's vector rules: a vector on the right is a column, on the left a
    /// row (the column transposed in the product), and the product's axis of size 1 is summed
    /// away. A vector becomes a column by a transpose, whose gradient turns it back.
    private func product(_ a: Int, transposeA: Bool, _ b: Int, transposeB: Bool, at location: SourceLocation) throws -> Int {
        let sa = graph.shape(a), sb = graph.shape(b)
        if sa.count == 2, sb.count == 1 {
            let column = graph.add(.transpose(b), shape: [sb[0], 1], at: location)
            let result = try product(a, transposeA: transposeA, column, transposeB: false, at: location)
            return graph.add(.sum(result, axis: 1, keepDimensions: false, scale: 1), shape: [graph.shape(result)[0]], at: location)
        }
        if sa.count == 1, sb.count == 2 {
            let column = graph.add(.transpose(a), shape: [sa[0], 1], at: location)
            let result = try product(column, transposeA: true, b, transposeB: transposeB, at: location)
            return graph.add(.sum(result, axis: 0, keepDimensions: false, scale: 1), shape: [graph.shape(result)[1]], at: location)
        }
        guard sa.count == 2, sb.count == 2 else {
            throw Diagnostic.error("the training engine multiplies matrices and vectors with @, got \(Tensor.describe(sa)) @ \(Tensor.describe(sb))",
                                   at: location, hint: "keep X and the weights as matrices or vectors; a number multiplies with *")
        }
        let (m, k1) = transposeA ? (sa[1], sa[0]) : (sa[0], sa[1])
        let (k2, n) = transposeB ? (sb[1], sb[0]) : (sb[0], sb[1])
        guard k1 == k2 else {
            throw Diagnostic.error("shape mismatch in '@': (\(m)×\(k1)) @ (\(k2)×\(n)) needs \(k1) rows on the right", at: location,
                                   hint: "check which side needs .T")
        }
        return graph.add(.matmul(a, transposeA: transposeA, b, transposeB: transposeB), shape: [m, n], at: location)
    }

    private func binary(_ op: BinaryOperator, _ a: Int, _ b: Int, at location: SourceLocation) throws -> Int {
        let kind: Graph.Binary
        switch op {
        case .add: kind = .add
        case .subtract: kind = .subtract
        case .multiply: kind = .multiply
        case .divide: kind = .divide
        case .less: kind = .less
        case .lessEqual: kind = .lessEqual
        case .greater: kind = .greater
        case .greaterEqual: kind = .greaterEqual
        case .equal: kind = .equal
        case .notEqual: kind = .notEqual
        case .matmul, .power: preconditionFailure("handled by the caller")
        }
        return try elementwise(kind, a, b, at: location)
    }

    private func elementwise(_ kind: Graph.Binary, _ a: Int, _ b: Int, at location: SourceLocation) throws -> Int {
        guard let shape = Graph.broadcastShape(graph.shape(a), graph.shape(b)) else {
            throw Diagnostic.error("shape mismatch: \(Tensor.describe(graph.shape(a))) and \(Tensor.describe(graph.shape(b))) cannot broadcast",
                                   at: location, hint: "a bias is a vector with one entry per column")
        }
        if shape.count > 2, [a, b].contains(where: { graph.shape($0) != shape && graph.count($0) != 1 }) {
            throw Diagnostic.error("shape mismatch: \(Tensor.describe(graph.shape(a))) and \(Tensor.describe(graph.shape(b))): images meet only images of their own shape or a single value",
                                   at: location, hint: "conv2d takes the bias itself; flatten(x) turns images back into rows")
        }
        var (a, b) = (a, b)
        if kind == .add || kind == .subtract {
            // A sum over rows plus a term that does not depend on them: each chunk adds its
            // share of the term, so the chunks' values add up to the batch's.
            a = weighted(a, beside: b, at: location)
            b = weighted(b, beside: a, at: location)
        }
        return graph.add(.binary(kind, a, b), shape: shape, at: location)
    }

    /// `value` times the chunk's share when it does not depend on the rows and `other` is a sum over them.
    private func weighted(_ value: Int, beside other: Int, at location: SourceLocation) -> Int {
        guard let share = graph.share, graph.rows(value) == .none, graph.rows(other) == .additive else { return value }
        return graph.add(.binary(.multiply, value, share), shape: graph.shape(value), at: location)
    }

    private func call(_ function: String, _ arguments: [CallArgument], _ node: ExpressionNode) throws -> Int {
        let here = location(node)
        guard let known = ExpressionFunction.named(function), Self.functions.contains(function) else {
            throw EngineSupport.function(function, at: here)
        }
        // The interpreter's own reading of the arguments: the same names, keywords and errors.
        let constants = ExpressionEvaluator(expression: expression, scope: ExpressionScope())
        let bound = try constants.bind(arguments, to: known, node)
        func argument(_ name: String) throws -> Int { try compile(bound[name]!) }
        /// `axis=`/`keepdims=` as the interpreter reads them; they must not depend on the model's values.
        func constant<T>(_ name: String, _ read: (ExpressionNode, String) throws -> T) throws -> T? {
            guard let value = bound[name] else { return nil }
            do {
                return try read(value, "\(name)=")
            } catch let error as Diagnostic where error.message.hasPrefix("unknown name") {
                throw fail("\(name)= must be written as a number here: the training engine fixes it when it compiles the model", value,
                           hint: error.message)
            }
        }
        if let op = LayerOp.named(function) {
            var inputs = try op.tensors.map { try argument($0) }
            let settings = try constants.layerSettings(op, bound)
            if !op.state.isEmpty {
                // batchnorm's running statistics, which the model keeps under the statement's name.
                guard let binding = expression.binding, let mean = names[BatchNormalization.meanName(binding)],
                      let variance = names[BatchNormalization.varianceName(binding)] else {
                    throw fail("\(function) keeps running statistics, so it belongs to a {model}'s forward pass, one call per line, with gamma a parameter", node,
                               hint: "e.g. H = relu(batchnorm(X @ W1 + b1, g1, c1)) with param g1: 64 constant(1)")
                }
                inputs += [mean, variance]
            }
            if op.random, graph.rows(inputs[0]) != .perRow(axis: 0) {
                throw fail("\(function) applies to values computed row by row from X (a layer's activations), each data row drawing its own mask", node,
                           hint: "e.g. H = dropout(relu(X @ W1 + b1), 0.5)")
            }
            do {
                return graph.add(.layer(op, inputs, settings), shape: try op.shape(inputs.map(graph.shape), settings), at: here)
            } catch let error as ShapeError {
                throw Diagnostic.error(error.message, at: here, hint: error.hint)
            }
        }
        switch function {
        case _ where ElementwiseOp.named(function) != nil:
            let x = try argument("x")
            if function == "log", case .softmax(let logits) = graph.nodes[x].op {
                // log(softmax(A)) is computed as A − logsumexp(A): finite where softmax underflows.
                return graph.add(.logSoftmax(logits), shape: graph.shape(x), at: here)
            }
            if function == "log", let stable = logOfSigmoid(x, at: here) { return stable }
            return graph.add(.unary(.function(ElementwiseOp.named(function)!), x), shape: graph.shape(x), at: here)
        case "softmax":
            let x = try argument("x")
            let rank = graph.shape(x).count
            if rank > 2 { throw fail("the training engine takes softmax of rows, not of \(Tensor.describe(graph.shape(x))) images", node, hint: "flatten(x) turns images into rows") }
            if let axis = try constant("axis", constants.integer), axis != -1, axis != rank - 1 {
                throw fail("the training engine takes softmax over rows (the last axis), not axis=\(axis)", bound["axis"]!,
                           hint: "write softmax(x) or softmax(x, axis=-1)")
            }
            return graph.add(.softmax(x), shape: graph.shape(x), at: here)
        case "sum", "mean":
            let x = try argument("x")
            let shape = graph.shape(x)
            var axis = try constant("axis", constants.integer)
            if axis != nil, shape.count > 2 {
                throw fail("the training engine sums images whole, not along an axis", bound["axis"]!, hint: "flatten(x) turns images into rows")
            }
            if let given = axis, given < 0 { axis = given + shape.count }
            if let axis, !(0..<shape.count).contains(axis) {
                throw fail("axis \(axis) is outside a \(Tensor.describe(shape)) value", bound["axis"]!)
            }
            let keep = try constant("keepdims", constants.flag) ?? false
            var out = shape
            if let axis { if keep { out[axis] = 1 } else { out.remove(at: axis) } } else { out = keep ? shape.map { _ in 1 } : [] }
            return graph.add(.sum(x, axis: axis, keepDimensions: keep, scale: function == "mean" ? 1 / Float(count(of: x, over: axis)) : 1),
                             shape: out, at: here)
        case "maximum", "minimum":
            return try elementwise(function == "maximum" ? .maximum : .minimum, try argument("a"), try argument("b"), at: here)
        case "clip":
            let low = try elementwise(.maximum, try argument("x"), try argument("lo"), at: here)
            return try elementwise(.minimum, low, try argument("hi"), at: here)
        default:
            let (c, a, b) = (try argument("condition"), try argument("a"), try argument("b"))
            guard let ab = Graph.broadcastShape(graph.shape(a), graph.shape(b)), let shape = Graph.broadcastShape(graph.shape(c), ab) else {
                throw fail("where: the shapes do not broadcast", node)
            }
            if shape.count > 2, [c, a, b].contains(where: { graph.shape($0) != shape && graph.count($0) != 1 }) {
                throw fail("where: images meet only images of their own shape or a single value", node)
            }
            return graph.add(.select(c, a, b), shape: shape, at: here)
        }
    }

    /// `log(sigmoid(a))` as −softplus(−a) and `log(1 - sigmoid(a))` as −softplus(a): finite
    /// where the sigmoid rounds to 0 or 1 in Float32 (|a| above about 17), so the binary
    /// cross-entropy of a confident model stays finite; nil for anything else.
    private func logOfSigmoid(_ x: Int, at location: SourceLocation) -> Int? {
        func logit(ofSigmoid node: Int) -> Int? {
            guard case .unary(.function(let op), let a) = graph.nodes[node].op, op.name == "sigmoid" else { return nil }
            return a
        }
        let softplus = Graph.Unary.function(ElementwiseOp.named("softplus")!)
        let shape = graph.shape(x)
        if let a = logit(ofSigmoid: x) {
            let negated = graph.add(.unary(.negate, a), shape: graph.shape(a), at: location)
            let value = graph.add(.unary(softplus, negated), shape: shape, at: location)
            return graph.add(.unary(.negate, value), shape: shape, at: location)
        }
        if case .binary(.subtract, let one, let s) = graph.nodes[x].op, case .constant(1) = graph.nodes[one].op,
           let a = logit(ofSigmoid: s), graph.shape(a) == shape {
            let value = graph.add(.unary(softplus, a), shape: shape, at: location)
            return graph.add(.unary(.negate, value), shape: shape, at: location)
        }
        return nil
    }

    /// The functions the engine computes (of `ExpressionFunction.all`).
    static let functions = Set(ElementwiseOp.all.map(\.name)).union(["softmax", "sum", "mean", "maximum", "minimum", "clip", "where"])
        .union(LayerOp.all.map(\.name))

    /// How many entries a mean of `node` over `axis` (nil: all) averages: along the batch's
    /// rows that is the whole batch's rows, also when the graph computes a chunk of them.
    private func count(of node: Int, over axis: Int?) -> Int {
        var shape = graph.shape(node)
        if case .perRow(let rowAxis) = graph.rows(node) { shape[rowAxis] = graph.batchRows }
        return axis.map { shape[$0] } ?? shape.reduce(1, *)
    }
}
