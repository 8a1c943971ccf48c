import Foundation

/// `{eval}`: evaluates expressions line by line and shows the results.
///
/// Each body line is an expression, or `name = expression` to bind a name for later
/// lines, later cells and inline roles; a line ending in `;` is computed but not shown. Scalars print as `expr = value`, vectors and
/// matrices as tables (large ones as their top-left corner). A scalar binding is also
/// recorded as a metric of the cell, so `label.name` reads it later. `:model: LABEL` binds that
/// model's parameters (default: the latest model's) and, for a model declared with `{model}`,
/// the names of its forward pass on the bound rows (`Z1`, `H`, `P`, …), in evaluation mode (a
/// batchnorm with its running statistics). A
/// line that binds the name of one of the model's parameters or a cell's label hides it from
/// the lines after it: a warning says so.
public struct EvalDirective: Directive {
    static let digits = DirectiveOption.integer("digits", in: 0...12, default: 3, inherits: true, help: "Decimals shown.")
    static let samples = DirectiveOption.integer("samples", in: 1...100_000, default: 32,
                                        help: "Rows of the split (:split:) bound to X, y, Y (N = samples).")
    static let seed = DirectiveOption.seed(help: "Seed for the rows drawn, random weights, and rand and randn (drawn in order, line after line).")

    public static let spec = DirectiveSpec(
        name: "eval",
        arguments: .none,
        summary: "Evaluates tensor expressions (softmax([1, 2, 3]), onehot(y, 10), …) and shows the values.",
        options: [digits.declaration, samples.declaration, seed.declaration, DirectiveOption.bindingSplit.declaration,
                  DirectiveOption.fromPython.declaration, DirectiveOption.model.declaration],
        acceptsBody: true)

    let lines: [ParsedExpression]
    let digits: Int
    let samples: Int
    /// Whether `:samples:` was set (in the cell or the front matter), not left at its default.
    let samplesGiven: Bool
    let seed: UInt64
    let split: ExpressionBindings.Split
    /// `:from-python:`: arrays of the page's kernel bound for this cell.
    let fromPython: [KernelName]
    /// `:model:`: the model whose parameters and forward pass are bound (nil: the latest's parameters).
    let modelName: String?

    public init(cell: Cell, options: OptionValues) throws {
        digits = try options.value(Self.digits)
        split = try options.value(.bindingSplit)
        samples = try options.value(Self.samples)
        samplesGiven = try options.given(Self.samples) != nil
        seed = UInt64(try options.value(Self.seed) as Int)
        fromPython = try options.given(.fromPython) ?? []
        modelName = try options.given(.model)
        var lines: [ParsedExpression] = []
        for line in cell.body {
            let scalars = Array(line.text.unicodeScalars)
            let start = scalars.firstIndex { $0 != " " && $0 != "\t" } ?? scalars.count
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[start...])
            let text = String(view)
            if text.isEmpty || text.hasPrefix("#") { continue }
            lines.append(try ExpressionParser.parseStatement(text, at: line.location.advanced(byColumns: start)))
        }
        guard !lines.isEmpty else {
            throw Diagnostic.error("{eval} needs at least one expression", at: cell.directiveLocation,
                                   hint: "write one per line, e.g. softmax([1, 2, 3])")
        }
        self.lines = lines
    }

    public var readsKernel: Bool { !fromPython.isEmpty }

    /// Each `name = …` line binds `name`, and records it as a metric when its value is a scalar.
    public var declarations: CellDeclarations {
        let bound = Set(lines.compactMap(\.binding))
        return CellDeclarations(metrics: bound, names: bound)
    }

    /// Evaluates the lines in order; a `name = expr` line also binds `name` in the state
    /// (`.bindings`), which the cell cache stores like any other state value.
    public func run(in context: ExecutionContext) throws -> CellOutputs {
        try context.checkBindingsFit(samples: samples)
        let model = try modelName.map { try context.model(named: $0) }
        let bindings = ExpressionBindings(state: context.state, samples: samples, seed: seed, split: split, model: model)
        var scope = bindings.scope
        scope.limits = context.evaluationLimits
        let formatter = TensorFormatter(digits: digits)
        var outputs = CellOutputs()
        // A :samples: the split cannot give is said, not silently clamped.
        if samplesGiven, let clamped = bindings.clamped { outputs.append(.text(clamped)) }
        let parameters = Set((model ?? context.state.model)?.parameterTensors.map(\.name) ?? [])
        if let declared = model as? DeclaredModel {
            let names = try Self.forwardNames(of: declared, in: scope)
            scope.values.merge(names) { $1 }
            // batchnorms' running statistics, read as H.running_mean and H.running_var.
            scope.values.merge(declared.stateTensors) { $1 }
            outputs.append(.text(context.words.forwardBinding(names.keys.sorted(by: { a, b in
                declared.definition.forward.firstIndex { $0.binding == a }! < declared.definition.forward.firstIndex { $0.binding == b }!
            }).joined(separator: ", "), model: declared.name)))
        }
        scope.values.merge(try KernelArrays.fetch(fromPython, option: "from-python", in: context)) { $1 }
        for line in lines {
            let value = try scope.evaluate(line)
            var label = line.expressionText
            if let name = line.binding {
                if let hidden = Self.hidden(name, parameters: parameters, isLabel: scope.metrics[name] != nil, model: model?.summary) {
                    outputs.append(.notice(Diagnostic(.warning, hidden.message, at: line.origin, hint: hidden.hint)))
                }
                try context.checkKept(value, as: name, at: line.origin)
                scope.values[name] = value
                context.state[.bindings, name] = value
                if let scalar = value.scalar, value.isScalar { outputs.record(name, scalar) }
                label = "\(name) = \(label)"
            }
            if line.isSilent { continue }
            for output in formatter.outputs(label: label, value) { outputs.append(output) }
        }
        return outputs
    }

    /// The values of a declared model's forward statements on the bound rows (its data names).
    static func forwardNames(of model: DeclaredModel, in scope: ExpressionScope) throws -> [String: Tensor] {
        var local = scope
        // batchnorms evaluate with the running statistics training kept.
        local.values.merge(model.stateTensors) { $1 }
        var names: [String: Tensor] = [:]
        for statement in model.definition.forward {
            let value = try local.evaluate(statement)
            if let name = statement.binding {
                local.values[name] = value
                names[name] = value
            }
        }
        return names
    }

    /// Why binding `name` hides something later lines may mean, or nil.
    static func hidden(_ name: String, parameters: Set<String>, isLabel: Bool, model: String?) -> (message: String, hint: String)? {
        if parameters.contains(name) {
            return ("\(name) = … hides the parameter \(name) of \(model ?? "the latest model") in the lines after it",
                    "give the value another name, e.g. \(name)_new")
        }
        if isLabel {
            return ("\(name) = … hides the cell labelled \(name): \(name).METRIC no longer reads its metrics after this line",
                    "give the value another name, e.g. \(name)_value")
        }
        return nil
    }
}
