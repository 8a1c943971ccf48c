/// What became of a code cell run in the page's Jupyter kernel.
public struct CodeCellRun: Sendable {
    public var status: CellStatus
    public var outputs: [CellOutput]
    public var error: Diagnostic?

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
}
