import Foundation
import Synchronization
import Testing
@testable import NotebookRunner

@Suite struct TimeoutTests {
    let registry = DirectiveRegistry([EchoDirective.self, SpinDirective.self])

    @Test func cellTimeoutStopsTheCellAndTheRunContinuesWithKeepGoing() throws {
        let notebook = try parseNotebook("```{spin}\n:label: slow\n:timeout: 0.2\n```\n\n```{echo}\nafter\n```\n")
        let journal = RunJournal()
        let cancellation = Cancellation()
        let watchdog = Watchdog(journal: journal, run: cancellation, runTimeout: nil) { reason, _ in
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
        let watchdog = Watchdog(journal: journal, run: cancellation, runTimeout: 0.2) { reason, _ in
            Issue.record("the cell should have stopped by itself: \(reason)")
        }
        watchdog.start()
        defer { watchdog.stop() }
        let run = Executor(registry: registry, settings: testSettings(keepGoing: true))
            .run(notebook, cancellation: cancellation, journal: journal)
        #expect(run.cells.map(\.status) == [.error, .error])
        #expect(run.cells[0].error?.message == "the run timed out after 0.2 s (--timeout 0.2)")
        #expect(run.stopReason == .timedOut)
    }

    @Test func aSecondInterruptGivesUpOnTheRunningCellAtOnce() throws {
        let notebook = try parseNotebook("```{spin}\n```\n")
        let journal = RunJournal()
        let cancellation = Cancellation()
        let calls = Mutex<[StopReason]>([])
        let watchdog = Watchdog(journal: journal, run: cancellation, runTimeout: nil, grace: 100) { _, stop in
            calls.withLock { $0.append(stop) }
        }
        journal.started(notebook.cells[0], timeout: nil, cancellation: Cancellation())
        cancellation.interrupt(signal: SIGINT)
        watchdog.tick(at: .now)
        #expect(calls.withLock { $0 }.isEmpty)
        cancellation.interrupt(signal: SIGINT)
        watchdog.tick(at: .now)
        watchdog.tick(at: .now)
        #expect(calls.withLock { $0 } == [.interrupted(signal: SIGINT)])
    }

    @Test func aStoppedWatchdogIgnoresLaterInterrupts() throws {
        let notebook = try parseNotebook("```{spin}\n```\n")
        let journal = RunJournal()
        let cancellation = Cancellation()
        let watchdog = Watchdog(journal: journal, run: cancellation, runTimeout: nil, grace: 0) { reason, _ in
            Issue.record("a finished notebook was handed on: \(reason)")
        }
        watchdog.start()
        #expect(watchdog.stop() == false)
        journal.started(notebook.cells[0], timeout: nil, cancellation: Cancellation())
        cancellation.interrupt(signal: SIGINT)
        cancellation.interrupt(signal: SIGINT)
        watchdog.tick(at: .now + .seconds(10))
    }

    @Test func aTimedOutCellThatStoppedIsNotBlamedForTheNextOne() throws {
        let notebook = try parseNotebook("```{spin}\n:timeout: 0.1\n```\n\n```{spin}\n```\n")
        let journal = RunJournal()
        let watchdog = Watchdog(journal: journal, run: Cancellation(), runTimeout: nil, grace: 0.5) { reason, _ in
            Issue.record("the second cell was never cancelled: \(reason)")
        }
        let start = ContinuousClock.now
        journal.started(notebook.cells[0], timeout: 0.1, cancellation: Cancellation())
        watchdog.tick(at: start + .milliseconds(200))
        journal.finished(CellResult(cell: notebook.cells[0], status: .error))
        journal.started(notebook.cells[1], timeout: nil, cancellation: Cancellation())
        watchdog.tick(at: start + .seconds(2))
    }

    @Test func aStuckCellStillGetsItsPartialReportAndRecord() throws {
        let folder = try DataFixtures.temporaryDirectory("stuck")
        let notebook = folder.appendingPathComponent("stuck.md")
        try "```{echo}\nfirst\n```\n\n```{stubborn}\n1.5\n```\n\n```{echo}\nnever\n```\n"
            .write(to: notebook, atomically: true, encoding: .utf8)
        let cancellation = Cancellation()
        let handedOn = Mutex<Pipeline.Outcome?>(nil)
        let pipeline = Pipeline(settings: RunSettings(outputDirectory: folder.appendingPathComponent("out"), reproducible: true),
                                registry: DirectiveRegistry([EchoDirective.self, StubbornDirective.self]),
                                progress: ProgressReporter(mode: .silent), cancellation: cancellation, cacheMode: .off,
                                grace: 0.2) { outcome in handedOn.withLock { $0 = outcome } }
        Thread.detachNewThread {
            usleep(300_000)
            cancellation.interrupt(signal: SIGTERM)
        }
        let outcome = pipeline.render(notebook, file: "stuck.md")
        let stuck = try #require(handedOn.withLock { $0 }, "onStuck was not called")
        #expect(stuck.stopReason == .interrupted(signal: SIGTERM))
        #expect(outcome.stopReason == .interrupted(signal: SIGTERM))
        #expect(outcome.run?.cells.map(\.status) == [.ok, .error, .skipped])
        let html = try String(contentsOf: outcome.report, encoding: .utf8)
        #expect(html.contains("interrupted (SIGTERM): the run was stopped (the cell did not stop; partial report)"))
        #expect(!html.contains("woke up"))
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: try #require(outcome.record))) as? [String: Any]
        #expect(record?["stop"] as? String == "interrupted")
        #expect(record?["signal"] as? String == "SIGTERM")
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
