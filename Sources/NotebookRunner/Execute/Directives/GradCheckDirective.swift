import Foundation

/// `{gradcheck}`: compares gradient formulas with central differences of a loss.
///
/// With a body, the author writes the loss and the derived formulas (see `GradCheckProgram`);
/// with an argument it checks a built-in derivation: `softmax` (the Jacobian
/// P_k(δ_ki − P_i)), `cross-entropy` (the gradient (P − Y)/N with respect to the logits)
/// or `softmax-regression` (the model's own gradient for W and b). A failing check fails
/// the cell after showing its tables; `:expect: fail` turns that around.
public struct GradCheckDirective: Directive {
    static let samples = DirectiveOption.integer("samples", in: 1...100_000, default: 32,
                                        help: "Rows of the split (:split:) bound to X, y, Y (N = samples).")
    static let epsilon = DirectiveOption.number("eps", .above(0, upTo: 1), default: 1e-5, inherits: true,
                                       help: "Step ε of the central differences.")
    static let tolerance = DirectiveOption.tolerance(help: "Largest relative error that passes.")
    static let seed = DirectiveOption.seed(help: "Seed for the rows drawn, random weights and the entries checked.")
    static let entries = DirectiveOption<Int?>("entries", type: "integer ≥ 1|all", default: GradientCheck.defaultEntryLimit,
                                      defaultText: "all up to \(GradientCheck.defaultEntryLimit), fewer for a costly loss",
                                      help: "How many entries of each parameter to check (drawn at random).") { text, location in
        let word = text.trimmingCharacters(in: .whitespaces)
        if word == "all" { return nil }
        guard let count = Int(word), count >= 1 else {
            throw Diagnostic.error("option :entries: expects a whole number ≥ 1 or 'all', got '\(text)'", at: location,
                                   hint: "e.g. :entries: 500")
        }
        return count
    }
    static let expect = DirectiveOption.choice("expect", ["pass", "fail"], default: "pass",
                                      help: "Whether the check should pass; `fail` shows a wrong derivation on purpose.")
    static let targets = ["softmax", "cross-entropy", "softmax-regression"]
    static let python = DirectiveOption.names("python", example: "loss, grad",
                                              help: "The author's Python loss and gradient functions in the page's Jupyter kernel: the gradient is checked against central differences of the loss (with :args:).")
    static let args = DirectiveOption.text("args", type: "Python expressions",
                                           help: "With :python:, the arguments both functions take, Python expressions of the kernel, parameters first (as many as the gradient returns arrays).")

    public static let spec = DirectiveSpec(
        name: "gradcheck",
        arguments: .optional(targets),
        summary: "Checks gradient formulas (loss: …, grad W: …) or a built-in derivation against central differences.",
        options: [DirectiveOption.model.declaration, samples.declaration, epsilon.declaration, tolerance.declaration, seed.declaration,
                  entries.declaration, expect.declaration, DirectiveOption.bindingSplit.declaration, DirectiveOption.checks.declaration,
                  python.declaration, args.declaration],
        acceptsBody: true)

    enum Target {
        case formulas(GradCheckProgram)
        case softmax
        case crossEntropy
        case softmaxRegression
        /// The author's Python functions, called in the kernel (`:python:`).
        case python(PythonGradientCheck)
    }

    let cell: Cell
    let target: Target
    /// `:model:`: the declared model whose forward pass and loss the formulas are checked against.
    let modelName: String?
    let samples: Int
    let epsilon: Double
    let tolerance: Double
    let seed: UInt64
    let split: ExpressionBindings.Split
    /// `:entries:` as given; without it, `GradientCheck.EntryCount.automatic`.
    let entries: GradientCheck.EntryCount
    let expectFailure: Bool
    let expectLocation: SourceLocation

