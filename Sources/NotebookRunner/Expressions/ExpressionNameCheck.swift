/// Checks the names an expression uses before anything runs, so `nbrun check` catches
/// `trian.test_accuracy` without training first.
///
/// Values are statically known (the standard batch and model names and names bound by
/// earlier `{eval}` lines); a cell label may be read as `label.metric` once its cell comes
/// before the expression, and its metric must be one the cell declares (`metrics`), when
/// the cell's directive knows them before running; otherwise metric names are left to the
/// evaluator. Messages match the evaluator's where both apply.
public struct ExpressionNameCheck: Sendable {
    /// The names `{eval}` and inline roles always see (`ExpressionBindings`).
    public static let standardNames: Set<String> = ["X", "y", "Y", "N", "W", "b"]

    /// Names bound to values at this point.
    public var values: Set<String>
    /// Labels of cells before this point.
    public var labelsBefore: Set<String>
    /// Labels of cells after this point (named as such, rather than as unknown).
    public var labelsAfter: Set<String>
    /// False once something may have bound names not known statically (a model whose
    /// parameters a cell defines): then unknown plain names are left to the evaluator.
    public var valuesAreComplete = true
    /// The metrics each cell before this point may record, by label, for the cells whose
    /// directive declares them (`CellDeclarations.metrics`).
    public var metrics: [String: Set<String>] = [:]

    public init(values: Set<String> = standardNames, labelsBefore: Set<String> = [], labelsAfter: Set<String> = []) {
        self.values = values
        self.labelsBefore = labelsBefore
        self.labelsAfter = labelsAfter
    }

    /// Every unknown name, misused label and unknown function in `expression`, located.
    public func diagnostics(in expression: ParsedExpression) -> [Diagnostic] {
        var found: [Diagnostic] = []
        visit(expression.root, in: expression, into: &found)
        return found
    }

    private func visit(_ node: ExpressionNode, in expression: ParsedExpression, into found: inout [Diagnostic]) {
        let at = { (offset: Int) in expression.location(at: offset) }
        switch node.kind {
        case .number:
            break
        case .name(let name):
            if let problem = problem(withValue: name) { found.append(.error(problem.message, at: at(node.span.lowerBound), hint: problem.hint)) }
        case .list(let elements):
            for element in elements { visit(element, in: expression, into: &found) }
        case .negate(let operand):
            visit(operand, in: expression, into: &found)
        case .chain(let first, let steps):
            visit(first, in: expression, into: &found)
            for step in steps { visit(step.operand, in: expression, into: &found) }
        case .binary(_, let lhs, let rhs, _):
            visit(lhs, in: expression, into: &found)
            visit(rhs, in: expression, into: &found)
        case .call(let name, let arguments):
            if !ExpressionEvaluator.functionNames.contains(name) {
                let near = Suggestion.nearest(to: name, in: ExpressionEvaluator.functionNames).map { "did you mean '\($0)'? " } ?? ""
                found.append(.error("unknown function '\(name)'", at: at(node.span.lowerBound),
                                    hint: near + "functions: " + ExpressionEvaluator.functionNames.joined(separator: ", ")))
            }
            for argument in arguments {
                // A flag such as keepdims=True names no value.
                if argument.keyword != nil, case .name(let flag) = argument.value.kind, Self.flagWords.contains(flag) { continue }
                visit(argument.value, in: expression, into: &found)
            }
        case .postfix(let base, let steps):
            var rest = steps[...]
            if case .name(let owner) = base.kind, case .member(let first, _, _) = steps.first,
               values.contains(owner + "." + first) || Self.stateMembers.contains(first) && mayBeBound(owner) {
                // A batchnorm's running statistics, read as the evaluator reads them when the model binds them.
                rest = steps.dropFirst()
            } else if case .name(let label) = base.kind, !values.contains(label), case .member(let first, let offset, _) = steps.first,
               !(Self.tensorMembers.contains(first) && mayBeBound(label)) {
                if let problem = problem(withLabel: label) {
                    found.append(.error(problem.message, at: at(base.span.lowerBound), hint: problem.hint))
                } else if let problem = problem(withMetric: first, of: label) {
                    found.append(.error(problem.message, at: at(offset), hint: problem.hint))
                }
                rest = steps.dropFirst()
                // label.history[K].name: an epoch of a training cell, as the evaluator reads it.
                if first == "history", rest.count >= 2, case .index = rest.first, case .member = rest.dropFirst().first {
                    if case .index(let items, _, _) = rest.first! {
                        for item in items { if case .at(let position) = item { visit(position, in: expression, into: &found) } }
                    }
                    rest = rest.dropFirst(2)
                }
            } else {
                visit(base, in: expression, into: &found)
            }
            for step in rest {
                switch step {
                case .member(let name, let offset, _) where !Self.tensorMembers.contains(name):
                    found.append(.error("a tensor has no member '\(name)'", at: at(offset),
                                        hint: "tensors have .T (transpose) and .shape; label.metric reads a cell's metric"))
                case .member:
                    break
                case .index(let items, _, _):
                    for item in items {
                        switch item {
                        case .at(let position): visit(position, in: expression, into: &found)
                        case .range(let start, let stop, _):
                            if let start { visit(start, in: expression, into: &found) }
                            if let stop { visit(stop, in: expression, into: &found) }
                        }
                    }
                }
            }
        }
    }

