/// What the training engine computes, checked on a statement without any data: the functions
/// of the op table it has kernels for, `**` with the exponents it takes, `.T` as the one
/// member, no indexing and no list literals. `GraphCompiler` throws the same diagnostics when
/// it compiles, and `ModelDefinitionParser` asks before, so `nbrun check` reports a model the
/// engine cannot train at the operation's column.
public enum EngineSupport {
    /// The exponents `**` takes (`x ** 2` squares, `x ** 0.5` is `sqrt(x)`).
    static let exponents: Set<Double> = [2, 0.5]

    /// The first operation of `statement` the engine does not compute, as a located error.
    public static func unsupported(in statement: ParsedExpression) -> Diagnostic? {
        first(in: statement.root, of: statement)
    }

    static func function(_ name: String, at location: SourceLocation) -> Diagnostic {
        .error("the training engine does not compute \(name)(…)", at: location,
               hint: "models are trained with + - * / @, " + ElementwiseOp.all.map(\.name).joined(separator: " ")
                   + " softmax, sum/mean, maximum/minimum/clip/where, " + LayerOp.all.map(\.name).joined(separator: " "))
    }

    static func power(at location: SourceLocation) -> Diagnostic {
        .error("the training engine takes ** 2 and ** 0.5 only", at: location, hint: "write x * x, or sqrt(x)")
    }

    static func postfix(at location: SourceLocation) -> Diagnostic {
        .error("the training engine does not index or read members", at: location,
               hint: "write the model with whole matrices; .T is the one member it knows")
    }

    static func list(at location: SourceLocation) -> Diagnostic {
        .error("the training engine does not take list literals", at: location, hint: "declare a parameter, or use a number")
    }

    private static func first(in node: ExpressionNode, of statement: ParsedExpression) -> Diagnostic? {
        let here = statement.location(at: node.span.lowerBound)
        switch node.kind {
        case .number, .name:
            return nil
        case .list:
            return list(at: here)
        case .negate(let inner):
            return first(in: inner, of: statement)
        case .chain(let head, let steps):
            return first(in: head, of: statement) ?? steps.lazy.compactMap { first(in: $0.operand, of: statement) }.first
        case let .binary(op, left, right, _):
            if op == .power {
                guard case .number(let exponent) = right.kind, exponents.contains(exponent) else {
                    return power(at: statement.location(at: right.span.lowerBound))
                }
            }
            return first(in: left, of: statement) ?? first(in: right, of: statement)
        case let .call(name, arguments):
            guard GraphCompiler.functions.contains(name) else { return function(name, at: here) }
            // A layer op's whole numbers (a shape list too) are fixed when the model compiles.
            let tensors = LayerOp.named(name).map { Array(arguments.filter { $0.keyword == nil }.prefix($0.tensors.count)) } ?? arguments
            return tensors.lazy.compactMap { first(in: $0.value, of: statement) }.first
        case let .postfix(base, steps):
            for step in steps {
                guard case .member("T", _, _) = step else { return postfix(at: here) }
            }
            return first(in: base, of: statement)
        }
    }
}
