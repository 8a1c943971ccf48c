import ArgumentParser
import Dispatch
import Foundation
import NotebookPreview
import NotebookRunner

/// `nbrun preview NOTEBOOK`: a local page that follows the notebook as it is edited;
/// `nbrun preview DIR`: a course's site, each page rebuilt as it is saved.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Serve a notebook's report, or a course's site, on localhost and render again, through the cell cache, whenever a file changes.",
        discussion: "The page reloads itself after each render. Reports and records are written to the output folder as by render (without the reload script). Given a course folder (holding myst.yml or _toc.yml), the site is built as by build (into -o, default output/site) and built again when a file of the course changes: only the pages a change reaches run and render again. Ctrl-C stops.")

    @Argument(help: "The Markdown notebook, or the course folder (holding myst.yml or _toc.yml), to preview.")
    var notebook: String

    @OptionGroup var runOptions: RunOptions

    @Option(name: .long, help: ArgumentHelp("The port to listen on (0: any free port).", valueName: "port"))
    var port: UInt16 = 8000

    @Option(name: .long, help: ArgumentHelp("The address or name to listen on (localhost, ::1, 127.0.0.1, …); anything but a loopback address lets other machines see the notebook.", valueName: "address"))
    var host = "127.0.0.1"

    @Flag(name: .long, help: "Run the remaining cells after a cell fails.")
    var keepGoing = false

    /// Whether the argument is a course folder.
    var isCourse: Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: notebook, isDirectory: &isFolder) && isFolder.boolValue
    }

    var output: String { runOptions.outputPath(isCourse ? "output/site" : "output") }

    func validate() throws {
        try UsageChecks.outputFolder(output)
        if !isCourse { try UsageChecks.notebooks([notebook], sharingOutput: false) }
        do {
            try PreviewServer.checkHost(host)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        if isCourse { return try runCourse() }
        let settings = try runOptions.settings(keepGoing: keepGoing, reproducible: false)
        let pipeline = Pipeline(settings: settings, progress: ProgressReporter(mode: .quiet), cacheMode: .use)
        let session = PreviewSession(notebook: URL(fileURLWithPath: notebook), file: notebook, pipeline: pipeline, log: Self.printLine)
        let server = try Self.open { try PreviewServer(session: session, host: host, port: port, log: Self.printLine) }
        Thread.detachNewThread { session.watch() }
        serve(server, stop: session.stop)
    }

    /// Writes one line to stderr: the preview's log.
    private static let printLine: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }

    /// The server `make` opens, or its error printed and exit status 1 (a port in use, say).
    private static func open(_ make: () throws -> PreviewServer) throws -> PreviewServer {
        do {
            return try make()
        } catch let error as PreviewServerError {
            printLine("error: \(error.description)")
            throw ExitCode(1)
        }
    }

    /// `nbrun preview DIR`: the course's site, built and served; built again on every change.
    private func runCourse() throws {
        var settings = try runOptions.settings(keepGoing: keepGoing, reproducible: false)
        let site = URL(fileURLWithPath: output, isDirectory: true)
        settings.outputDirectory = site
        let build = CourseBuild(settings: settings, cacheMode: .use, log: Self.printLine)
        let preview = CoursePreview(folder: URL(fileURLWithPath: notebook, isDirectory: true), display: notebook, build: build, log: Self.printLine)
        let server = try Self.open { try PreviewServer(site: preview, host: host, port: port, log: Self.printLine) }
        Thread.detachNewThread { preview.watch() }
        serve(server, stop: preview.stop)
    }

    /// Serves until a signal, which ends the preview (the command line owns the process). Never returns.
    private func serve(_ server: PreviewServer, stop: @escaping @Sendable () -> Void) -> Never {
        Thread.detachNewThread { server.run() }
        FileHandle.standardOutput.write(Data("previewing \(notebook) at \(server.url) (Ctrl-C stops)\n".utf8))
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                stop()
                server.stop()
                Foundation.exit(0)
            }
            source.resume()
            PreviewCommand.signalSources.append(source)
        }
        dispatchMain()
    }

    /// Kept alive for the life of the process.
    nonisolated(unsafe) static var signalSources: [any DispatchSourceSignal] = []
}
