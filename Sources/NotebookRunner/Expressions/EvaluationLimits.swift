/// What one evaluation may use: memory for any one tensor, and a cancellation check that
/// long loops (each row block of a matrix product, each node of the expression) poll.
public struct EvaluationLimits: Sendable {
    public var memory: MemoryBudget
    /// Throws when the run has been cancelled (a timeout or Ctrl-C).
    public var checkCancelled: @Sendable () throws -> Void

    public init(memory: MemoryBudget = .default, checkCancelled: @escaping @Sendable () throws -> Void = {}) {
        self.memory = memory
        self.checkCancelled = checkCancelled
    }
}

extension ExecutionContext {
    /// The limits expressions evaluated by this cell run under: the run's memory budget,
    /// and this cell's cancellation.
    public var evaluationLimits: EvaluationLimits {
        let cancellation = self.cancellation
        let location = cell.location
        return EvaluationLimits(memory: settings.memoryBudget) {
            if let reason = cancellation.reason { throw Diagnostic.error(reason, at: location) }
        }
    }
}
