import ArgumentParser
import Dispatch
import Foundation
import NotebookPreview
import NotebookRunner

/// `nbrun preview NOTEBOOK`: a local page that follows the notebook as it is edited.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Serve a notebook's report on localhost and re-render it, through the cell cache, whenever it or a file it reads changes.",
        discussion: "The page reloads itself after each render. Reports and records are written to the output folder as by render (without the reload script). Ctrl-C stops.")

    @Argument(help: "The Markdown notebook to preview.")
    var notebook: String

    @OptionGroup var runOptions: RunOptions

    @Option(name: .long, help: ArgumentHelp("The port to listen on (0: any free port).", valueName: "port"))
    var port: UInt16 = 8000

    @Option(name: .long, help: ArgumentHelp("The address or name to listen on (localhost, ::1, 127.0.0.1, …); anything but a loopback address lets other machines see the notebook.", valueName: "address"))
    var host = "127.0.0.1"

    @Flag(name: .long, help: "Run the remaining cells after a cell fails.")
    var keepGoing = false

    func validate() throws {
        try UsageChecks.outputFolder(runOptions.outputPath())
        try UsageChecks.notebooks([notebook], sharingOutput: false)
        do {
            try PreviewServer.checkHost(host)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let settings = try runOptions.settings(keepGoing: keepGoing, reproducible: false)
        let pipeline = Pipeline(settings: settings, progress: ProgressReporter(mode: .quiet), cacheMode: .use)
        let printLine: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let session = PreviewSession(notebook: URL(fileURLWithPath: notebook), file: notebook, pipeline: pipeline, log: printLine)
        let server: PreviewServer
        do {
            server = try PreviewServer(session: session, host: host, port: port, log: printLine)
        } catch let error as PreviewServerError {
            printLine("error: \(error.description)")
            throw ExitCode(1)
        }
        Thread.detachNewThread { session.watch() }
        Thread.detachNewThread { server.run() }
        FileHandle.standardOutput.write(Data("previewing \(notebook) at \(server.url) (Ctrl-C stops)\n".utf8))
        // The command line owns the process: a signal ends the preview.
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                session.stop()
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
