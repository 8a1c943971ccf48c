import Synchronization

/// A flag long-running cells poll, set by a timer or by the host when a signal arrives.
///
/// The first request wins: its message is what cells report and its `StopReason` is
/// what the run ends with. Later requests are counted (a second Ctrl-C means "do not
/// wait for the running cell"). A child (one notebook's run) is also cancelled when its
/// parent (the whole command) is, and the parent's reason comes first.
public final class Cancellation: Sendable {
    private let parent: Cancellation?
    private let flag = Atomic<Int>(0)
    private let requests = Atomic<Int>(0)
    private let first = Mutex<(message: String, stop: StopReason)?>(nil)

    public init(parent: Cancellation? = nil) {
        self.parent = parent
    }

    /// Requests that the run stop, with the error text cells should report.
    public func cancel(_ reason: String, stop: StopReason = .cellFailed) {
        first.withLock { if $0 == nil { $0 = (reason, stop) } }
        requests.add(1, ordering: .relaxed)
        flag.store(1, ordering: .releasing)
    }

    /// Requests that the run stop because `signal` arrived (the host's signal handler calls this).
    public func interrupt(signal: Int32) {
        let what = signal == 2 ? "interrupted (Ctrl-C, SIGINT)" : "interrupted (\(StopReason.signalName(signal)))"
        cancel("\(what): the run was stopped", stop: .interrupted(signal: signal))
    }

    /// Why the run was cancelled, or nil while it may go on.
    public var reason: String? {
        if let reason = parent?.reason { return reason }
        guard flag.load(ordering: .acquiring) != 0 else { return nil }
        return first.withLock { $0?.message }
    }

    /// How the run ends because of the first request, or nil while it may go on.
    public var stopReason: StopReason? {
        if let stop = parent?.stopReason { return stop }
        guard flag.load(ordering: .acquiring) != 0 else { return nil }
        return first.withLock { $0?.stop }
    }

    /// How many times cancellation was requested, the parent's requests included (two Ctrl-Cs: 2).
    public var requestCount: Int { requests.load(ordering: .relaxed) + (parent?.requestCount ?? 0) }
}
