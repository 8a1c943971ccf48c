import ArgumentParser
import Foundation
import NotebookRunner

/// The flags `render` and `build` share: how pages run, what they print and what they reuse.
struct PageRunFlags: ParsableArguments {
    @Flag(name: .long, help: "Run the remaining cells of a page after a cell fails.")
    var keepGoing = false

    @Flag(name: .shortAndLong, help: "Print only errors and warnings.")
    var quiet = false

    @Flag(name: .long, help: "Run every cell; neither read nor write the cache.")
    var noCache = false

    @Flag(name: .long, help: "Run every cell and rebuild the cache.")
    var refresh = false

    @Flag(name: .long, help: "Leave times out of the pages and records so identical runs give identical bytes (also set by SOURCE_DATE_EPOCH).")
    var reproducible = false

    @Option(name: [.customShort("j"), .customLong("jobs")],
            help: ArgumentHelp("Run up to N pages at once, each with its own kernel (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    @Flag(name: .long, help: "The student's edition: leave every {solution} out of the pages and the records (they are not run).")
    var student = false

    /// Pages run at once, at most 1,024.
    static let jobRange = 1...1024

    func validate() throws {
        if let jobs, !Self.jobRange.contains(jobs) {
            throw ValidationError("-j expects a number of pages run at once from 1 to 1024, got \(jobs)")
        }
    }

    var cacheMode: CellCache.Mode { noCache ? .off : refresh ? .refresh : .use }

    /// How many of `pages` pages run at once: `-j`, else the number of cores.
    func jobCount(pages: Int) -> Int { min(jobs ?? ProcessInfo.processInfo.activeProcessorCount, pages) }
}
