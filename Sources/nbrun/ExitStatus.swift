import NotebookRunner

/// nbrun's exit statuses: 0 every cell ran, 1 a cell, the notebook or the time limit
/// failed it, 2 a usage error, 128 + N a signal N stopped it (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
enum ExitStatus {
    static func code(for stop: StopReason) -> Int32 {
        switch stop {
        case .finished: 0
        case .cellFailed, .notebookInvalid, .timedOut, .outputFailed: 1
        case .usageError: 2
        case .interrupted(let signal): 128 + signal
        }
    }

    /// The status of a whole call: a signal beats a usage error beats a failure beats success.
    static func worst(_ a: StopReason, _ b: StopReason) -> StopReason {
        func rank(_ stop: StopReason) -> Int {
            switch stop {
            case .finished: 0
            case .cellFailed, .notebookInvalid, .timedOut, .outputFailed: 1
            case .usageError: 2
            case .interrupted: 3
            }
        }
        return rank(b) > rank(a) ? b : a
    }
}
