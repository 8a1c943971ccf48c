import Foundation
import Synchronization

/// Enforces time limits and Ctrl-C while a notebook runs.
///
/// Cells stop cooperatively: the watchdog cancels (a cell's `:timeout:`, the run's
/// `--timeout`, the first Ctrl-C) and the running directive notices at its next
/// `checkCancelled()`. A cell that does not stop within `grace` seconds — or a second
/// Ctrl-C — triggers `onStuck`, which writes the partial report and exits.
public final class Watchdog: Sendable {
    private struct State: Sendable {
        var cancelledAt: ContinuousClock.Instant?
        var reason: String?
        var stopped = false
        var stuckReported = false
    }

    private let journal: RunJournal
    private let run: Cancellation
    private let runDeadline: ContinuousClock.Instant?
    private let runTimeout: Double?
    private let grace: Duration
    private let onStuck: @Sendable (String) -> Void
    private let state = Mutex(State())

    public init(journal: RunJournal, run: Cancellation, runTimeout: Double?, grace: Double = 5,
                onStuck: @escaping @Sendable (String) -> Void) {
        self.journal = journal
        self.run = run
        self.runTimeout = runTimeout
        self.runDeadline = runTimeout.map { ContinuousClock.now.advanced(by: .milliseconds(Int64($0 * 1000))) }
        self.grace = .milliseconds(Int64(grace * 1000))
        self.onStuck = onStuck
    }

    /// Starts polling on a background thread and catches SIGINT.
    public func start() {
        Thread.detachNewThread { [self] in
            while !state.withLock({ $0.stopped }) {
                tick(at: .now)
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [self] in interrupt() }
        source.resume()
        Self.signalSources.append(source)
    }

    /// Stops polling (the run finished).
    public func stop() {
        state.withLock { $0.stopped = true }
    }

    /// Ctrl-C: the first cancels the run, the second gives up on the running cell.
    func interrupt() {
        let reason = "interrupted (Ctrl-C): the run was stopped"
        let second = state.withLock { state -> Bool in
            if state.cancelledAt != nil && state.reason == reason { return true }
            state.cancelledAt = .now
            state.reason = reason
            return false
        }
        run.cancel(reason)
        if second { giveUp(reason) }
    }

    func tick(at now: ContinuousClock.Instant) {
        if let overdue = journal.overdueCell(at: now), overdue.cancellation.reason == nil {
            let reason = "cell '\(overdue.cell.label)' timed out after \(Self.format(overdue.seconds)) s (:timeout: \(Self.format(overdue.seconds)))"
            overdue.cancellation.cancel(reason)
            state.withLock { $0.cancelledAt = now; $0.reason = reason }
        }
        if let runDeadline, let runTimeout, now >= runDeadline, run.reason == nil {
            let reason = "the run timed out after \(Self.format(runTimeout)) s (--timeout \(Self.format(runTimeout)))"
            run.cancel(reason)
            state.withLock { $0.cancelledAt = now; $0.reason = reason }
        }
        let stuck = state.withLock { state -> String? in
            guard let at = state.cancelledAt, let reason = state.reason, now - at >= grace else { return nil }
            return reason
        }
        if let stuck, journal.runningCellIndex != nil { giveUp(stuck) }
    }

    private func giveUp(_ reason: String) {
        let first = state.withLock { state -> Bool in
            defer { state.stuckReported = true }
            return !state.stuckReported
        }
        if first { onStuck(reason) }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }

    /// Signal sources live as long as the process (set up once, from the main thread).
    nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []
}
