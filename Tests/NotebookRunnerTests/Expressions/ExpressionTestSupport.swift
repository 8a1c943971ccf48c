import Foundation
@testable import NotebookRunner
@testable import Tensors

/// Synthetic data sets, cells and contexts for expression and gradient-check tests.
enum ExpressionTestSupport {
    /// `count` random `rows×cols` images (about half the pixels 0, like MNIST) with labels 0…9.
    static func dataset(count: Int = 120, rows: Int = 4, cols: Int = 4, seed: UInt64 = 7) -> Dataset {
        var generator = Xoshiro256StarStar(seed: seed)
        let pixels = (0..<count * rows * cols).map { _ -> UInt8 in
            generator.unit() < 0.5 ? 0 : UInt8(generator.next() % 256)
        }
        let labels = (0..<count).map { _ in UInt8(generator.next() % 10) }
        let split = DataSplit(name: "train", images: pixels, labels: labels, count: count, rows: rows, cols: cols, sources: [])
        return Dataset(name: "synthetic", classNames: (0..<10).map(String.init), train: split, test: nil)
    }

    static func state(withData: Bool = true) -> NotebookState {
        let state = NotebookState()
        if withData {
            let data = dataset()
            state.datasets[data.name] = data
            state.dataset = data
        }
        return state
    }

    /// A cell whose options are on lines 2… and body lines after them, each at column 1.
    static func cell(_ directive: String, arguments: [String] = [], options: [(String, String)] = [], body: [String] = [],
                     label: String? = nil) -> Cell {
        var line = 2
        var cellOptions: [CellOption] = []
        for (key, value) in options + (label.map { [("label", $0)] } ?? []) {
            cellOptions.append(CellOption(key: key, value: value, location: SourceLocation(file: "t.md", line: line, column: 1),
                                          valueLocation: SourceLocation(file: "t.md", line: line, column: key.count + 4)))
            line += 1
        }
        let lines = body.enumerated().map { SourceLine(text: $1, location: SourceLocation(file: "t.md", line: line + $0, column: 1)) }
        return Cell(index: 1, directive: directive, arguments: arguments, options: cellOptions, body: lines,
                    location: SourceLocation(file: "t.md", line: 1), directiveLocation: SourceLocation(file: "t.md", line: 1, column: 4),
                    source: "")
    }

    static func context(_ state: NotebookState, _ cell: Cell) -> ExecutionContext {
        ExecutionContext(state: state, cell: cell, settings: RunSettings(outputDirectory: URL(fileURLWithPath: NSTemporaryDirectory())),
                         notebookName: "t", assetDirectory: URL(fileURLWithPath: NSTemporaryDirectory()),
                         cancellation: CellCancellation(run: Cancellation()), progress: { _ in })
    }

    /// Builds and runs a directive as the executor does, returning its result.
    static func run<D: Directive>(_ type: D.Type, _ cell: Cell, state: NotebookState = state()) throws -> CellResult {
        let directive = try D(cell: cell, defaults: Defaults())
        let result = Executor.execute(directive, cell: cell, in: context(state, cell))
        if result.status == .ok { state.metrics[cell.label] = result.metrics }
        return result
    }

    static func notes(_ result: CellResult) -> [String] {
        result.outputs.compactMap { if case .notice(let d) = $0 { d.message } else { nil } }
    }

    static func metric(_ result: CellResult, _ name: String) -> Double? {
        result.metrics.first { $0.name == name }?.value
    }
}
