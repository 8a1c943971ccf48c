import Synchronization

/// What has happened so far in a run, readable from another thread, so a partial
/// report can be written when a cell will not stop (a hard timeout, a second Ctrl-C).
public final class RunJournal: Sendable {
    private struct Entry: Sendable {
        var finished: [CellResult] = []
        var running: Cell?
        var runningSince: ContinuousClock.Instant?
        var deadline: ContinuousClock.Instant?
        var timeoutSeconds: Double?
        var cancellation: Cancellation?
    }

    private let entry = Mutex(Entry())

    public init() {}

    func started(_ cell: Cell, timeout: Double?, cancellation: Cancellation) {
        let now = ContinuousClock.now
        entry.withLock {
            $0.running = cell
            $0.cancellation = cancellation
            $0.runningSince = now
            $0.timeoutSeconds = timeout
            $0.deadline = timeout.map { now.advanced(by: .milliseconds(Int64(($0 * 1000).rounded()))) }
        }
    }

    func finished(_ result: CellResult) {
        entry.withLock {
            $0.finished.append(result)
            if $0.running?.index == result.cell.index { $0.running = nil; $0.deadline = nil }
        }
    }

    /// The running cell and its own cancellation, when its `:timeout:` has passed.
    func overdueCell(at now: ContinuousClock.Instant) -> (cell: Cell, seconds: Double, cancellation: Cancellation)? {
        entry.withLock { entry in
            guard let cell = entry.running, let deadline = entry.deadline, let seconds = entry.timeoutSeconds,
                  let cancellation = entry.cancellation, now >= deadline else { return nil }
            return (cell, seconds, cancellation)
        }
    }

    /// The index of the cell running now, if any.
    var runningCellIndex: Int? { entry.withLock { $0.running?.index } }

    /// The finished cells, the running one (failed with `reason`) and the rest skipped.
    public func partialResults(of notebook: Notebook, reason: String) -> [CellResult] {
        entry.withLock { entry in
            var results = entry.finished
            for cell in notebook.cells where !results.contains(where: { $0.cell.index == cell.index }) {
                if cell.index == entry.running?.index {
                    let diagnostic = Diagnostic.error(reason, at: cell.location)
                    results.append(CellResult(cell: cell, status: .error, outputs: [.error(diagnostic)], error: diagnostic))
                } else {
                    results.append(CellResult(cell: cell, status: .skipped))
                }
            }
            return results.sorted { $0.cell.index < $1.cell.index }
        }
    }
}
