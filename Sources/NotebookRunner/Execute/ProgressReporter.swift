import Foundation

/// Prints run progress on stderr: one live line on a terminal, plain lines otherwise.
///
/// Directive messages are throttled: at most ten updates a second on a terminal,
/// and at most one line every `plainInterval` seconds when stderr is a file or pipe.
public final class ProgressReporter {
    /// `live`: one rewritten line (terminals); `plain`: one line per event; `quiet`: errors
    /// and warnings only; `silent`: nothing (for callers that print diagnostics themselves).
    public enum Mode: Sendable { case live, plain, quiet, silent }

    private let mode: Mode
    private let plainInterval: Double
    private var lastMessage = 0.0
    private var prefix = ""

    public init(mode: Mode? = nil, plainInterval: Double = 5) {
        self.mode = mode ?? (isatty(FileHandle.standardError.fileDescriptor) != 0 ? .live : .plain)
        self.plainInterval = plainInterval
    }

    public func cellStarted(_ cell: Cell, of total: Int) {
        prefix = "[\(cell.index)/\(total)] {\(cell.directive)} \(cell.label)"
        lastMessage = Self.now()
        switch mode {
        case .live: write("\r\u{1B}[K\(prefix) …")
        case .plain: write("\(prefix) (line \(cell.location.line)) …\n")
        case .quiet, .silent: break
        }
    }

    /// A code cell starts in the page's Jupyter kernel: `[code] python3 (line 12) …`.
    public func codeCellStarted(_ code: CodeCell, kernel: String) {
        prefix = "[code] \(kernel)"
        lastMessage = Self.now()
        switch mode {
        case .live: write("\r\u{1B}[K\(prefix) (line \(code.location.line)) …")
        case .plain: write("\(prefix) (line \(code.location.line)) …\n")
        case .quiet, .silent: break
        }
    }

    /// A progress message from the running cell, e.g. `epoch 3/10 loss 0.51`.
    public func message(_ text: String) {
        let now = Self.now()
        switch mode {
        case .live where now - lastMessage >= 0.1:
            write("\r\u{1B}[K\(prefix) \(text)")
        case .plain where now - lastMessage >= plainInterval:
            write("\(prefix) \(text)\n")
        default:
            return
        }
        lastMessage = now
    }

    public func cellFinished(_ result: CellResult) {
        finished(result.status, seconds: result.seconds)
    }

    public func codeCellFinished(_ run: CodeCellRun) {
        finished(run.status, seconds: run.seconds)
    }

    private func finished(_ result: CellStatus, seconds: Double) {
        if mode == .quiet || mode == .silent { return }
        let status: String
        switch result {
        case .ok: status = String(format: "ok %.2fs", seconds)
        case .cached: status = "cached"
        case .error: status = "FAILED"
        case .skipped: status = "skipped"
        }
        switch mode {
        case .live: write("\r\u{1B}[K\(prefix) \(status)\n")
        case .plain: write("\(prefix) \(status)\n")
        case .quiet, .silent: break
        }
    }

    /// Diagnostics print in every mode but `silent`.
    public func report(_ diagnostic: Diagnostic) {
        if mode == .silent { return }
        if mode == .live { write("\r\u{1B}[K") }
        write(diagnostic.description + "\n")
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    private static func now() -> Double { Date().timeIntervalSinceReferenceDate }
}