    private static let flagWords: Set<String> = ["True", "False", "true", "false"]
    /// The members a tensor has.
    private static let tensorMembers: Set<String> = ["T", "shape"]
    /// The state a model may keep under one of its forward names (`H.running_mean`), bound as `H.running_mean`.
    private static let stateMembers: Set<String> = ["running_mean", "running_var"]

    /// Whether `name` may be bound to a value when the expression runs though it is not known
    /// statically: as the evaluator does, `name.T` then reads the value, not a cell's metric.
    private func mayBeBound(_ name: String) -> Bool {
        !valuesAreComplete && !labelsBefore.contains(name) && !labelsAfter.contains(name)
    }

    private func problem(withValue name: String) -> (message: String, hint: String)? {
        if values.contains(name) || mayBeBound(name) { return nil }
        if ExpressionEvaluator.functionNames.contains(name) { return ("'\(name)' is a function", "call it, e.g. \(name)(x)") }
        if labelsBefore.contains(name) || labelsAfter.contains(name) {
            return ("'\(name)' is a cell label, not a value", "read one of its metrics, e.g. \(name).test_accuracy")
        }
        let bound = values.sorted()
        let near = Suggestion.nearest(to: name, in: bound + labelsBefore.sorted() + ExpressionEvaluator.functionNames)
        return ("unknown name '\(name)'", (near.map { "did you mean '\($0)'? " } ?? "") + "bound names: " + bound.joined(separator: ", "))
    }

    /// A metric the cell labelled `label` does not declare (the evaluator's message).
    private func problem(withMetric name: String, of label: String) -> (message: String, hint: String)? {
        guard let declared = metrics[label], !declared.contains(name) else { return nil }
        let names = declared.sorted()
        var hint = names.isEmpty ? "it records none" : "its metrics: " + names.joined(separator: ", ")
        if let near = Suggestion.nearest(to: name, in: names) { hint = "did you mean '\(near)'? " + hint }
        return ("cell '\(label)' has no metric '\(name)'", hint)
    }

    private func problem(withLabel label: String) -> (message: String, hint: String)? {
        if labelsBefore.contains(label) { return nil }
        if labelsAfter.contains(label) {
            return ("cell '\(label)' comes later in the notebook, so its metrics are not known here",
                    "move the value below the cell, or the cell above it")
        }
        let labels = labelsBefore.sorted()
        var hint = labels.isEmpty ? "no cell comes before this point" : "cells before this point: " + labels.joined(separator: ", ")
        if let near = Suggestion.nearest(to: label, in: labels + values.sorted()) { hint = "did you mean '\(near)'? " + hint }
        return ("no cell labelled '\(label)'", hint)
    }
}
