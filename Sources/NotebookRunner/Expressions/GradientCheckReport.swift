import Foundation

/// Turns gradient-check results into cell outputs, metrics and a verdict.
///
/// Always: a summary table (entries checked, max absolute error, relative error, pass or
/// fail per parameter). For each failure: the worst entries, a heat map of
/// |formula − numeric| over the parameter's shape and the hints `GradientHints` finds.
public struct GradientCheckReport {
    /// One checked parameter with what the report needs besides the numbers.
    public struct Item {
        public var result: GradientCheck.Result
        /// The formula's values for every entry (checked or not).
        public var analytic: Tensor
        public var hints: [String]
        /// Where the formula is written (or the cell, for built-in targets).
        public var location: SourceLocation
        /// Prefix of this item's metrics, e.g. `W` → `W_relative_error`.
        public var metricPrefix: String

        public init(result: GradientCheck.Result, analytic: Tensor, hints: [String], location: SourceLocation, metricPrefix: String) {
            self.result = result
            self.analytic = analytic
            self.hints = hints
            self.location = location
            self.metricPrefix = metricPrefix
        }
    }

    public var items: [Item]
    /// Where the values came from (data rows, weights), one line each.
    public var descriptions: [String]
    public var epsilon: Double
    /// Image size of the data set, to draw weight heat maps as one picture per class.
    public var tile: (rows: Int, cols: Int)?
    /// The data set's class names, to label the heat maps' classes.
    public var classNames: [String] = []
    public var worstCount = 8

    public init(items: [Item], descriptions: [String], epsilon: Double, tile: (rows: Int, cols: Int)? = nil) {
        self.items = items
        self.descriptions = descriptions
        self.epsilon = epsilon
        self.tile = tile
    }

    /// Every parameter passed, and together they compared enough entries (`GradientCheck.Minimum`).
    public var passed: Bool { items.allSatisfy(\.result.passed) && comparedEnough }

    /// Whether some formula disagrees with the numbers (beyond the tolerance, or nan): a
    /// failure that says something about the formula, unlike too few entries compared.
    public var disagrees: Bool { items.contains { !($0.result.relativeError <= $0.result.tolerance) } }

    /// Whether the parameters together compared the entries `GradientCheck.Minimum.overall` asks for.
    var comparedEnough: Bool {
        let drawn = items.reduce(0) { $0 + $1.result.entries.count }
        let compared = items.reduce(0) { $0 + $1.result.compared.count }
        return compared >= GradientCheck.Minimum.requiredOverall(drawn: drawn)
    }

    /// The metrics recorded for one parameter: relative error, entries compared and skipped, largest |a − n|.
    static func metricNames(prefix: String) -> [String] {
        ["relative_error", "entries_compared", "entries_skipped", "max_error"].map { "\(prefix)_\($0)" }
    }
    /// 1 when the whole check passed, else 0.
    static let passedMetric = "passed"

    /// Every metric a check of parameters named by `prefixes` records.
    static func metricNames(prefixes: [String]) -> Set<String> {
        Set(prefixes.flatMap { metricNames(prefix: $0) } + [passedMetric])
    }

    /// The outputs and metrics of the check.
    func outputs(words: CellStrings = CellStrings(language: "en")) -> CellOutputs {
        var outputs = CellOutputs()
        if !descriptions.isEmpty { outputs.append(.text(descriptions.joined(separator: "\n"))) }
        let tolerance = items.first?.result.tolerance ?? 0
        let rows = items.map { item -> [String] in
            let r = item.result
            return [r.name, Tensor.describe(r.shape),
                    words.entriesChecked(r.entries.count - r.kinkCount, of: r.parameterCount, skipped: r.kinkCount, oneSided: r.oneSidedCount),
                    Self.scientific(r.maxAbsoluteError), Self.scientific(r.relativeError), r.passed ? words.pass : words.fail]
        }
        outputs.append(.table(.numeric(
            caption: words.gradientCheck(epsilon: Self.scientific(epsilon), tolerance: Self.scientific(tolerance)),
            header: [words.gradient, words.shapeWord, words.entriesCheckedHeader, "max |a − n|", words.relativeError, words.result], rows: rows)))
        for item in items {
            let r = item.result
            let values = [r.relativeError, Double(r.compared.count), Double(r.kinkCount), r.maxAbsoluteError]
            for (name, value) in zip(Self.metricNames(prefix: item.metricPrefix), values) { outputs.record(name, value) }
            guard !r.passed else { continue }
            let worst = r.worst(worstCount).map { entry in
                [Tensor.describe(index: entry.index, in: r.shape), Self.general(entry.analytic), Self.general(entry.numeric), Self.general(entry.difference)]
            }
            outputs.append(.table(.numeric(caption: words.worstEntries(r.name, count: worst.count),
                                           header: [words.entry, words.formulaA, words.numericN, "a − n"], rows: worst)))
            if r.parameterCount > 1 {
                outputs.append(.svg(GradientHeatMap.figure(for: r, tile: tile, classNames: classNames)))
            }
            for hint in item.hints {
                outputs.append(.notice(Diagnostic(.note, "\(r.name): \(hint)", at: item.location)))
            }
        }
        outputs.record(Self.passedMetric, passed ? 1 : 0)
        return outputs
    }

    /// The error of a failed check, at the first failing formula.
    public func failure() -> Diagnostic? {
        let failed = items.filter { !$0.result.passed }
        // Formulas that disagree come first; then checks that could not tell.
        let wrong = failed.filter { !($0.result.relativeError <= $0.result.tolerance) }
        if let first = wrong.first {
            let what = wrong.map { "\($0.result.name) (relative error \(Self.scientific($0.result.relativeError)))" }.joined(separator: ", ")
            return Diagnostic.error("gradient check failed for \(what); the tolerance is \(Self.scientific(first.result.tolerance))",
                                    at: first.location, hint: first.hints.first)
        }
        if let first = failed.first, let reason = first.result.unverifiable {
            return Diagnostic.error("gradient check not passed: \(reason)", at: first.location, hint: GradientCheck.unverifiableHint)
        }
        guard !comparedEnough, let location = items.first?.location else { return nil }
        let drawn = items.reduce(0) { $0 + $1.result.entries.count }
        let compared = items.reduce(0) { $0 + $1.result.compared.count }
        return Diagnostic.error("gradient check not passed: only \(compared) of the \(drawn) entries drawn could be compared, fewer than the \(GradientCheck.Minimum.requiredOverall(drawn: drawn)) a check needs",
                                at: location, hint: GradientCheck.unverifiableHint)
    }

    static func scientific(_ value: Double) -> String {
        value.isFinite ? String(format: "%.2e", value) : TensorFormatter.significant(value, 3)
    }

    static func general(_ value: Double) -> String {
        TensorFormatter.significant(value, 6)
    }
}
