/// What `nbrun check` verifies beyond each cell's directive and options, without running
/// anything — everything `render` would otherwise find only on its way:
///
/// - inline `{eval}` roles: format suffix, syntax, names and cell labels (a label must
///   belong to a cell before the role);
/// - `{eval}` cells: names and labels in every line (bindings of earlier lines count);
/// - `label.metric`: the metric must be one the cell declares it may record
///   (`Directive.declarations`), when its directive knows them before running;
/// - formulas: each is converted to MathML as the renderer would, so an unknown TeX
///   command is a warning at its column.
///
/// Expression syntax in `{eval}` and `{gradcheck}` bodies is checked when the directive is
/// built, by `Executor.validate`.
struct StaticChecks {
    var notebook: Notebook
    var registry: DirectiveRegistry
    var defaults: Defaults

    func diagnostics() -> [Diagnostic] {
        var found: [Diagnostic] = []
        var names = ExpressionNameCheck(labelsAfter: Set(notebook.cells.map(\.label)))
        var nextCell = 0
        for role in notebook.roles {
            while nextCell < min(role.cellsBefore, notebook.cells.count) {
                check(notebook.cells[nextCell], names: &names, into: &found)
                nextCell += 1
            }
            found += diagnostics(of: role, names: names)
        }
        while nextCell < notebook.cells.count {
            check(notebook.cells[nextCell], names: &names, into: &found)
            nextCell += 1
        }
        var math = MathRenderer(macros: notebook.frontMatter.mathMacros)
        for span in notebook.math { _ = math.render(span) }
        return found + math.warnings
    }

    /// Checks an `{eval}` cell's names, then makes its label, the metrics and the names it
    /// declares known to what follows.
    private func check(_ cell: Cell, names: inout ExpressionNameCheck, into found: inout [Diagnostic]) {
        names.labelsAfter.remove(cell.label)
        let directive = try? registry.instantiate(cell, defaults: defaults)
        if let eval = directive as? EvalDirective {
            // The kernel's arrays (`:from-python:`) are the cell's own names.
            var local = names
            local.values.formUnion(eval.fromPython.map(\.name))
            for line in eval.lines {
                found += local.diagnostics(in: line)
                if let name = line.binding { names.values.insert(name); local.values.insert(name) }
            }
        }
        names.labelsBefore.insert(cell.label)
        let declared = directive?.declarations ?? CellDeclarations()
        names.metrics[cell.label] = declared.metrics
        if let bound = declared.names {
            names.values.formUnion(bound)
        } else {
            names.valuesAreComplete = false
        }
    }

    private func diagnostics(of role: InlineRole, names: ExpressionNameCheck) -> [Diagnostic] {
        do {
            // A kernel value is Python: only its format is nbrun's to check.
            if role.kernel != nil {
                _ = try KernelInlineValue.split(role.expression, at: role.expressionLocation)
                return []
            }
            let (expression, _) = try InlineExpression.split(role.expression, at: role.expressionLocation)
            return names.diagnostics(in: try ExpressionParser.parse(expression, at: role.expressionLocation))
        } catch {
            return [Executor.diagnostic(from: error, location: role.expressionLocation)]
        }
    }
}
