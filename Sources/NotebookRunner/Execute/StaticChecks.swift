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
/// - `{plot} :curves:`: each LABEL.METRIC names a `{train}` cell before the plot and an epoch
///   metric it may record (`TrainDirective.epochMetrics`); the hint lists the valid names;
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
        /// The forward pass's names and its batchnorms' running statistics (`H.running_mean`), bound by `{eval} :model:`.
        var forward: Set<String>
        /// What it predicts (nil: not known before it runs).
        var output: ModelOutput?
    }

    func diagnostics() -> [Diagnostic] {
        var found: [Diagnostic] = []
        var names = ExpressionNameCheck(labelsAfter: Set(notebook.cells.map(\.label)))
        var models: [String: ModelNames] = [:]
        var records = EpochRecords()
        var nextCell = 0
        for role in notebook.roles {
            while nextCell < min(role.cellsBefore, notebook.cells.count) {
                check(notebook.cells[nextCell], names: &names, models: &models, records: &records, into: &found)
                nextCell += 1
            }
            found += diagnostics(of: role, names: names)
        }
        while nextCell < notebook.cells.count {
            check(notebook.cells[nextCell], names: &names, models: &models, records: &records, into: &found)
            nextCell += 1
        }
        var math = MathRenderer(macros: notebook.frontMatter.mathMacros)
        for span in notebook.math { _ = math.render(span) }
        return found + math.warnings
    }

    /// Checks an `{eval}` cell's names, then makes its label, the metrics and the names it
    /// declares known to what follows.
    private func check(_ cell: Cell, names: inout ExpressionNameCheck, models: inout [String: ModelNames], records: inout EpochRecords,
                       into found: inout [Diagnostic]) {
        names.labelsAfter.remove(cell.label)
        let directive = try? registry.instantiate(cell, defaults: defaults)
        if let plot = directive as? PlotDirective {
            found += plot.curves.compactMap { records.problem(with: $0, later: names.labelsAfter) }
        }
        // What a {train} cell's model predicts: softmax regression's classes, or its {model}'s output.
        var output: ModelOutput?
        if let train = directive as? TrainDirective { output = train.modelName.map { models[$0]?.output } ?? .classes }
        records.add(cell.label, directive, output: output)
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
                                            forward: Set(model.definition.forward.compactMap(\.binding) + model.definition.stateNames),
                                            output: model.definition.output)
        } else if let train = directive as? TrainDirective {
            // The model it trains (softmax regression's W and b without :model:).
            if let name = train.modelName {
                models[cell.label] = models[name]
            } else {
                models[cell.label] = ModelNames(parameters: ["W", "b"], forward: [], output: .classes)
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

/// The per-epoch records of the cells before a point of the notebook, for `{plot} :curves:`.
struct EpochRecords {
    /// The epoch metrics each `{train}` cell may record, by label.
    private var metrics: [String: [String]] = [:]
    /// Labels of the other cells whose directive was built (they record no epochs), and of the
    /// cells whose directive was not (a failed one has its own error, so a curve naming it adds none).
    private var others: Set<String> = []
    private var unbuilt: Set<String> = []

    /// Adds the cell `label` of `directive` (nil: not built), which trains a model of `output` when it is a `{train}`.
    mutating func add(_ label: String, _ directive: (any Directive)?, output: ModelOutput?) {
        if let train = directive as? TrainDirective {
            metrics[label] = train.possibleEpochMetrics(output: output)
        } else if directive != nil {
            others.insert(label)
        } else {
            unbuilt.insert(label)
        }
    }

    /// Every valid curve name so far, `LABEL.METRIC`.
    private var valid: [String] {
        metrics.keys.sorted().flatMap { label in metrics[label]!.map { "\(label).\($0)" } }
    }

    private var validHint: String {
        valid.isEmpty ? "no {train} cell comes before this one: :curves: names the epochs of one above the plot"
            : "curves here: " + valid.joined(separator: ", ")
    }

    /// Why `curve` names no epochs recorded before the plot (`later`: labels of cells after it), or nil.
    func problem(with curve: PlotDirective.Curve, later: Set<String>) -> Diagnostic? {
        let name = "\(curve.label).\(curve.metric)"
        if let recorded = metrics[curve.label] {
            guard !recorded.contains(curve.metric) else { return nil }
            let near = Suggestion.nearest(to: curve.metric, in: recorded).map { "did you mean '\(curve.label).\($0)'? " } ?? ""
            return .error("the cell '\(curve.label)' records no epochs of \(curve.metric)", at: curve.location, hint: near + validHint)
        }
        if others.contains(curve.label) {
            return .error("the cell '\(curve.label)' records no epochs: :curves: names {train} cells", at: curve.location, hint: validHint)
        }
        if later.contains(curve.label) {
            return .error("cell '\(curve.label)' comes later in the notebook, so its epochs are not recorded here", at: curve.location,
                          hint: "move the plot below the cell; " + validHint)
        }
        if unbuilt.contains(curve.label) { return nil }
        let near = Suggestion.nearest(to: name, in: valid).map { "did you mean '\($0)'? " } ?? ""
        return .error("no cell labelled '\(curve.label)' comes before this plot", at: curve.location, hint: near + validHint)
    }
}
