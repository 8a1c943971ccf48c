import Foundation

/// Checks a `DerivationProgram` line by line on concrete tensors.
///
/// Each `= EXPR` step is compared with the last line that held (so one wrong step fails
/// alone, and the steps after it are still checked against the chain's true value): the
/// relative error ‖this − that‖ / max(‖this‖, ‖that‖, 1e-12) must be at most `tolerance`,
/// and the shapes must agree. A `grad NAME:` line is compared with central differences
/// (step `epsilon`) of the last scalar line that held, with respect to NAME.
public struct DerivationCheck {
    public enum Verdict: Sendable, Hashable {
        /// The first line of a chain: nothing to compare.
        case start
        case holds
        case fails
        /// The line could not be evaluated (its error is in `problem`).
        case error
    }

    /// What a line is compared with.
    public enum Reference: Sendable, Hashable {
        /// The last line above that held, by its line number.
        case line(Int)
        /// Central differences of the scalar line above (a `grad` line).
        case centralDifferences
    }

    /// What one line came to.
    public struct Step: Sendable {
        public var line: DerivationProgram.Line
        public var verdict: Verdict
        public var relativeError: Double?
        /// The entries that differ most: flat index, the line above (or the numeric gradient), this line.
        public var worst: [(index: Int, expected: Double, actual: Double)] = []
        public var shape: [Int] = []
        public var hints: [String] = []
        /// Why the line fails, in words.
        public var problem: String?
        /// What the line was compared with.
        public var comparedWith: Reference?
        /// Why the line could not be evaluated.
        public var error: Diagnostic?
        /// For a `grad` line: the entries compared with central differences, out of how many.
        public var entries: (compared: Int, of: Int, skipped: Int)?
        /// For a `grad` line whose variable sat on kinks: where it was checked instead.
        package var move: FormulaGradientCheck.Move?
    }

    public var scope: ExpressionScope
    public var definitions: [ParsedExpression]
    public var tolerance: Double
    public var epsilon: Double
    public var seed: UInt64

    public init(scope: ExpressionScope, definitions: [ParsedExpression], tolerance: Double, epsilon: Double, seed: UInt64) {
        self.scope = scope
        self.definitions = definitions
        self.tolerance = tolerance
        self.epsilon = epsilon
        self.seed = seed
    }

    /// Every line's verdict, in order. `between` is called between gradient entries (for cancellation).
    public func run(_ program: DerivationProgram, between: @escaping () throws -> Void = {}) throws -> [Step] {
        var steps: [Step] = []
        var reference: (value: Tensor, line: Int)?
        var scalarLine: ParsedExpression?
        // A point that cannot tell (kinks, a flat loss) is left by moving the variables the chain differentiates.
        let movable = program.lines.compactMap { line -> String? in
            if case .gradient(let name) = line.kind { return name }
            return nil
        }
        for line in program.lines {
            var step = Step(line: line, verdict: .start)
            let value: Tensor
            do {
                value = try scope.evaluate(line.expression, after: definitions)
            } catch let diagnostic as Diagnostic {
                step.verdict = .error
                step.problem = diagnostic.message
                step.error = diagnostic
                steps.append(step)
                continue
            }
            step.shape = value.shape
            switch line.kind {
            case .start:
                reference = (value, line.location.line)
                scalarLine = value.isScalar ? line.expression : nil
            case .step:
                guard let (expected, expectedLine) = reference else { step.verdict = .error; break }
                step.comparedWith = .line(expectedLine)
                compare(value, with: expected, into: &step)
                if step.verdict == .holds {
                    reference = (value, line.location.line)
                    if value.isScalar { scalarLine = line.expression }
                }
            case .gradient(let name):
                try checkGradient(name, value: value, expression: line.expression, of: scalarLine, movable: movable, into: &step, between: between)
                if step.verdict == .holds { reference = (value, line.location.line) }
            }
            steps.append(step)
        }
        return steps
    }

