import NotebookRunner

/// libFuzzer entry: any bytes as a notebook, through parsing, validation and rendering.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNotebookParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let source = try? SourceText(file: "fuzz.md", bytes: bytes),
          let notebook = try? NotebookParser.parse(source) else { return 0 }
    let executor = Executor(settings: RunSettings(outputDirectory: .init(fileURLWithPath: "/nonexistent")))
    _ = executor.validate(notebook)
    let cells = notebook.cells.map { CellResult(cell: $0, status: .skipped) }
    let run = RunResult(notebook: notebook, cells: cells, inlineValues: [:], warnings: [], seconds: 0, parameters: [])
    _ = HTMLRenderer(reproducible: true).render(run)
    return 0
}
