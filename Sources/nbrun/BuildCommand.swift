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

    @OptionGroup var flags: PageRunFlags

    @Flag(name: .long, help: "Also write the whole course as one self-contained page, course.html in the output folder.")
    var singleFile = false

    @Flag(name: .long, help: "Also print the course to course.pdf in the output folder, with headless Chromium (apt-get install chromium).")
    var pdf = false

    var output: String { runOptions.outputPath("output/site") }

    func validate() throws {
        try UsageChecks.outputFolder(output)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("\(folder) is not a folder: nbrun build takes the course folder (holding myst.yml or _toc.yml)")
        }
        if pdf {
            do { _ = try ChromiumPrinter.locate() } catch let diagnostic as Diagnostic {
                throw ValidationError(diagnostic.message + (diagnostic.hint.map { "\nhint: " + $0 } ?? ""))
            }
        }
    }

    func run() throws {
        let site = URL(fileURLWithPath: output, isDirectory: true)
        let read = ManifestReader.read(folder: URL(fileURLWithPath: folder, isDirectory: true), display: folder, ignoring: [site])
        for diagnostic in read.diagnostics { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
        guard let manifest = read.manifest else { throw ExitCode(1) }
        var settings = try runOptions.settings(keepGoing: flags.keepGoing, reproducible: flags.reproducible)
        settings.outputDirectory = site
        settings.omitsSolutions = flags.student
        let cancellation = Cancellation()
        let signals = SignalForwarder(to: cancellation)
        defer { signals.restore() }
        let quiet = flags.quiet
        var build = CourseBuild(settings: settings, cancellation: cancellation, cacheMode: flags.cacheMode,
                                jobs: flags.jobs ?? ProcessInfo.processInfo.activeProcessorCount) { line in
            if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        build.singleFile = singleFile
        if pdf { build.printer = try ChromiumPrinter.locate(cancellation: cancellation) }
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