    public init(cell: Cell, options: OptionValues) throws {
        self.cell = cell
        modelName = try options.given(.model)
        samples = try options.value(Self.samples)
        epsilon = try options.value(Self.epsilon)
        tolerance = try options.value(Self.tolerance)
        seed = UInt64(try options.value(Self.seed) as Int)
        split = try options.value(.bindingSplit)
        switch try options.given(Self.entries) {
        case nil: entries = .automatic
        case .some(nil): entries = .all
        case .some(let count?): entries = .exactly(count)
        }
        expectFailure = try options.value(Self.expect) == "fail"
        expectLocation = options.location(of: Self.expect)

        let body = cell.body.filter { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }
        if let functions = try options.given(Self.python) {
            target = .python(try Self.pythonCheck(functions, cell: cell, body: body, options: options,
                                                  epsilon: epsilon, tolerance: tolerance, seed: seed, entries: entries))
            return
        }
        if let args = options.raw(Self.args) {
            throw Diagnostic.error("option :args: is for :python:, which is not given", at: args.location,
                                   hint: "add :python: loss, grad to check Python functions of the kernel")
        }
        switch cell.arguments.first {
        case nil:
            let program = try GradCheckProgram.parse(cell.body)
            if let modelName {
                if let loss = program.lossLocation {
                    throw Diagnostic.error("with :model: \(modelName) the loss is the model's", at: loss,
                                           hint: "remove the loss: line; write the gradient formulas (and helper names such as dZ2 = (P - Y) / N)")
                }
                guard !program.gradients.isEmpty else {
                    throw Diagnostic.error("{gradcheck} needs at least one 'grad NAME: FORMULA' line", at: body.first?.location ?? cell.directiveLocation,
                                           hint: "e.g. grad W2: H.T @ (P - Y) / N")
                }
                target = .formulas(program)
                return
            }
            guard program.loss != nil else {
                throw Diagnostic.error("{gradcheck} needs a 'loss:' line, or a built-in target such as {gradcheck} softmax",
                                       at: body.first?.location ?? cell.directiveLocation,
                                       hint: "e.g. loss: -mean(sum(Y * log(softmax(X @ W + b)), axis=1))")
            }
            guard !program.gradients.isEmpty else {
                throw Diagnostic.error("{gradcheck} needs at least one 'grad NAME: FORMULA' line", at: program.lossLocation!,
                                       hint: "e.g. grad W: X.T @ (softmax(X @ W + b) - Y) / N")
            }
            target = .formulas(program)
        case let name?:
            switch name {
            case "softmax": target = .softmax
            case "cross-entropy": target = .crossEntropy
            default: target = .softmaxRegression
            }
            if let line = body.first {
                throw Diagnostic.error("the built-in target '\(name)' takes no formulas", at: line.location,
                                       hint: "leave out '\(name)' to check your own loss: and grad lines")
            }
        }
    }

    /// Reads `:python: loss, grad` and `:args:`: no body, built-in target or :model: beside them.
    private static func pythonCheck(_ functions: [KernelName], cell: Cell, body: [SourceLine], options: OptionValues, epsilon: Double,
                                    tolerance: Double, seed: UInt64, entries: GradientCheck.EntryCount) throws -> PythonGradientCheck {
        let location = options.location(of: python)
        guard functions.count == 2 else {
            throw Diagnostic.error("option :python: names \(functions.count) function\(functions.count == 1 ? "" : "s"); it takes two, the loss and its gradient",
                                   at: location, hint: "e.g. :python: loss, grad")
        }
        if let line = body.first {
            throw Diagnostic.error("with :python: the loss and gradient are the kernel's functions, so the cell takes no formulas", at: line.location,
                                   hint: "remove the body, or remove :python: to check formulas written here")
        }
        if let name = cell.arguments.first {
            throw Diagnostic.error("the built-in target '\(name)' cannot be combined with :python:", at: cell.directiveLocation,
                                   hint: "leave out '\(name)' to check the kernel's functions")
        }
        if options.isSet(DirectiveOption.model) {
            throw Diagnostic.error("option :model: is for formulas checked against a declared model, not with :python:",
                                   at: options.location(of: DirectiveOption.model), hint: "remove :model:")
        }
        guard let (text, argsLocation) = options.raw(args) else {
            throw Diagnostic.error("with :python: the cell needs :args:, the arguments of \(functions[0].name) and \(functions[1].name)",
                                   at: location, hint: "parameters first, then data, e.g. :args: W, b, X[:64], y[:64]")
        }
        return PythonGradientCheck(loss: functions[0], grad: functions[1],
                                   arguments: try PythonGradientCheck.splitArguments(text, at: argsLocation),
                                   epsilon: epsilon, tolerance: tolerance, seed: seed, entries: entries)
    }

    public var readsKernel: Bool {
        if case .python = target { return true }
        return false
    }

