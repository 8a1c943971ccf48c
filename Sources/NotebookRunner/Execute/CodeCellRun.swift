/// What became of a code cell run in the page's Jupyter kernel.
public struct CodeCellRun: Sendable {
    public var status: CellStatus
    public var outputs: [CellOutput]
    public var error: Diagnostic?
    /// After a `parameters` cell: the cell `-p` injected, its code and what it did.
    public var injected: Injected?
    public var seconds: Double = 0

    /// The cell `-p key=value` added after the page's `parameters` cell (papermill's convention).
    public struct Injected: Sendable {
        public var code: String
        public var status: CellStatus
        public var outputs: [CellOutput]
    }

    public init(status: CellStatus, outputs: [CellOutput] = [], error: Diagnostic? = nil) {
        self.status = status
        self.outputs = outputs
        self.error = error
    }
}

extension CodeCell {
    /// Whether a kernel runs this cell: a MyST `{code-cell}`, a Quarto chunk (`{python}`) or a
    /// d2l `{.python .input}` block, without MyST's `skip-execution` tag. (`{code-block}` and
    /// plain fences are shown only, as in the dialects themselves.)
    var isExecutable: Bool {
        guard error == nil, !(options["tags"] ?? "").contains("skip-execution") else { return false }
        let name = directive.lowercased()
        return name == "code-cell" || (!language.isEmpty && name == language) || name.contains(".input")
    }

    /// Where the code starts in the notebook (the line after the opening fence and its options).
    var codeStart: SourceLocation {
        SourceLocation(file: location.file, line: location.line + 1 + linesBeforeCode, column: 1)
    }

    /// MyST's `raises-exception` tag: an error is expected and does not stop the run.
    var raisesException: Bool { (options["tags"] ?? "").contains("raises-exception") }

    /// The cell's own time limit: MyST `:timeout:` or Quarto `#| timeout:`, in seconds.
    /// - Throws: a `Diagnostic` at the cell when the value is not a positive number.
    func timeout() throws -> Double? {
        guard let text = options["timeout"] else { return nil }
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds > 0 else {
            throw Diagnostic.error("timeout '\(text)' is not a number of seconds greater than 0", at: location,
                                   hint: "e.g. `:timeout: 30` (MyST) or `#| timeout: 30` (Quarto)")
        }
        return seconds
    }
}
