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

    @Flag(name: .long, help: "Run the remaining cells after a cell fails.")
    var keepGoing = false

    @Flag(name: .shortAndLong, help: "Print only errors and warnings.")
    var quiet = false

    @Flag(name: .long, help: "Run every cell; neither read nor write the cache.")
    var noCache = false

    @Flag(name: .long, help: "Run every cell and rebuild the cache.")
    var refresh = false

    @Option(name: .long, help: ArgumentHelp("Stop the run after this many seconds and write the partial report.", valueName: "seconds"))
    var timeout: Double?

    @Flag(name: .long, help: "Leave times out of the report so identical runs give identical bytes (also set by SOURCE_DATE_EPOCH).")
    var reproducible = false

    @Flag(name: .long, help: "The student's edition: leave every {solution} out of the report and the run record (they are not run).")
    var student = false

    func run() throws {
        var settings = try runOptions.settings(keepGoing: keepGoing, reproducible: reproducible)
        settings.omitsSolutions = student
        if let timeout {
            guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
            settings.runTimeout = timeout
        }
        let progress = ProgressReporter(mode: quiet ? .quiet : nil)
        let pipeline = Pipeline(settings: settings, progress: progress,
                                cacheMode: noCache ? .off : refresh ? .refresh : .use)
        var failed = false
        for notebook in notebooks {
            let outcome = pipeline.render(URL(fileURLWithPath: notebook), file: notebook)
            if outcome.isUsageError { throw ExitCode(2) }
            failed = failed || outcome.failed
            if !quiet {
                let status = outcome.failed ? "with errors" : "ok"
                FileHandle.standardError.write(Data("wrote \(outcome.report.relativePath) (\(status))\n".utf8))
            }
        }
        if failed { throw ExitCode(1) }
    }
}
