import Synchronization

/// A flag long-running cells poll, set from a timer or a signal handler.
public final class Cancellation: Sendable {
    private let flag = Atomic<Int>(0)
    private let message = Mutex<String?>(nil)

    public init() {}

    /// Requests that the run stop, with the error text cells should report.
    public func cancel(_ reason: String) {
        message.withLock { if $0 == nil { $0 = reason } }
        flag.store(1, ordering: .releasing)
    }

    /// Why the run was cancelled, or nil while it may go on.
    public var reason: String? {
        guard flag.load(ordering: .acquiring) != 0 else { return nil }
        return message.withLock { $0 }
    }
}
