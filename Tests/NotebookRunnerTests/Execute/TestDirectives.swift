import Foundation
@testable import NotebookRunner

/// `{echo}`: prints its body, records `:value:` as a metric and counts runs in the state.
struct EchoDirective: Directive {
    static let value = DirectiveOption.number("value", default: 1, inherits: true, help: "A metric to record.")
    static let spec = DirectiveSpec(name: "echo", arguments: .none, summary: "Prints its body.",
                                    options: [value.declaration], acceptsBody: true)
    let text: String
    let value: Double

    init(cell: Cell, options: OptionValues) throws {
        text = cell.bodyText
        value = try options.value(Self.value)
    }

    func run(in context: ExecutionContext) throws -> CellOutputs {
        var outputs = CellOutputs([.text(text)])
        outputs.record("value", value)
        outputs.record("cells_before", Double(context.state.metrics.count))
        return outputs
    }
}

/// `{fail}`: shows a table, then fails with a located error.
struct FailDirective: Directive {
    static let spec = DirectiveSpec(name: "fail", arguments: .none, summary: "Always fails.", options: [])
    let cell: Cell
    init(cell: Cell, options: OptionValues) throws { self.cell = cell }

    func run(in context: ExecutionContext) throws -> CellOutputs {
        throw CellFailure(outputs: CellOutputs([.table(.numeric(header: ["a", "b"], rows: [["x", "1"]]))]),
                          diagnostic: .error("deliberate failure", at: cell.directiveLocation, hint: "remove the cell"))
    }
}

var testRegistry: DirectiveRegistry { DirectiveRegistry([EchoDirective.self, FailDirective.self]) }

func parseNotebook(_ text: String, file: String = "nb.md") throws -> Notebook {
    try NotebookParser.parse(SourceText(file: file, text: text))
}

func testSettings(keepGoing: Bool = false) -> RunSettings {
    RunSettings(outputDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-tests-\(UUID().uuidString)"),
                keepGoing: keepGoing)
}

/// `{spin}`: loops until cancelled, as a long training cell would.
struct SpinDirective: Directive {
    static let spec = DirectiveSpec(name: "spin", arguments: .none, summary: "Runs until cancelled.", options: [])
    init(cell: Cell, options: OptionValues) throws {}

    func run(in context: ExecutionContext) throws -> CellOutputs {
        while true {
            try context.checkCancelled()
            usleep(1_000)
        }
    }
}

/// `{stubborn}`: sleeps for the seconds in its body and never checks for cancellation.
struct StubbornDirective: Directive {
    static let spec = DirectiveSpec(name: "stubborn", arguments: .none, summary: "Ignores cancellation.", options: [],
                                    acceptsBody: true)
    let seconds: Double
    init(cell: Cell, options: OptionValues) throws { seconds = Double(cell.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1 }

    func run(in context: ExecutionContext) throws -> CellOutputs {
        usleep(UInt32(seconds * 1_000_000))
        return CellOutputs([.text("woke up")])
    }
}
