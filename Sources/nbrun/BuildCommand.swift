import ArgumentParser
import Foundation
import NotebookRunner

/// `nbrun build [DIR]`: a course (a folder with myst.yml or _toc.yml) into one static site.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build a course (myst.yml or _toc.yml in DIR) into a static site: one page per notebook, numbered and linked across pages.")

    @Argument(help: ArgumentHelp("The course folder, holding myst.yml or _toc.yml.", valueName: "dir"))
    var folder = "."

    @OptionGroup var runOptions: RunOptions

    @Option(name: .short, help: ArgumentHelp("Pages run at once (default: the number of cores).", valueName: "jobs"))
    var jobs: Int?

    @Flag(name: .long, help: "Run the remaining cells of a page after a cell fails.")
    var keepGoing = false

    @Flag(name: .shortAndLong, help: "Print only errors and warnings.")
    var quiet = false

    @Flag(name: .long, help: "Run every cell; neither read nor write the cache.")
    var noCache = false

    @Flag(name: .long, help: "Run every cell and rebuild the cache.")
    var refresh = false

    @Flag(name: .long, help: "Leave times out of the pages and the build record so identical builds give identical bytes (also set by SOURCE_DATE_EPOCH).")
    var reproducible = false

    @Flag(name: .long, help: "The student's edition: every {solution} left out.")
    var student = false

    var output: String { runOptions.outputPath("output/site") }

    func validate() throws {
        try UsageChecks.outputFolder(output)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("\(folder) is not a folder: nbrun build takes the course folder (holding myst.yml or _toc.yml)")
        }
        if let jobs, !(1...1024).contains(jobs) { throw ValidationError("-j takes a number of pages run at once from 1 to 1024, got \(jobs)") }
    }

    func run() throws {
        let site = URL(fileURLWithPath: output, isDirectory: true)
        let read = ManifestReader.read(folder: URL(fileURLWithPath: folder, isDirectory: true), display: folder, ignoring: [site])
        for diagnostic in read.diagnostics { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
        guard let manifest = read.manifest else { throw ExitCode(1) }
        var settings = try runOptions.settings(keepGoing: keepGoing, reproducible: reproducible)
        settings.outputDirectory = site
        settings.omitsSolutions = student
        let cancellation = Cancellation()
        let signals = SignalForwarder(to: cancellation)
        defer { signals.restore() }
        let quiet = quiet
        let build = CourseBuild(settings: settings, cancellation: cancellation, cacheMode: noCache ? .off : refresh ? .refresh : .use,
                                jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount) { line in
            if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        let outcome = build.build(manifest, display: folder)
        for diagnostic in Diagnostic.summarised(outcome.diagnostics) {
            FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
        }
        if !quiet {
            FileHandle.standardError.write(Data((outcome.record.timingTable() + "wrote \(outcome.site.relativePath) (\(manifest.pages.count) pages)\n").utf8))
        }
        let stop = outcome.stopReason == .finished && outcome.diagnostics.contains(where: { $0.severity == .error }) ? .cellFailed : outcome.stopReason
        if stop != .finished { throw ExitCode(ExitStatus.code(for: stop)) }
    }
}
