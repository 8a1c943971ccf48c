import Foundation

/// Which equations a run proved: every `{gradcheck}` or `{derive}` cell with `:checks: LABEL …`
/// vouches for those equations when it passes, and marks them failed when it fails.
struct EquationChecks: Sendable {
    enum Status: String, Sendable {
        case checked, failed, unchecked
    }

    /// The verdict on one equation.
    struct Verdict: Sendable {
        var status: Status
        /// The largest relative error the checking cells measured.
        var relativeError: Double?
        /// Labels of the cells that check it.
        var cells: [String]
    }

    private(set) var verdicts: [String: Verdict] = [:]
    let table: EquationTable

    /// No check has run (yet): every equation unchecked.
    init(table: EquationTable) {
        self.table = table
    }

    init(_ run: RunResult) {
        table = run.notebook.equations
        for result in run.cells {
            let labels = EquationTable.checkedLabels(of: result.cell).map(\.label)
            guard !labels.isEmpty else { continue }
            let errors = result.metrics.filter { $0.name == "relative_error" || $0.name.hasSuffix("_relative_error") }.map(\.value)
            let worst = errors.isEmpty ? nil : errors.max()
            for label in labels where table.equation(label) != nil {
                var verdict = verdicts[label] ?? Verdict(status: .unchecked, relativeError: nil, cells: [])
                verdict.cells.append(result.cell.label)
                switch result.status {
                case .ok, .cached:
                    if verdict.status != .failed { verdict.status = .checked }
                case .error:
                    verdict.status = .failed
                case .skipped:
                    break
                }
                if let worst { verdict.relativeError = max(verdict.relativeError ?? 0, worst) }
                verdicts[label] = verdict
            }
        }
    }

    func verdict(_ label: String) -> Verdict {
        verdicts[label] ?? Verdict(status: .unchecked, relativeError: nil, cells: [])
    }

    var total: Int { table.equations.count }
    var checkedCount: Int { table.equations.filter { verdict($0.label).status != .unchecked }.count }
    var failedCount: Int { table.equations.filter { verdict($0.label).status == .failed }.count }

    /// "12 equations, 7 checked, 0 failed" in the page's language, or nil without numbered equations.
    func summary(_ strings: ReportStrings = ReportStrings(language: "en")) -> String? {
        guard total > 0 else { return nil }
        return strings.equationSummary(total, checkedCount, failedCount)
    }

    /// The mark shown next to a checked equation's number: "✔ 2.1e-10" or "✘ 0.42", and its
    /// tooltip in the page's language.
    func mark(_ label: String, strings: ReportStrings = ReportStrings(language: "en")) -> (symbol: String, text: String, tooltip: String)? {
        let verdict = verdict(label)
        let error = verdict.relativeError.map { $0.isFinite ? String(format: "%.1e", $0) : "\($0)" }
        let by = verdict.cells.joined(separator: ", ")
        switch verdict.status {
        case .unchecked:
            return nil
        case .checked:
            return ("✔", "✔" + (error.map { " " + $0 } ?? ""), strings.checkedBy(by, error))
        case .failed:
            return ("✘", "✘" + (error.map { " " + $0 } ?? ""), strings.checkFailed(by, error))
        }
    }
}
