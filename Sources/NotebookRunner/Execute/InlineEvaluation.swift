/// Evaluates the inline `{eval}` roles of prose against the notebook state.
enum InlineEvaluation {
    static func evaluate(_ role: InlineRole, in state: NotebookState) throws -> String {
        try InlineExpression.evaluate(role.expression, at: role.expressionLocation, in: state)
    }
}
