/// Reverse-mode automatic differentiation of the expression language: the exact gradient
/// of a scalar loss with respect to named parameters, in Float64.
///
/// It accepts a program in the language of `{gradcheck}` and `{model}` bodies:
///
/// ```
/// program    = { definition } loss ;
/// definition = identifier "=" expression ;     ← evaluated in order, e.g. H = relu(X @ W1 + b1)
/// loss       = expression ;                    ← must be a scalar
/// ```
///
/// with the expression grammar of `ExpressionParser`. Parameters are names bound in the
/// scope (usually `W`, `b`, `W1`, …); a definition may not rebind one. Every operation is
/// differentiable except the ones that are constant almost everywhere:
///
/// - differentiated: `+ - * / **` (with NumPy broadcasting; the backward pass sums over
///   the stretched axes), unary `-`, `@` (with its vector rules), `.T`, indexing and
///   slicing, list literals, `exp log sqrt abs tanh sigmoid relu maximum minimum clip
///   where`, `sum mean max min logsumexp` (with `axis=`, `keepdims=`) and `softmax`;
/// - constant (gradient 0): comparisons, `argmax`, `onehot`, `.shape`, the condition of
///   `where`, numbers, metrics and every name that is not a parameter.
///
/// At a kink the subgradient is the conventional one: `relu` and `abs` take 0 at 0;
/// `maximum`, `minimum`, `clip`, `max` and `min` share the gradient equally between tied
/// values (what central differences measure). The forward pass is the evaluator's own, so
/// values, errors and the memory budget are those of `{eval}`; the tape's intermediate
/// values together must also fit the budget.
public enum ExpressionGradient {
    public struct Result: Sendable {
        /// The loss at the given parameters.
        public var loss: Double
        /// ∂loss/∂parameter for each parameter, in the parameter's shape.
        public var gradients: [String: Tensor]
    }

    /// The loss and its gradient with respect to `parameters`, after evaluating
    /// `definitions` in order; errors are located in the program's text.
    /// `passingThrough` names elementwise functions (e.g. `relu`) whose derivative is taken
    /// as 1: the gradient a backpropagation that forgets them computes, for hints.
    public static func gradient(of loss: ParsedExpression, after definitions: [ParsedExpression] = [],
                                withRespectTo parameters: [String], in scope: ExpressionScope,
                                passingThrough: Set<String> = []) throws -> Result {
        let tape = GradientTape()
        tape.passesThrough = passingThrough
        var traced: [String: Traced] = [:]
        for name in parameters {
            guard let value = scope.values[name] else {
                let bound = scope.values.keys.sorted()
                let near = Suggestion.nearest(to: name, in: bound).map { "did you mean '\($0)'? " } ?? ""
                throw Diagnostic.error("unknown parameter '\(name)'", at: loss.origin, hint: near + "bound names: " + bound.joined(separator: ", "))
            }
            traced[name] = tape.leaf(value)
        }
        for definition in definitions {
            if let name = definition.binding, parameters.contains(name) {
                throw Diagnostic.error("'\(name)' is a parameter, so it cannot be defined here", at: definition.origin,
                                       hint: "give the definition another name")
            }
            let value = try evaluate(definition, scope, tape, traced)
            if let name = definition.binding { traced[name] = value }
        }
        let result = try evaluate(loss, scope, tape, traced)
        guard result.value.isScalar else {
            throw Diagnostic.error("the loss must be a scalar, but it is \(result.value.shapeDescription)", at: loss.origin,
                                   hint: "reduce it with mean(…) or sum(…)")
        }
        var gradients: [String: Tensor] = [:]
        let all = try result.id.map { try tape.gradients(of: $0, checkCancelled: scope.limits.checkCancelled) }
        for name in parameters {
            let parameter = traced[name]!
            gradients[name] = all?[parameter.id!] ?? Tensor.filled(parameter.value.shape, 0)
        }
        return Result(loss: result.value.data[0], gradients: gradients)
    }

    private static func evaluate(_ expression: ParsedExpression, _ scope: ExpressionScope, _ tape: GradientTape,
                                 _ traced: [String: Traced]) throws -> Traced {
        do {
            return try ExpressionEvaluator(expression: expression, scope: scope, tape: tape, traced: traced).evaluateTraced()
        } catch let error as ShapeError {
            throw Diagnostic.error(error.message, at: expression.origin, hint: error.hint)
        }
    }
}
