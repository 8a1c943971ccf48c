import ArgumentParser
import Foundation
import NotebookRunner

/// `nbrun check NOTEBOOK…`: every static check `render` makes, without running a cell.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check notebooks without running them: cells and options, expressions, inline values, names, formulas.")

    @Argument(help: "Markdown notebooks to check.")
    var notebooks: [String]

    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        try UsageChecks.notebooks(notebooks, sharingOutput: false)
    }

    func run() throws {
        let pipeline = Pipeline(settings: try runOptions.settings(keepGoing: false, reproducible: true))
        var failed = false
        for notebook in notebooks {
            let diagnostics = pipeline.check(URL(fileURLWithPath: notebook), file: notebook)
            for diagnostic in diagnostics {
                FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
            }
            let errors = diagnostics.count { $0.severity == .error }, warnings = diagnostics.count { $0.severity == .warning }
            if errors > 0 {
                failed = true
                FileHandle.standardError.write(Data("\(notebook): \(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")\n".utf8))
            } else {
                print(warnings == 0 ? "\(notebook): ok" : "\(notebook): ok, \(warnings) \(warnings == 1 ? "warning" : "warnings")")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
