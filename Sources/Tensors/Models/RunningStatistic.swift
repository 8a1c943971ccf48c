import Foundation

/// The running mean and variance one `batchnorm` of a model's forward pass keeps: model state
/// beyond its parameters, which training moves and evaluation reads (`BatchNormalization`).
///
/// The statement that binds the call names them (`H = batchnorm(Z, g, c)` keeps
/// `H.running_mean` and `H.running_var`); gamma's parameter gives their width.
public struct RunningStatistic: Sendable, Hashable {
    /// The name the statement binds.
    public var name: String
    public var width: ModelDefinition.Size
    public var location: SourceLocation

    public var meanName: String { BatchNormalization.meanName(name) }
    public var varianceName: String { BatchNormalization.varianceName(name) }

    /// The `batchnorm` calls of `forward`, checked: one per statement, gamma a parameter of one axis.
    static func find(in forward: [ParsedExpression], parameters: [ModelDefinition.Parameter]) throws -> [RunningStatistic] {
        let function = ExpressionFunction.named(LayerOp.batchnorm.name)!
        var found: [RunningStatistic] = []
        for statement in forward {
            let calls = Self.calls(of: function.name, in: statement.root)
            guard let call = calls.first, let name = statement.binding else { continue }
            let at = { (node: ExpressionNode) in statement.location(at: node.span.lowerBound) }
            if calls.count > 1 {
                throw Diagnostic.error("a second batchnorm on one line: each keeps running statistics named by the line's name", at: at(calls[1]),
                                       hint: "give each batchnorm a line of its own, e.g. H1 = batchnorm(Z1, g1, c1)")
            }
            guard case .call(_, let arguments) = call.kind else { continue }
            let bound = try ExpressionEvaluator(expression: statement, scope: ExpressionScope()).bind(arguments, to: function, call)
            let gamma = bound["gamma"]!
            guard case .name(let parameterName) = gamma.kind, let parameter = parameters.first(where: { $0.name == parameterName }),
                  parameter.shape.count == 1 else {
                throw Diagnostic.error("batchnorm's gamma must be a parameter of one axis (one entry per column): its running statistics take its width",
                                       at: at(gamma), hint: "e.g. param g1: 64 constant(1), then \(name) = batchnorm(Z, g1, c1)")
            }
            found.append(RunningStatistic(name: name, width: parameter.shape[0], location: at(call)))
        }
        return found
    }

    /// The first `batchnorm` call of `statement`, for a part of the model that cannot keep running statistics.
    static func firstCall(in statement: ParsedExpression) -> SourceLocation? {
        calls(of: LayerOp.batchnorm.name, in: statement.root).first.map { statement.location(at: $0.span.lowerBound) }
    }

    /// Every call of `function` in `node`, outermost and leftmost first.
    private static func calls(of function: String, in node: ExpressionNode) -> [ExpressionNode] {
        switch node.kind {
        case .number, .name: return []
        case .list(let elements): return elements.flatMap { calls(of: function, in: $0) }
        case .negate(let inner): return calls(of: function, in: inner)
        case let .chain(head, steps): return calls(of: function, in: head) + steps.flatMap { calls(of: function, in: $0.operand) }
        case let .binary(_, left, right, _): return calls(of: function, in: left) + calls(of: function, in: right)
        case let .call(name, arguments):
            return (name == function ? [node] : []) + arguments.flatMap { calls(of: function, in: $0.value) }
        case let .postfix(base, steps):
            var found = calls(of: function, in: base)
            for case .index(let items, _, _) in steps {
                for item in items {
                    switch item {
                    case .at(let position): found += calls(of: function, in: position)
                    case let .range(start, stop, _): found += [start, stop].compactMap { $0 }.flatMap { calls(of: function, in: $0) }
                    }
                }
            }
            return found
        }
    }
}
