/// Why a notebook's run ended: the fact a host turns into an exit status.
///
/// The library never exits or decides exit codes; `nbrun` maps these to 0, 1, 2 and
/// 128 + signal.
public enum StopReason: Sendable, Equatable {
    /// Every cell ran (or came from the cache) without an error.
    case finished
    /// A cell or an inline value failed.
    case cellFailed
    /// The notebook could not be read or parsed; no cell ran.
    case notebookInvalid
    /// A signal (SIGINT, SIGTERM, SIGHUP) stopped the run.
    case interrupted(signal: Int32)
    /// The run's time limit (`--timeout`) passed.
    case timedOut
    /// The command line does not fit this notebook (e.g. an unknown `-p` parameter).
    case usageError
    /// The report or the record could not be written (the cause is among the diagnostics).
    case outputFailed

    /// The word the run record uses: `finished`, `cell-failed`, `interrupted`, …
    public var recordName: String {
        switch self {
        case .finished: "finished"
        case .cellFailed: "cell-failed"
        case .notebookInvalid: "notebook-invalid"
        case .interrupted: "interrupted"
        case .timedOut: "timed-out"
        case .usageError: "usage-error"
        case .outputFailed: "output-failed"
        }
    }

    /// The conventional name of a signal number (`SIGINT`), or `signal N`.
    public static func signalName(_ signal: Int32) -> String {
        switch signal {
        case 1: "SIGHUP"
        case 2: "SIGINT"
        case 15: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}
