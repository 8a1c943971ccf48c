import ArgumentParser
import Foundation
import NotebookRunner

/// `nbrun`: renders Markdown notebooks into self-contained HTML reports.
@main
struct NBRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nbrun",
        abstract: "Run Markdown notebooks and render each into one self-contained HTML report.",
        discussion: DirectiveHelp.text(for: .standard),
        version: NBRun.version,
        subcommands: [RenderCommand.self, CheckCommand.self, PreviewCommand.self, BuildCommand.self, DataCommand.self],
        defaultSubcommand: RenderCommand.self
    )

    /// Usage errors exit with 2 (ArgumentParser's default is 64); cell failures with 1.
    static func main() {
        if let message = UsageChecks.unknownSubcommand(in: Array(CommandLine.arguments.dropFirst())) {
            FileHandle.standardError.write(Data("nbrun: error: \(message)\n".utf8))
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
