import ArgumentParser
import Foundation
import NotebookRunner

/// Options shared by `render` and `check`.
struct RunOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Folder for reports, run records and image files (default: output; for build: output/site).", valueName: "output"))
    var output: String?

    /// The `-o` folder, or `fallback` when none is given.
    func outputPath(_ fallback: String = "output") -> String { output ?? fallback }

    @Option(name: .long, help: ArgumentHelp("A folder holding mnist/ and fashion-mnist/ (else $NBRUN_DATA_DIR, ./data, /usr/share/datasets).", valueName: "dir"))
    var dataDir: String?

    @Option(name: [.short, .customLong("param")], help: ArgumentHelp("Override a front-matter value, or a variable of the page's code cell tagged `parameters` (a cell assigning it is injected after that one), e.g. -p lr=0.05 (repeatable).", valueName: "key=value"))
    var parameters: [String] = []

    @Option(name: .long, help: ArgumentHelp("The most memory one data file, image or tensor may take, e.g. 2G or 512M (default: half of the physical memory).", valueName: "size"))
    var memoryLimit: String?

    @Option(name: .long, help: ArgumentHelp("Warn when a report is larger than this, naming the cells that weigh most, e.g. 2M or 500K (default: \(PageWeight.defaultBudget)).", valueName: "size"))
    var pageBudget: String?

    @Flag(name: .long, help: "Let the page fetch the https:// images the prose shows (else each is a warning and only local images, embedded, are shown).")
    var allowRemoteImages = false

    @Option(name: .long, help: ArgumentHelp("Run the notebook's code cells in this Jupyter kernel (overrides the front matter's kernelspec), e.g. python3.", valueName: "name"))
    var kernel: String?

    @Flag(name: .long, help: "Show code cells without running them, even when the notebook names a kernel.")
    var noExecute = false

    var outputDirectory: URL { URL(fileURLWithPath: outputPath(), isDirectory: true) }

    func settings(keepGoing: Bool, reproducible: Bool) throws -> RunSettings {
        var defaults = Defaults()
        for parameter in parameters {
            guard let equals = parameter.firstIndex(of: "="), equals != parameter.startIndex else {
                throw ValidationError("parameter '\(parameter)' must look like key=value")
            }
            defaults.set(String(parameter[..<equals]), String(parameter[parameter.index(after: equals)...]), at: nil)
        }
        let environment = ProcessInfo.processInfo.environment
        var settings = RunSettings(outputDirectory: outputDirectory,
                           dataDirectory: dataDir.map { URL(fileURLWithPath: $0, isDirectory: true) },
                           keepGoing: keepGoing, defaults: defaults,
                           reproducible: reproducible || environment["SOURCE_DATE_EPOCH"] != nil)
        if let memoryLimit {
            guard let budget = MemoryBudget(parsing: memoryLimit) else {
                throw ValidationError("--memory-limit expects a size such as 2G, 512M or 1000000 (bytes), got '\(memoryLimit)'")
            }
            settings.memoryBudget = budget
        }
        if let pageBudget {
            guard let budget = MemoryBudget(parsing: pageBudget) else {
                throw ValidationError("--page-budget expects a size such as 2M, 500K or 1000000 (bytes), got '\(pageBudget)'")
            }
            settings.pageBudget = budget
        }
        settings.allowsRemoteImages = allowRemoteImages
        settings.kernel = kernel
        settings.executesCode = !noExecute
        return settings
    }
}
