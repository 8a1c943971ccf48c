import ArgumentParser
import Foundation
import NotebookRunner

/// `nbrun render NOTEBOOK…`: run notebooks and write their reports.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Run notebooks and write <out>/<name>.html and <out>/<name>.json.")

    @Argument(help: "Markdown notebooks to render.")
    var notebooks: [String]

    @OptionGroup var runOptions: RunOptions

    @OptionGroup var flags: PageRunFlags

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Stop the run after this many seconds and write the partial report.", valueName: "seconds"))
    var timeout: Double?


    /// Mistakes that leave no sound place for a report: nothing is written.
    func validate() throws {
        try UsageChecks.outputFolder(runOptions.outputPath())
        try UsageChecks.notebooks(notebooks, sharingOutput: true)
    }

    /// The run's settings; a value they cannot take is a usage error that each notebook's
    /// report and record say too (the folder and the notebooks are sound by now).
    func settings() throws -> RunSettings {
        do {
            var settings = try runOptions.settings(keepGoing: flags.keepGoing, reproducible: flags.reproducible)
            settings.omitsSolutions = flags.student
            settings.runTimeout = try timeout.map(UsageChecks.timeout)
            return settings
        } catch let error as ValidationError {
            let pipeline = Pipeline(settings: RunSettings(outputDirectory: runOptions.outputDirectory, reproducible: flags.reproducible),
                                    progress: ProgressReporter(mode: .quiet))
            for notebook in notebooks {
                _ = pipeline.recordUsageError(error.message, notebook: URL(fileURLWithPath: notebook), file: notebook)
            }
            throw error
        }
    }

    func run() throws {
        let settings = try settings()
        let cancellation = Cancellation()
        let signals = SignalForwarder(to: cancellation)
        defer { signals.restore() }
        let (quiet, cacheMode, notebooks) = (flags.quiet, flags.cacheMode, notebooks)
        let workers = PageWorkers<Pipeline.Outcome>(jobs: flags.jobCount(pages: notebooks.count))
        // Pages rendered side by side print whole lines (one page's live line would overwrite another's).
        let progressMode: ProgressReporter.Mode? = quiet ? .quiet : workers.jobs > 1 ? .plain : nil
        let render: @Sendable (Int) -> Pipeline.Outcome? = { index in
            // A signal between notebooks stops the ones still to come.
            guard cancellation.stopReason == nil else { return nil }
            let pipeline = Pipeline(settings: settings, progress: ProgressReporter(mode: progressMode),
                                    cancellation: cancellation, cacheMode: cacheMode) { outcome in
                // The running cell would not stop: its partial report and record are written; leave.
                let reason = outcome.run?.errors.first?.message ?? "the run was stopped"
                FileHandle.standardError.write(Data("\(outcome.run?.notebook.file ?? ""): error: \(reason); wrote the partial report \(outcome.report.relativePath)\n".utf8))
                signals.restore()
                Foundation.exit(ExitStatus.code(for: outcome.stopReason))
            }
            return pipeline.render(URL(fileURLWithPath: notebooks[index]), file: notebooks[index])
        }
        var stop = StopReason.finished
        try workers.run(count: notebooks.count, render: render) { _, outcome in
            guard let outcome else {
                if let requested = cancellation.stopReason { stop = ExitStatus.worst(stop, requested) }
                return
            }
            if outcome.stopReason == .usageError { throw ExitCode(2) }
            stop = ExitStatus.worst(stop, outcome.stopReason)
            if !quiet, outcome.stopReason != .outputFailed {
                let status = outcome.stopReason == .finished ? "ok" : outcome.stopReason == .cellFailed ? "with errors" : "stopped"
                FileHandle.standardError.write(Data("wrote \(outcome.report.relativePath) (\(status))\n".utf8))
            }
        }
        // A signal after the last cell of the last notebook stopped nothing: every cell ran, and
        // the exit status says what the written reports and records say.
        if stop != .finished { throw ExitCode(ExitStatus.code(for: stop)) }
    }
}