    private func compare(_ value: Tensor, with expected: Tensor, into step: inout Step) {
        guard value.shape == expected.shape else {
            step.verdict = .fails
            step.relativeError = .infinity
            step.problem = "it is \(value.shapeDescription), but the line above is \(expected.shapeDescription)"
            return
        }
        let entries = (0..<value.count).map { GradientCheck.Entry(index: $0, analytic: value.data[$0], numeric: expected.data[$0]) }
        let result = GradientCheck.Result(name: "", shape: value.shape, entries: entries, tolerance: tolerance, isDerivative: false)
        step.relativeError = result.relativeError
        step.verdict = result.passed ? .holds : .fails
        guard !result.passed else { return }
        step.worst = result.worst(5).map { ($0.index, $0.numeric, $0.analytic) }
        step.problem = "it differs from the line above by a relative error of \(Self.format(result.relativeError))"
        step.hints = GradientHints.hints(for: result, analytic: value, samples: samples(for: value.shape)).map {
            $0.replacingOccurrences(of: "the numeric gradient", with: "the line above")
        }
    }

    private func checkGradient(_ name: String, value: Tensor, expression: ParsedExpression, of loss: ParsedExpression?, movable: [String],
                               into step: inout Step, between: @escaping () throws -> Void) throws {
        step.comparedWith = .centralDifferences
        guard let loss else {
            step.verdict = .error
            step.problem = "there is no scalar line above it that held, to differentiate"
            return
        }
        guard let parameter = scope[name] else {
            step.verdict = .error
            step.problem = "'\(name)' is not a given name: bound names are " + scope.values.keys.sorted().joined(separator: ", ")
            return
        }
        guard value.shape == parameter.shape else {
            step.verdict = .fails
            step.relativeError = .infinity
            step.problem = "it is \(value.shapeDescription), but \(name) is \(parameter.shapeDescription): a gradient has the shape of its variable"
            return
        }
        // Only what `name` changes is evaluated again; large variables are checked on a sample.
        let check = FormulaGradientCheck(scope: scope, definitions: definitions, loss: loss, movable: movable,
                                         epsilon: epsilon, tolerance: tolerance, seed: seed)
        let definitions = self.definitions
        let outcome = try check.check(name, analytic: value, formula: { try $0.evaluate(expression, after: definitions) },
                                      entries: .automatic, between: { _, _ in try between() })
        let result = outcome.result
        step.entries = (result.compared.count, parameter.count, result.kinkCount)
        step.move = outcome.move
        step.relativeError = result.relativeError
        step.verdict = result.passed ? .holds : .fails
        guard !result.passed else { return }
        if let reason = result.unverifiable, result.relativeError <= tolerance {
            // Agreeing on too few entries, or on a flat loss, says nothing about the formula.
            step.verdict = .error
            step.problem = "it cannot be checked here: " + reason
            step.error = .error("the gradient with respect to \(name) on this line cannot be checked: \(reason)",
                                at: expression.origin.advanced(byColumns: expression.root.span.lowerBound),
                                hint: GradientCheck.unverifiableHint)
            return
        }
        step.worst = result.worst(5).map { ($0.index, $0.numeric, $0.analytic) }
        step.problem = "it differs from the central differences of the loss by a relative error of \(Self.format(result.relativeError))"
        // The patterns of the usual mistakes read Y, N, X, W, b: given or defined.
        var defined = outcome.scope
        for definition in definitions {
            if let name = definition.binding, let value = try? defined.evaluate(definition) { defined.values[name] = value }
        }
        var patterns = GradientHints.softmaxRegressionPatterns(shape: parameter.shape, in: defined)
        if let y = defined["Y"], y.shape == parameter.shape, let p = try? defined[name]!.softmax() {
            patterns += GradientHints.logitPatterns(probabilities: p, onehot: y, samples: defined["N"]?.scalar ?? Double(parameter.rows))
        }
        step.hints = GradientHints.hints(for: result, analytic: outcome.analytic, patterns: patterns, samples: samples(for: parameter.shape))
    }

    /// N for the hints: the bound `N`, else the rows of a matrix.
    private func samples(for shape: [Int]) -> Double? {
        scope["N"]?.scalar ?? (shape.count == 2 ? Double(shape[0]) : nil)
    }

    /// `2.21e-16`, `0` for an exact match.
    package static func format(_ value: Double) -> String {
        value == 0 ? "0" : value.isFinite ? String(format: "%.2e", value) : "\(value)"
    }
}
