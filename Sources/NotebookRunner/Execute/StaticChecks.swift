/// What `nbrun check` verifies beyond each cell's directive and options, without running
/// anything — everything `render` would otherwise find only on its way:
///
/// - inline `{eval}` roles: format suffix, syntax, names and cell labels (a label must
///   belong to a cell before the role);
/// - `{eval}` cells: names and labels in every line (bindings of earlier lines count, and
///   the names a model binds: the latest model's parameters, and with `:model:` that model's
///   parameters and forward names — so `H.T` is a transpose there, as at render);
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

    /// The names a model binds in `{eval}`, by the label of the cell that made it.
    private struct ModelNames {
        /// Bound in every later `{eval}` while it is the latest model.
        var parameters: Set<String>
        /// The forward pass's names, bound by `{eval} :model:`.
        var forward: Set<String>
    }

    func diagnostics() -> [Diagnostic] {
        var found: [Diagnostic] = []
        var names = ExpressionNameCheck(labelsAfter: Set(notebook.cells.map(\.label)))
        var models: [String: ModelNames] = [:]
        var nextCell = 0
        for role in notebook.roles {
            while nextCell < min(role.cellsBefore, notebook.cells.count) {
                check(notebook.cells[nextCell], names: &names, models: &models, into: &found)
                nextCell += 1
            }
            found += diagnostics(of: role, names: names)
        }
        while nextCell < notebook.cells.count {
            check(notebook.cells[nextCell], names: &names, models: &models, into: &found)
            nextCell += 1
        }
        var math = MathRenderer(macros: notebook.frontMatter.mathMacros)
        for span in notebook.math { _ = math.render(span) }
        return found + math.warnings
    }

    /// Checks an `{eval}` cell's names, then makes its label, the metrics and the names it
    /// declares known to what follows.
    private func check(_ cell: Cell, names: inout ExpressionNameCheck, models: inout [String: ModelNames], into found: inout [Diagnostic]) {
        names.labelsAfter.remove(cell.label)
        let directive = try? registry.instantiate(cell, defaults: defaults)
        if let eval = directive as? EvalDirective {
            // The kernel's arrays (`:from-python:`) are the cell's own names.
            var local = names
            local.values.formUnion(eval.fromPython.map(\.name))
            if let label = eval.modelName {
                // :model: binds that model's parameters and its forward pass's names.
                if let model = models[label] {
                    local.values.formUnion(model.parameters.union(model.forward))
                } else {
                    local.valuesAreComplete = false
                }
            }
            for line in eval.lines {
                found += local.diagnostics(in: line)
                if let name = line.binding { names.values.insert(name); local.values.insert(name) }
            }
        }
        names.labelsBefore.insert(cell.label)
        // A model's parameters are bound in the {eval} cells and inline values after it.
        if let model = directive as? ModelDirective {
            models[cell.label] = ModelNames(parameters: Set(model.definition.parameters.map(\.name)),
                                            forward: Set(model.definition.forward.compactMap(\.binding)))
        } else if let train = directive as? TrainDirective {
            // The model it trains (softmax regression's W and b without :model:).
            if let name = train.modelName {
                models[cell.label] = models[name]
            } else {
                models[cell.label] = ModelNames(parameters: ["W", "b"], forward: [])
            }
        }
        if let model = models[cell.label] { names.values.formUnion(model.parameters) }
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