    /// A metric set per parameter checked (`GradientCheckReport`), and `passed`.
    public var declarations: CellDeclarations {
        let prefixes: [String]
        switch target {
        case .python: return CellDeclarations(metrics: nil)
        case .formulas(let program): prefixes = program.gradients.map(\.name)
        case .softmax: prefixes = ["jacobian"]
        case .crossEntropy: prefixes = ["A"]
        case .softmaxRegression: prefixes = ["W", "b"]
        }
        return CellDeclarations(metrics: GradientCheckReport.metricNames(prefixes: prefixes))
    }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        let report: GradientCheckReport
        switch target {
        case .formulas(let program): report = try checkFormulas(program, in: context)
        case .softmax: report = try checkSoftmaxJacobian()
        case .crossEntropy: report = try checkCrossEntropy(in: context)
        case .softmaxRegression: report = try checkSoftmaxRegression(in: context)
        case .python(let check): report = try check.report(in: context)
        }
        var outputs = report.outputs(words: context.words)
        switch (report.failure(), expectFailure) {
        case (let failure?, false):
            throw CellFailure(outputs: outputs, diagnostic: failure)
        case (let failure?, true) where !report.disagrees:
            // Too few entries compared catches nothing: the check says nothing about the formula.
            throw CellFailure(outputs: outputs, diagnostic: failure)
        case (_?, true):
            outputs.append(.notice(Diagnostic(.note, "the check failed, as :expect: fail says it should", at: expectLocation)))
            return outputs
        case (nil, true):
            let worst = report.items.map(\.result.relativeError).max() ?? 0
            throw CellFailure(outputs: outputs, diagnostic: Diagnostic.error(
                "the check passed (largest relative error \(GradientCheckReport.scientific(worst)) ≤ \(GradientCheckReport.scientific(tolerance))), but :expect: fail says it should fail",
                at: expectLocation, hint: "remove :expect: fail if the formula is meant to be right"))
        case (nil, false):
            return outputs
        }
    }

    private func tile(_ state: NotebookState) -> (rows: Int, cols: Int)? {
        (state.dataset?.train ?? state.dataset?.test).map { ($0.rows, $0.cols) }
    }

    private func progress(_ name: String, total: Int, in context: ExecutionContext) -> (Int) throws -> Void {
        { done in
            try context.checkCancelled()
            context.progress("\(name): \(done) of \(total) entries")
        }
    }

    // MARK: Author's formulas

    private func checkFormulas(_ program: GradCheckProgram, in context: ExecutionContext) throws -> GradientCheckReport {
        // With :model:, the model's forward pass comes first and its loss is the one differentiated.
        let model = try modelName.map { name -> DeclaredModel in
            guard let model = try context.model(named: name) as? DeclaredModel else {
                throw Diagnostic.error("'\(name)' is not a model declared with {model}", at: cell.directiveLocation,
                                       hint: "check the built-in model's gradient with {gradcheck} softmax-regression")
            }
            return model
        }
        try context.checkBindingsFit(samples: samples)
        let bindings = ExpressionBindings(state: context.state, samples: samples, seed: seed, split: split, model: model, words: context.words)
        let scope = {
            var scope = bindings.scope
            scope.limits = context.evaluationLimits
            return scope
        }()
        let definitions = (model?.definition.forward ?? []) + program.definitions
        let loss = model?.definition.loss ?? program.loss!
        for gradient in program.gradients {
            if let definition = definitions.first(where: { $0.binding == gradient.name }) {
                throw Diagnostic.error("'\(gradient.name)' is defined in the cell, so it cannot be a parameter to vary", at: definition.origin,
                                       hint: "give the definition another name")
            }
            guard scope[gradient.name] == nil else { continue }
            if let reason = scope.unavailable[gradient.name] {
                throw Diagnostic.error("'\(gradient.name)' is not available: \(reason)", at: gradient.nameLocation)
            }
            let names = scope.values.keys.sorted()
            let near = Suggestion.nearest(to: gradient.name, in: names).map { "did you mean '\($0)'? " } ?? ""
            throw Diagnostic.error("unknown parameter '\(gradient.name)'", at: gradient.nameLocation,
                                   hint: near + "bound names: " + names.joined(separator: ", "))
        }
        let start = try scope.evaluate(loss, after: definitions)
        guard start.isScalar else {
            throw Diagnostic.error("the loss must be a scalar, but it is \(start.shapeDescription)", at: loss.origin,
                                   hint: start.rank == 2 ? "reduce it, e.g. -mean(sum(Y * log(P), axis=1))" : "reduce it with mean(…) or sum(…)")
        }
        guard start.data[0].isFinite else {
            throw Diagnostic.error("the loss is \(TensorFormatter.significant(start.data[0], 3)) at the starting point", at: loss.origin,
                                   hint: "look for log(0) or an exp that overflows; softmax(…) is computed stably")
        }
        var items: [GradientCheckReport.Item] = []
        var descriptions = bindings.descriptions
        let n = scope["N"]?.scalar
        let movable = model?.definition.parameters.map(\.name) ?? program.gradients.map(\.name)
        let check = FormulaGradientCheck(scope: scope, definitions: definitions, loss: loss, movable: movable,
                                         epsilon: epsilon, tolerance: tolerance, seed: seed)
        for gradient in program.gradients {
            let name = gradient.name
            let parameter = scope[name]!
            let analytic = try scope.evaluate(gradient.formula, after: definitions)
            try checkShape(analytic, of: gradient, parameter: parameter)
            let outcome = try check.check(name, analytic: analytic, formula: { try $0.evaluate(gradient.formula, after: definitions) },
                                          entries: entries) { done, drawn in try progress(name, total: drawn, in: context)(done) }
            let result = outcome.result
            if let move = outcome.move { descriptions.append(context.words.checkedElsewhere(name, move)) }
            var patterns = GradientHints.softmaxRegressionPatterns(shape: parameter.shape, in: outcome.scope)
            if !result.passed {
                patterns += GradientHints.activationPatterns(of: name, loss: loss, after: definitions, in: outcome.scope)
            }
            let hints = GradientHints.hints(for: result, analytic: outcome.analytic, patterns: patterns, samples: n)
            items.append(GradientCheckReport.Item(result: result, analytic: outcome.analytic, hints: hints,
                                                  location: gradient.formula.origin, metricPrefix: name))
        }
        var report = GradientCheckReport(items: items, descriptions: descriptions, epsilon: epsilon, tile: tile(context.state))
        report.classNames = context.state.dataset?.classNames ?? []
        return report
    }

    private func checkShape(_ analytic: Tensor, of gradient: GradCheckProgram.Gradient, parameter: Tensor) throws {
        guard analytic.shape != parameter.shape else { return }
        let (a, p) = (analytic.shapeDescription, parameter.shapeDescription)
        var hint = "a gradient has the shape of its parameter"
        if analytic.rank == 2, parameter.rank == 2, analytic.shape == parameter.shape.reversed() {
            hint = "the shape is transposed: swap the operands of '@' or add/remove a .T"
        } else if analytic.rank == 2, parameter.rank == 1, analytic.cols == parameter.count {
            hint = "sum over the samples: sum(…, axis=0) gives one value per column"
        } else if analytic.isScalar {
            hint = "the formula reduces to a single number: drop a sum/mean over all entries"
        }
        throw Diagnostic.error("the formula for \(gradient.name) is \(a), but \(gradient.name) is \(p)", at: gradient.formula.origin, hint: hint)
    }

    // MARK: Built-in targets

    /// ∂P_k/∂A_i = P_k(δ_ki − P_i) on random logits against differences of the stable softmax.
    private func checkSoftmaxJacobian() throws -> GradientCheckReport {
        let classes = 10
        var generator = Xoshiro256StarStar(seed: seed)
        let logits = Tensor(vector: (0..<classes).map { _ in 2 * generator.normal() })
        let p = try logits.softmax()
        var jacobian = Tensor.filled([classes, classes], 0)
        for k in 0..<classes {
            for i in 0..<classes { jacobian[k, i] = p.data[k] * ((k == i ? 1 : 0) - p.data[i]) }
        }
        var numeric = Tensor.filled([classes, classes], 0)
        for i in 0..<classes {
            var up = logits, down = logits
            up.data[i] += epsilon
            down.data[i] -= epsilon
            let (pu, pd) = (try up.softmax(), try down.softmax())
            for k in 0..<classes { numeric[k, i] = (pu.data[k] - pd.data[k]) / (2 * epsilon) }
        }
        let entries = (0..<classes * classes).map { GradientCheck.Entry(index: $0, analytic: jacobian.data[$0], numeric: numeric.data[$0]) }
        let result = GradientCheck.Result(name: "∂P/∂A", shape: [classes, classes], entries: entries, tolerance: tolerance)
        let hints = GradientHints.hints(for: result, analytic: jacobian)
        let description = "A: \(classes) random logits (normal, standard deviation 2, seed \(seed)); P = softmax(A); formula ∂P_k/∂A_i = P_k(δ_ki − P_i), row k, column i"
        return GradientCheckReport(items: [.init(result: result, analytic: jacobian, hints: hints, location: cell.directiveLocation, metricPrefix: "jacobian")],
                                   descriptions: [description], epsilon: epsilon)
    }

    /// The gradient of J = −(1/N) Σ ln P_{n,y_n} with respect to the logits: (P − Y)/N.
    private func checkCrossEntropy(in context: ExecutionContext) throws -> GradientCheckReport {
        try context.checkBindingsFit(samples: samples)
        let bindings = ExpressionBindings(state: context.state, samples: samples, seed: seed, split: split, words: context.words)
        var generator = Xoshiro256StarStar(seed: seed ^ 0xA11)
        let classes = bindings.scope["Y"]?.cols ?? 10
        let labels: [Int]
        var description: String
        if let y = bindings.scope["y"] {
            labels = y.data.map { Int($0) }
            description = bindings.descriptions.first ?? ""
        } else {
            labels = (0..<samples).map { _ in Int(generator.next() % UInt64(classes)) }
            description = "y: \(samples) random labels (seed \(seed))"
        }
        let n = labels.count
        let logits = Tensor(rows: n, cols: classes, data: (0..<n * classes).map { _ in 2 * generator.normal() })
        description += "\nA: random logits \(logits.shapeDescription) (normal, standard deviation 2); J = −(1/N) Σ ln softmax(A)_{n,y_n}; formula ∂J/∂A = (P − Y)/N"
        let p = try logits.softmax()
        var analytic = p
        for (row, label) in labels.enumerated() { analytic[row, label] -= 1 }
        analytic = analytic.map { $0 / Double(n) }
        let loss: @Sendable (Tensor) throws -> Double = { a in
            let q = try a.softmax()
            return -labels.enumerated().reduce(0) { $0 + Foundation.log(q[$1.offset, $1.element]) } / Double(n)
        }
        let indices = GradientCheck.indices(count: logits.count, limit: entries.limit(of: logits.count, valuesPerEvaluation: 0), seed: seed)
        let result = try GradientCheck.check(name: "A", analytic: analytic, parameter: logits, loss: loss, indices: indices,
                                             epsilon: epsilon, tolerance: tolerance, between: progress("A", total: indices.count, in: context))
        let hints = GradientHints.hints(for: result, analytic: analytic, samples: Double(n))
        return GradientCheckReport(items: [.init(result: result, analytic: analytic, hints: hints, location: cell.directiveLocation, metricPrefix: "A")],
                                   descriptions: [description], epsilon: epsilon)
    }

    /// The model's gradient Xᵀ(P − Y)/N and Σ(P − Y)/N on a batch of the training split.
    private func checkSoftmaxRegression(in context: ExecutionContext) throws -> GradientCheckReport {
        try context.checkBindingsFit(samples: samples)
        let bindings = ExpressionBindings(state: context.state, samples: samples, seed: seed, split: split, words: context.words)
        guard let x = bindings.scope["X"], let y = bindings.scope["y"], let w = bindings.scope["W"], let b = bindings.scope["b"] else {
            throw Diagnostic.error("{gradcheck} softmax-regression needs data: no data set is loaded", at: cell.directiveLocation,
                                   hint: "add a {load} cell before this one")
        }
        guard w.shape == [x.cols, b.count] else {
            throw Diagnostic.error("the model's W is \(w.shapeDescription) but the data has \(x.cols) inputs", at: cell.directiveLocation)
        }
        let labels = y.data.map { Int($0) }
        let (gw, gb) = try SoftmaxRegressionReference.gradient(x: x, labels: labels, w: w, b: b)
        var items: [GradientCheckReport.Item] = []
        for (name, parameter, analytic) in [("W", w, gw), ("b", b, gb)] {
            let varyWeights = name == "W"
            let loss: @Sendable (Tensor) throws -> Double = { value in
                try SoftmaxRegressionReference.loss(x: x, labels: labels, w: varyWeights ? value : w, b: varyWeights ? b : value)
            }
            let indices = GradientCheck.indices(count: parameter.count, limit: entries.limit(of: parameter.count, valuesPerEvaluation: 0), seed: seed)
            let result = try GradientCheck.check(name: name, analytic: analytic, parameter: parameter, loss: loss, indices: indices,
                                                 epsilon: epsilon, tolerance: tolerance, between: progress(name, total: indices.count, in: context))
            let hints = GradientHints.hints(for: result, analytic: analytic, samples: Double(labels.count))
            items.append(.init(result: result, analytic: analytic, hints: hints, location: cell.directiveLocation, metricPrefix: name))
        }
        var descriptions = bindings.descriptions
        descriptions.append("formulas: ∂J/∂W = Xᵀ(P − Y)/N, ∂J/∂b = Σ_n (P_n − Y_n)/N, the gradient nbrun's trainer uses")
        var report = GradientCheckReport(items: items, descriptions: descriptions, epsilon: epsilon, tile: tile(context.state))
        report.classNames = context.state.dataset?.classNames ?? []
        return report
    }
}
