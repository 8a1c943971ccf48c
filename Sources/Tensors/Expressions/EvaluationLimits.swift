import Foundation

/// What one evaluation may use: memory for any one tensor, and a cancellation check that
/// long loops (each row block of a matrix product, each node of the expression) poll.
public struct EvaluationLimits: Sendable {
    public var memory: MemoryBudget
    /// Throws when the run has been cancelled (a timeout or Ctrl-C).
    public var checkCancelled: @Sendable () throws -> Void
    /// When set, counts the values every node of an evaluation computes: what it costs.
    var computed: ValueCount?

    public init(memory: MemoryBudget = .default, checkCancelled: @escaping @Sendable () throws -> Void = {}) {
        self.memory = memory
        self.checkCancelled = checkCancelled
    }
}

/// A running count of the values an evaluation computed (`EvaluationLimits.computed`).
final class ValueCount: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0

    func add(_ count: Int) {
        lock.lock()
        total &+= count
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return total
    }
}
