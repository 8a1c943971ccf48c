import Foundation
import Testing
@testable import NotebookRunner

@Suite struct TimeoutTests {
    let registry = DirectiveRegistry([EchoDirective.self, SpinDirective.self])

    @Test func cellTimeoutStopsTheCellAndTheRunContinuesWithKeepGoing() throws {
        let notebook = try parseNotebook("```{spin}\n:label: slow\n:timeout: 0.2\n```\n\n```{echo}\nafter\n```\n")
        let journal = RunJournal()
        let cancellation = Cancellation()
        let watchdog = Watchdog(journal: journal, run: cancellation, runTimeout: nil) { reason in
            Issue.record("the cell should have stopped by itself: \(reason)")
        }
        watchdog.start()
        defer { watchdog.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        let run = Executor(registry: registry, settings: testSettings(keepGoing: true))
            .run(notebook, cancellation: cancellation, journal: journal)
        #expect(clock.now - start < .seconds(3))
        #expect(run.cells.map(\.status) == [.error, .ok])
        #expect(run.cells[0].error?.headline == "nb.md:1:1: error: cell 'slow' timed out after 0.2 s (:timeout: 0.2)")
    }

    @Test func runTimeoutStopsEverything() throws {
        let notebook = try parseNotebook("```{spin}\n```\n\n```{echo}\nnever\n```\n")
        let journal = RunJournal()
        let cancellation = Cancellation()
        let watchdog = Watchdog(journal: journal, run: cancellation, runTimeout: 0.2) { reason in
            Issue.record("the cell should have stopped by itself: \(reason)")
        }
        watchdog.start()
        defer { watchdog.stop() }
        let run = Executor(registry: registry, settings: testSettings(keepGoing: true))
            .run(notebook, cancellation: cancellation, journal: journal)
        #expect(run.cells.map(\.status) == [.error, .error])
        #expect(run.cells[0].error?.message == "the run timed out after 0.2 s (--timeout 0.2)")
    }

    @Test func badTimeoutValuesAreRejected() throws {
        let notebook = try parseNotebook("```{spin}\n:timeout: -1\n```\n")
        let diagnostics = Executor(registry: registry, settings: testSettings()).validate(notebook)
        #expect(diagnostics.first?.headline == "nb.md:2:11: error: option :timeout: is -1; it must be > 0 and ≤ 86400")
    }

    @Test func partialResultsMarkTheRunningCell() throws {
        let notebook = try parseNotebook("```{echo}\na\n```\n\n```{spin}\n```\n\n```{echo}\nb\n```\n")
        let journal = RunJournal()
        journal.finished(CellResult(cell: notebook.cells[0], status: .ok))
        journal.started(notebook.cells[1], timeout: nil, cancellation: Cancellation())
        let results = journal.partialResults(of: notebook, reason: "stuck")
        #expect(results.map(\.status) == [.ok, .error, .skipped])
        #expect(results[1].error?.message == "stuck")
    }
}
