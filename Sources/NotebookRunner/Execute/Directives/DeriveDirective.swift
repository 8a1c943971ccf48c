import Foundation

/// `{derive}`: a derivation written once, as a chain of expressions, every line checked.
///
/// ````
/// ```{derive}
/// :given: A 8×10 normal(2), y 8 labels(10)       ← random tensors (see GivenTensors), seeded
/// :checks: ce-gradient                            ← the equation this derivation proves
/// Y = onehot(y, 10)                               ← definitions
/// J = -mean(sum(Y * log(softmax(A)), axis=1))     ← the chain's first line, named J
///   = -mean(sum(Y * A, axis=1) - log(sum(exp(A), axis=1)))
/// tex: -\frac{1}{N}\sum_n \Bigl(A_{n,y_n} - \ln \sum_k e^{A_{nk}}\Bigr)
/// grad A: (softmax(A) - Y) / 8                    ← against central differences of J
/// ```
/// ````
///
/// The body's grammar is `DerivationProgram`'s. Without `:given:` the names are the
/// notebook's (`X`, `y`, `Y`, `N`, `W`, `b` and earlier `{eval}` bindings). The chain is
/// typeset as aligned math with ✔ or ✘ and the measured error on every line; the first
/// false line is marked, its values that differ are listed with the gradient-check
/// hints, and the cell fails with an error located at that line — unless `:expect: fail`
/// says the chain holds a deliberate mistake.
public struct DeriveDirective: Directive {
    static let given = DirectiveOption<GivenTensors>("given", type: "NAME SHAPE [DISTRIBUTION], …", default: nil,
                                                     help: "Random tensors the chain is checked on, e.g. `A 8×10 normal(2), y 8 labels(10)`; without it, the notebook's names.") { text, location in
        try GivenTensors.parse(text, at: location)
    }
    static let tolerance = DirectiveOption.tolerance(help: "Largest relative error between a line and the one above it (or the central differences) that passes.")
    static let epsilon = DirectiveOption.number("eps", .above(0, upTo: 1), default: 1e-5, inherits: true,
                                                help: "Step ε of the central differences for `grad` lines.")
    static let seed = DirectiveOption.seed(help: "Seed for the random tensors (and the rows drawn without :given:).")
    static let samples = DirectiveOption.integer("samples", in: 1...100_000, default: 32,
                                                 help: "Without :given:, rows of the training split bound to X, y, Y.")
    static let expect = DirectiveOption.choice("expect", ["pass", "fail"], default: "pass",
                                               help: "Whether every line should hold; `fail` shows a deliberately wrong step.")

    public static let spec = DirectiveSpec(
        name: "derive",
        arguments: .none,
        summary: "Checks a derivation line by line: each '= …' step against the line above, each 'grad NAME: …' against central differences; typeset as aligned math.",
        options: [given.declaration, tolerance.declaration, epsilon.declaration, seed.declaration, samples.declaration,
                  expect.declaration, DirectiveOption.checks.declaration, DirectiveOption.fromPython.declaration],
        acceptsBody: true)

    let cell: Cell
    let program: DerivationProgram
    let given: GivenTensors?
    let tolerance: Double
    let epsilon: Double
    let seed: UInt64
    let samples: Int
    let expectFailure: Bool
    let expectLocation: SourceLocation
    /// `:from-python:`: arrays of the page's kernel bound for the chain (over `:given:`).
    let fromPython: [KernelName]

