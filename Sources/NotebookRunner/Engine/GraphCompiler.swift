/// Compiles statements of the expression language into a `Graph`, checking every shape.
///
/// The engine covers what models are written with: `+ - * /` with broadcasting, `@`
/// (with `.T` folded into the product), unary minus, `** 2`, comparisons, `exp log sqrt abs
/// relu tanh sigmoid`, `softmax` (rows), `sum`/`mean` (whole, `axis=0`, `axis=1`,
/// `keepdims=`), `maximum`, `minimum`, `clip` and `where`. `log(softmax(A))` becomes one
/// stable log-softmax. Anything else is a located error whose hint says what to write.
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
                guard case .number(let exponent) = right.kind, exponent == 2 || exponent == 0.5 else {
                    throw fail("the training engine takes ** 2 and ** 0.5 only", right, hint: "write x * x, or sqrt(x)")
                }
                let base = try compile(left)
                return graph.add(.unary(exponent == 2 ? .square : .sqrt, base), shape: graph.shape(base), at: location(node))
            }
            return try binary(op, try compile(left), try compile(right), at: expression.location(at: offset))
        case .call(let function, let arguments):
            return try call(function, arguments, node)
        case .postfix(let base, let steps):
            var value = try compile(base)
            for step in steps {
                guard case .member("T", _, _) = step else {
                    throw fail("the training engine does not index or read members", node,
                               hint: "write the model with whole matrices; .T is the one member it knows")
                }
                value = try transpose(value, at: location(node))
            }
            return value
        case .list:
            throw fail("the training engine does not take list literals", node, hint: "declare a parameter, or use a number")
        }
    }

    private func transpose(_ value: Int, at location: SourceLocation) throws -> Int {
        let shape = graph.shape(value)
        switch shape.count {
        case 2: return graph.add(.transpose(value), shape: [shape[1], shape[0]], at: location)
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
        let sa = graph.shape(a), sb = graph.shape(b)
        guard sa.count == 2, sb.count == 2 else {
            throw Diagnostic.error("the training engine multiplies matrices with @, got \(Tensor.describe(graph.shape(left))) @ \(Tensor.describe(graph.shape(b)))",
                                   at: location, hint: "keep X and the weights as matrices; biases are added with +")
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
        return graph.add(.binary(kind, a, b), shape: shape, at: location)
    }

    private func call(_ function: String, _ arguments: [CallArgument], _ node: ExpressionNode) throws -> Int {
        let positional = arguments.filter { $0.keyword == nil }.map(\.value)
        var keywords: [String: ExpressionNode] = [:]
        for argument in arguments { if let keyword = argument.keyword { keywords[keyword] = argument.value } }
        let here = location(node)
        func one() throws -> Int {
            guard positional.count == 1 else { throw fail("\(function) takes one argument", node) }
            return try compile(positional[0])
        }
        func integer(_ name: String) throws -> Int? {
            guard let value = keywords[name] else { return nil }
            guard case .number(let number) = value.kind, number == number.rounded() else {
                throw fail("\(name)= must be a whole number here", value)
            }
            return Int(number)
        }
        switch function {
        case "exp", "log", "sqrt", "abs", "relu", "tanh", "sigmoid":
            let x = try one()
            if function == "log", case .softmax(let logits) = graph.nodes[x].op {
                // log(softmax(A)) is computed as A − logsumexp(A): finite where softmax underflows.
                return graph.add(.logSoftmax(logits), shape: graph.shape(x), at: here)
            }
            let unary: Graph.Unary = ["exp": .exp, "log": .log, "sqrt": .sqrt, "abs": .abs, "relu": .relu,
                                      "tanh": .tanh, "sigmoid": .sigmoid][function]!
            return graph.add(.unary(unary, x), shape: graph.shape(x), at: here)
        case "softmax":
            let x = try one()
            if let axis = try integer("axis"), axis != -1, axis != graph.shape(x).count - 1 {
                throw fail("the training engine takes softmax over rows (the last axis)", node)
            }
            return graph.add(.softmax(x), shape: graph.shape(x), at: here)
        case "sum", "mean":
            let x = try one()
            let shape = graph.shape(x)
            var axis = try integer("axis")
            if let given = axis, given < 0 { axis = given + shape.count }
            if let axis, !(0..<shape.count).contains(axis) { throw fail("axis \(axis) is outside a \(Tensor.describe(shape)) value", node) }
            let keep = keywords["keepdims"].map { if case .number(let v) = $0.kind { return v != 0 } else { return false } } ?? false
            let count = axis.map { shape[$0] } ?? shape.reduce(1, *)
            var out = shape
            if let axis { if keep { out[axis] = 1 } else { out.remove(at: axis) } } else { out = keep ? shape.map { _ in 1 } : [] }
            return graph.add(.sum(x, axis: axis, keepDimensions: keep, scale: function == "mean" ? 1 / Float(count) : 1),
                             shape: out, at: here)
        case "maximum", "minimum":
            guard positional.count == 2 else { throw fail("\(function) takes two arguments", node) }
            return try elementwise(function == "maximum" ? .maximum : .minimum, try compile(positional[0]), try compile(positional[1]), at: here)
        case "clip":
            guard positional.count == 3 else { throw fail("clip takes three arguments: clip(x, low, high)", node) }
            let low = try elementwise(.maximum, try compile(positional[0]), try compile(positional[1]), at: here)
            return try elementwise(.minimum, low, try compile(positional[2]), at: here)
        case "where":
            guard positional.count == 3 else { throw fail("where takes three arguments: where(condition, a, b)", node) }
            let (c, a, b) = (try compile(positional[0]), try compile(positional[1]), try compile(positional[2]))
            guard let ab = Graph.broadcastShape(graph.shape(a), graph.shape(b)), let shape = Graph.broadcastShape(graph.shape(c), ab) else {
                throw fail("where: the shapes do not broadcast", node)
            }
            return graph.add(.select(c, a, b), shape: shape, at: here)
        default:
            throw fail("the training engine does not compute \(function)(…)", node,
                       hint: "models are trained with + - * / @, exp log sqrt abs relu tanh sigmoid softmax, sum/mean, maximum/minimum/clip/where")
        }
    }
}
