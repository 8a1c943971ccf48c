import Foundation
import Synchronization

/// Enforces time limits while one notebook runs, and notices a cell that will not stop.
///
/// Cells stop cooperatively: the watchdog cancels (a cell's `:timeout:`, the run's
/// `--timeout`), the host cancels (a signal), and the running directive notices at its
/// next `checkCancelled()`. A cell that does not stop within `grace` seconds of a
/// cancellation — or a second cancellation request, such as a second Ctrl-C — makes the
/// watchdog call `onStuck` once, on its own thread, with the message and stop reason.
///
/// One watchdog serves one notebook: `stop()` ends its thread and waits for it, so a
/// finished notebook can never be handed to `onStuck` by a later interrupt. It installs
/// no signal handlers; the host owns the process.
public final class Watchdog: Sendable {
    /// A cancellation waiting to be honoured: the whole run's (`cell` nil) or one cell's.
    private struct Pending: Sendable {
        var message: String
        var stop: StopReason
        var cell: Int?
        var since: ContinuousClock.Instant
    }

    private struct State: Sendable {
        var pending: Pending?
        var stopped = false
        var gaveUp = false
    }

    private let journal: RunJournal
    private let run: Cancellation
    private let runDeadline: ContinuousClock.Instant?
    private let runTimeout: Double?
    private let grace: Duration
    private let onStuck: @Sendable (String, StopReason) -> Void
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    public init(journal: RunJournal, run: Cancellation, runTimeout: Double?, grace: Double = 5,
                onStuck: @escaping @Sendable (String, StopReason) -> Void) {
        self.journal = journal
        self.run = run
        self.runTimeout = runTimeout
        // Limits beyond a year (or not finite) are no limit, so no conversion can overflow.
        let usable = { (seconds: Double) in seconds.isFinite && seconds >= 0 && seconds <= 31_536_000 }
        self.runDeadline = runTimeout.flatMap { usable($0) ? ContinuousClock.now.advanced(by: .milliseconds(Int64(($0 * 1000).rounded()))) : nil }
        self.grace = usable(grace) ? .milliseconds(Int64((grace * 1000).rounded())) : .seconds(31_536_000)
        self.onStuck = onStuck
    }

    /// Starts polling on a background thread (every 50 ms).
    public func start() {
        Thread.detachNewThread { [self] in
            while !state.withLock({ $0.stopped }) {
                tick(at: .now)
                _ = wake.wait(timeout: .now() + .milliseconds(50))
            }
            done.signal()
        }
    }

    /// Stops polling and waits for the watchdog's thread to end (including an `onStuck`
    /// call in progress). Returns whether `onStuck` was called.
    @discardableResult
    public func stop() -> Bool {
        state.withLock { $0.stopped = true }
        wake.signal()
        done.wait()
        return state.withLock { $0.gaveUp }
    }

    func tick(at now: ContinuousClock.Instant) {
        if let overdue = journal.overdueCell(at: now), overdue.cancellation.reason == nil {
            let seconds = Self.format(overdue.seconds)
            let message = "cell '\(overdue.cell.label)' timed out after \(seconds) s (:timeout: \(seconds))"
            overdue.cancellation.cancel(message, stop: .cellFailed)
            state.withLock { state in
                if state.pending == nil { state.pending = Pending(message: message, stop: .cellFailed, cell: overdue.cell.index, since: now) }
            }
        }
        if let runDeadline, let runTimeout, now >= runDeadline, run.reason == nil {
            run.cancel("the run timed out after \(Self.format(runTimeout)) s (--timeout \(Self.format(runTimeout)))", stop: .timedOut)
        }
        let running = journal.runningCellIndex
        let stuck = state.withLock { state -> Pending? in
            if let message = run.reason, let stop = run.stopReason, state.pending == nil || state.pending?.cell != nil {
                state.pending = Pending(message: message, stop: stop, cell: nil, since: now)
            }
            // A timed-out cell that has stopped is no longer anyone's concern.
            if let cell = state.pending?.cell, cell != running { state.pending = nil }
            guard let pending = state.pending, running != nil else { return nil }
            let askedTwice = pending.cell == nil && run.requestCount >= 2
            return askedTwice || now - pending.since >= grace ? pending : nil
        }
        if let stuck { giveUp(stuck.message, stuck.stop) }
    }

    private func giveUp(_ message: String, _ stop: StopReason) {
        let first = state.withLock { state -> Bool in
            defer { state.gaveUp = true }
            return !state.gaveUp && !state.stopped
        }
        if first { onStuck(message + " (the cell did not stop; partial report)", stop) }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}
