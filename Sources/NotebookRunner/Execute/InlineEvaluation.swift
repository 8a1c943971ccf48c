/// Evaluates the inline `{eval}` roles of prose against the notebook state.
enum InlineEvaluation {
    static func evaluate(_ role: InlineRole, in state: NotebookState) throws -> String {
        throw Diagnostic.error("inline {eval} roles need the expression engine", at: role.expressionLocation)
    }
}