    public init(cell: Cell, options: OptionValues) throws {
        self.cell = cell
        given = try options.given(Self.given)
        tolerance = try options.value(Self.tolerance)
        epsilon = try options.value(Self.epsilon)
        seed = UInt64(try options.value(Self.seed) as Int)
        samples = try options.value(Self.samples)
        expectFailure = try options.value(Self.expect) == "fail"
        expectLocation = options.location(of: Self.expect)
        fromPython = try options.given(.fromPython) ?? []
        _ = try options.given(DirectiveOption.checks)
        guard cell.body.contains(where: { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw Diagnostic.error("{derive} needs a chain of expressions, one per line", at: cell.directiveLocation,
                                   hint: "e.g. J = -mean(sum(Y * log(softmax(A)), axis=1)) then '= …' steps and 'grad A: …'")
        }
        program = try DerivationProgram.parse(cell.body)
    }

    /// The metrics a derivation records.
    enum Metric: String, CaseIterable {
        case lines
        case failedLines = "failed_lines"
        case relativeError = "relative_error"
        case gradientEntriesCompared = "gradient_entries_compared"
        case gradientEntriesSkipped = "gradient_entries_skipped"
        case firstFailureLine = "first_failure_line"
    }

    public var readsKernel: Bool { !fromPython.isEmpty }

    public var declarations: CellDeclarations { CellDeclarations(metrics: Set(Metric.allCases.map(\.rawValue))) }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        let words = context.words
        var scope: ExpressionScope
        var description: String
        if let given {
            scope = ExpressionScope(values: given.draw(seed: seed), metrics: context.state.metrics)
            description = given.description(words: words) + words.seed(seed)
        } else {
            try context.checkBindingsFit(samples: samples)
            let bindings = ExpressionBindings(state: context.state, samples: samples, seed: seed, words: words)
            scope = bindings.scope
            description = bindings.descriptions.joined(separator: words.separator)
        }
        if !fromPython.isEmpty {
            scope.values.merge(try KernelArrays.fetch(fromPython, option: "from-python", in: context)) { $1 }
            description += words.separator + "from the kernel: " + fromPython.map(\.name).joined(separator: ", ")
        }
        // Definitions are evaluated up front so that a mistake in one is reported at its line.
        var definitionScope = scope
        for definition in program.definitions {
            let value = try definitionScope.evaluate(definition)
            if let name = definition.binding { definitionScope.values[name] = value }
        }
        scope.metrics = context.state.metrics
        let check = DerivationCheck(scope: scope, definitions: program.definitions, tolerance: tolerance, epsilon: epsilon, seed: seed)
        let steps = try check.run(program) { try context.checkCancelled() }

        let firstFailure = steps.firstIndex { $0.verdict == .fails || $0.verdict == .error }
        var outputs = CellOutputs()
        let tex = ExpressionTeX(isScalar: { node in
            let expression = ParsedExpression(source: "", root: node, origin: cell.location)
            return (try? definitionScope.evaluate(expression))?.isScalar ?? false
        })
        outputs.append(.derivation(DerivationTable(rows: rows(steps, firstFailure: firstFailure, tex: tex, words: words),
                                                   caption: words.derivationChecked(on: description, tolerance: DerivationCheck.format(tolerance)))))
        let checked = steps.compactMap(\.relativeError).filter(\.isFinite)
        outputs.record(Metric.lines.rawValue, Double(steps.count))
        outputs.record(Metric.failedLines.rawValue, Double(steps.filter { $0.verdict == .fails || $0.verdict == .error }.count))
        if let worst = checked.max() { outputs.record(Metric.relativeError.rawValue, worst) }
        let gradientEntries = steps.compactMap(\.entries)
        if !gradientEntries.isEmpty {
            outputs.record(Metric.gradientEntriesCompared.rawValue, Double(gradientEntries.reduce(0) { $0 + $1.compared }))
            outputs.record(Metric.gradientEntriesSkipped.rawValue, Double(gradientEntries.reduce(0) { $0 + $1.skipped }))
        }

        guard let firstFailure else {
            if expectFailure {
                throw CellFailure(outputs: outputs, diagnostic: .error(
                    "every line of the derivation holds (largest relative error \(DerivationCheck.format(checked.max() ?? 0))), but :expect: fail says one should not",
                    at: expectLocation, hint: "remove :expect: fail if the derivation is meant to be right"))
            }
            return outputs
        }
        let step = steps[firstFailure]
        outputs.record(Metric.firstFailureLine.rawValue, Double(step.line.location.line))
        if !step.worst.isEmpty {
            let against = step.comparedWith == .centralDifferences ? words.centralDifferences : words.theLineAbove
            outputs.append(.table(.numeric(
                caption: words.entriesDifferingMost(line: step.line.location.line, from: against),
                header: [words.entry, against, words.thisLine, words.difference],
                rows: step.worst.map { entry in
                    [Self.entryName(entry.index, shape: step.shape), TensorFormatter.significant(entry.expected, 6),
                     TensorFormatter.significant(entry.actual, 6), TensorFormatter.significant(entry.actual - entry.expected, 3)]
                })))
        }
        let diagnostic = failureDiagnostic(step, index: firstFailure)
        if expectFailure && step.verdict == .fails {
            outputs.append(.notice(Diagnostic(.note, "the derivation fails at line \(step.line.location.line), as :expect: fail says it should: "
                                              + (step.problem ?? ""), at: step.line.location, hint: step.hints.first)))
            return outputs
        }
        throw CellFailure(outputs: outputs, diagnostic: diagnostic)
    }

