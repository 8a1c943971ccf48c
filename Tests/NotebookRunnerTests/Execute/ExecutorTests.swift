import Foundation
import Testing
@testable import NotebookRunner

@Suite struct ExecutorTests {
    let notebookText = """
    ```{echo}
    :label: first
    :value: 2
    hello
    ```

    ```{fail}
    ```

    ```{echo}
    :label: third
    after
    ```
    """

    @Test func runsInOrderAndStopsAtTheFirstFailure() throws {
        let run = Executor(registry: testRegistry, settings: testSettings()).run(try parseNotebook(notebookText))
        #expect(run.cells.map(\.status) == [.ok, .error, .skipped])
        #expect(run.cells[0].outputs == [.text("hello")])
        #expect(run.cells[0].metrics.first { $0.name == "value" }?.value == 2)
        #expect(run.failed)
        // The failing cell keeps what it showed before failing, then the error.
        #expect(run.cells[1].outputs.count == 2)
        #expect(run.cells[1].error?.headline == "nb.md:7:4: error: deliberate failure")
        if case .error(let diagnostic) = run.cells[1].outputs.last { #expect(diagnostic.hint == "remove the cell") } else {
            Issue.record("the last output is not the error")
        }
    }

    @Test func keepGoingRunsTheRest() throws {
        let run = Executor(registry: testRegistry, settings: testSettings(keepGoing: true)).run(try parseNotebook(notebookText))
        #expect(run.cells.map(\.status) == [.ok, .error, .ok])
        // Later cells see the metrics of earlier successful cells by label.
        #expect(run.cells[2].metrics.first { $0.name == "cells_before" }?.value == 1)
    }

    @Test func invalidCellsFailBeforeAnythingRuns() throws {
        let notebook = try parseNotebook("```{echo}\nok\n```\n\n```{ehco}\n```\n\n```{echo}\n:valeu: 3\n```\n")
        let run = Executor(registry: testRegistry, settings: testSettings()).run(notebook)
        #expect(run.cells.map(\.status) == [.skipped, .error, .error])
        #expect(run.cells[1].error?.description == "nb.md:5:4: error: unknown directive {ehco}\n  hint: did you mean {echo}? known directives: {echo}, {fail}")
        #expect(run.cells[2].error?.headline == "nb.md:9:1: error: unknown option :valeu: for {echo}")
        #expect(run.cells[2].error?.hint?.hasPrefix("did you mean :value:?") == true)
    }

    @Test func badOptionValuesNameTheExpectedType() throws {
        let notebook = try parseNotebook("```{echo}\n:value: abc\n```\n")
        let diagnostics = Executor(registry: testRegistry, settings: testSettings()).validate(notebook)
        #expect(diagnostics.map(\.headline) == ["nb.md:2:9: error: option :value: expects a number, got 'abc'"])
    }

    @Test func inlineRolesRunAfterTheCellsBeforeThem() throws {
        let notebook = try parseNotebook("Start {eval}`a`.\n\n```{echo}\n:label: e\nx\n```\n\nEnd {eval}`e`.\n")
        var seen: [String] = []
        let executor = Executor(registry: testRegistry, settings: testSettings()) { role, state in
            seen.append("\(role.expression):\(state.metrics.keys.sorted())")
            return "v"
        }
        let run = executor.run(notebook)
        #expect(run.inlineValues.count == 2)
        #expect(seen == ["a:[]", "e:[\"e\"]"])
    }

    @Test func cancellationStopsTheRun() throws {
        let cancellation = Cancellation()
        cancellation.interrupt(signal: SIGINT)
        let run = Executor(registry: testRegistry, settings: testSettings()).run(try parseNotebook(notebookText), cancellation: cancellation)
        #expect(run.cells.map(\.status) == [.error, .skipped, .skipped])
        #expect(run.cells[0].error?.message == "interrupted (Ctrl-C, SIGINT): the run was stopped")
        #expect(run.stopReason == .interrupted(signal: SIGINT))
    }
}
