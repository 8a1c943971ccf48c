import Foundation

/// How one cell ended.
public enum CellStatus: String, Sendable, Codable {
    case ok, error, skipped, cached
}

/// A cell after the run: its status, outputs, numbers and time.
public struct CellResult: Sendable {
    public var cell: Cell
    public var status: CellStatus
    public var outputs: [CellOutput]
    public var metrics: [Metric]
    public var seconds: Double
    /// The error that stopped it, also present among `outputs`.
    public var error: Diagnostic?

    public init(cell: Cell, status: CellStatus, outputs: [CellOutput] = [], metrics: [Metric] = [],
                seconds: Double = 0, error: Diagnostic? = nil) {
        self.cell = cell
        self.status = status
        self.outputs = outputs
        self.metrics = metrics
        self.seconds = seconds
        self.error = error
    }
}

/// A failure that keeps the outputs the cell produced before failing
/// (e.g. a gradient check's tables next to its verdict).
public struct CellFailure: Error {
    public var outputs: CellOutputs
    public var diagnostic: Diagnostic

    public init(outputs: CellOutputs, diagnostic: Diagnostic) {
        self.outputs = outputs
        self.diagnostic = diagnostic
    }
}

/// The value an inline `{eval}` role printed, or why it could not.
public enum InlineValue: Sendable {
    case value(String)
    case error(Diagnostic)
}

/// Everything a run produced, in notebook order: what the renderer and the run record show.
public struct RunResult: Sendable {
    public var notebook: Notebook
    public var cells: [CellResult]
    /// Values of the notebook's inline roles, by role index (missing: not reached).
    public var inlineValues: [Int: InlineValue]
    /// Parse warnings and warnings raised while running.
    public var warnings: [Diagnostic]
    public var seconds: Double
    /// Front-matter values and parameters in effect.
    public var parameters: [(key: String, value: String)]
    /// Set when the run's cancellation (a signal, `--timeout`) cut it short.
    public var stoppedBy: StopReason?
    /// The files the cells that ran (or came from the cache) read, in order, without repeats:
    /// what `nbrun preview` watches besides the notebook.
    public var inputFiles: [URL] = []
    /// The code cells a Jupyter kernel ran (or skipped after a failure), by index in `notebook.codeCells`.
    public var codeRuns: [Int: CodeCellRun] = [:]
    /// How many Jupyter kernels the run started (none when every code cell came from the cache).
    public var kernelStarts = 0

    public init(notebook: Notebook, cells: [CellResult], inlineValues: [Int: InlineValue], warnings: [Diagnostic],
                seconds: Double, parameters: [(key: String, value: String)]) {
        self.notebook = notebook
        self.cells = cells
        self.inlineValues = inlineValues
        self.warnings = warnings
        self.seconds = seconds
        self.parameters = parameters
    }

    /// Whether any cell or inline role failed, or the notebook has an error such as an unknown equation label.
    public var failed: Bool {
        !notebook.errors.isEmpty || cells.contains { $0.status == .error } || codeRuns.values.contains { $0.error != nil }
            || inlineValues.values.contains { if case .error = $0 { true } else { false } }
    }

    /// How the run ended.
    public var stopReason: StopReason {
        stoppedBy ?? (failed ? .cellFailed : .finished)
    }

    /// Every error in notebook order.
    public var errors: [Diagnostic] {
        var errors = notebook.errors + cells.compactMap(\.error)
        errors += codeRuns.keys.sorted().compactMap { codeRuns[$0]?.error }
        for index in inlineValues.keys.sorted() {
            if case .error(let diagnostic) = inlineValues[index] { errors.append(diagnostic) }
        }
        return errors
    }
}