    private func failureDiagnostic(_ step: DerivationCheck.Step, index: Int) -> Diagnostic {
        if let error = step.error { return error }
        let what: String
        switch step.line.kind {
        case .gradient(let name): what = "the gradient with respect to \(name) on this line is wrong"
        default: what = "this step of the derivation is false"
        }
        let hint = step.hints.isEmpty ? "compare it with the line above; the entries that differ most are listed with the chain"
            : step.hints.joined(separator: "; ")
        return .error("\(what): \(step.problem ?? "")", at: step.line.expression.origin.advanced(byColumns: step.line.expression.root.span.lowerBound),
                      hint: hint)
    }

    private func rows(_ steps: [DerivationCheck.Step], firstFailure: Int?, tex: ExpressionTeX, words: CellStrings) -> [DerivationTable.Row] {
        let chainName: String? = {
            if case .start(let name?) = program.lines.first?.kind { return name }
            return nil
        }()
        return steps.enumerated().map { index, step in
            let line = step.line
            let rhs = line.tex ?? tex.tex(line.expression)
            var lhs = ""
            switch line.kind {
            case .start(let name): lhs = name.map(ExpressionTeX.name) ?? ""
            case .gradient(let name):
                let f = chainName.map(ExpressionTeX.name) ?? "f"
                lhs = "\\frac{\\partial \(f)}{\\partial \(ExpressionTeX.name(name))}"
            case .step: break
            }
            let error = step.relativeError.map(DerivationCheck.format) ?? ""
            var verdict: DerivationTable.Verdict
            var mark: String
            var detail: String
            switch step.verdict {
            case .start:
                (verdict, mark, detail) = (.start, "", words.firstLineOfChain)
            case .holds:
                verdict = .holds
                mark = "✔ " + error
                let against: String
                switch step.comparedWith {
                case .line(let number)?: against = words.line(number)
                case .centralDifferences?: against = words.centralDifferences
                case nil: against = words.theLineAbove
                }
                detail = words.equals(against, tolerance: DerivationCheck.format(tolerance), error: error)
            case .fails:
                verdict = expectFailure && index == firstFailure ? .caught : .fails
                mark = "✘ " + error + (verdict == .caught ? " " + words.caught : "")
                detail = (step.problem ?? "") + (step.hints.isEmpty ? "" : ". " + step.hints.joined(separator: "; "))
            case .error:
                (verdict, mark, detail) = (.error, "✘ error", step.problem ?? "")
            }
            if case .gradient(let name) = line.kind, let entries = step.entries {
                detail += words.gradientEntries(compared: entries.compared, of: entries.of, skipped: entries.skipped)
                if let move = step.move { detail += words.separator + words.checkedElsewhere(name, move) }
            }
            return DerivationTable.Row(lhs: lhs, rhs: rhs, verdict: verdict, mark: mark, detail: detail,
                                       location: line.location, isFirstFailure: index == firstFailure)
        }
    }

    /// `[3, 7]` of an 8×10 tensor for flat index 37.
    static func entryName(_ index: Int, shape: [Int]) -> String {
        shape.count == 2 ? "[\(index / shape[1]), \(index % shape[1])]" : "[\(index)]"
    }
}
