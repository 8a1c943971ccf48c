import ArgumentParser
import Foundation
import NotebookRunner

/// `nbrun data list` and `nbrun data fetch NAME`: where data sets are, and getting them.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Show where data sets are found, or download one.",
        subcommands: [List.self, Fetch.self])

    /// `nbrun data list`: every folder `{load}` searches, and what each holds.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show which data sets are found where, in the order {load} searches.")

        @Option(name: .long, help: ArgumentHelp("A folder holding mnist/ and fashion-mnist/, searched first.", valueName: "dir"))
        var dataDir: String?

        func run() throws {
            let locator = DatasetLocator(dataRoot: dataDir.map { URL(fileURLWithPath: $0, isDirectory: true) })
            var lines: [String] = []
            for entry in DatasetCatalog.entries {
                // Each folder's files are checked as {load} would read them, so that "found" means usable.
                let survey = locator.survey(entry).map { place, splits in
                    (place: place, splits: splits,
                     unpublished: splits.map { DatasetLocator.unpublishedFiles(of: entry, splits: $0, in: place.directory) } ?? [])
                }
                let found = survey.first { $0.splits == ["train", "test"] }
                lines.append("\(entry.name): " + (found.map { found in
                    "found in \(found.place.directory.path)" + (found.unpublished.isEmpty ? "" :
                        ", but {load} would read files there that are not \(entry.name)'s: \(found.unpublished.joined(separator: "; ")); delete or replace them")
                } ?? "not found; \(entry.howToGet)"))
                for (place, splits, unpublished) in survey {
                    let holds = splits.map { $0.isEmpty ? "no IDX files" : "\($0.joined(separator: " and ")) split" + ($0.count > 1 ? "s" : "") }
                        ?? "no such folder"
                    let flag = unpublished.isEmpty ? "" : " (\(unpublished.count) not the published file\(unpublished.count > 1 ? "s" : ""))"
                    lines.append("  \(place.origin.padding(toLength: 15, withPad: " ", startingAt: 0)) \(place.directory.path): \(holds)\(flag)")
                }
            }
            print(lines.joined(separator: "\n"))
        }
    }

    /// `nbrun data fetch NAME`: download, verify and write one data set.
    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a data set from its mirrors, check its SHA-256 and write it to <dir>/<name>/.")

        @Argument(help: ArgumentHelp("The data set: \(DatasetCatalog.names.joined(separator: " or ")).", valueName: "name"))
        var name: String

        @Option(name: .long, help: ArgumentHelp("The data root to write into (default: $NBRUN_DATA_DIR, else ./data).", valueName: "dir"))
        var to: String?

        @Option(name: .long, help: ArgumentHelp("Download from this folder URL (http:, https: or file:) instead of the data set's usual mirrors (repeatable).", valueName: "url"))
        var mirror: [String] = []

        @Flag(name: .shortAndLong, help: "Print only errors.")
        var quiet = false

        func validate() throws {
            guard DatasetCatalog.entry(named: name) != nil else {
                throw ValidationError("unknown data set '\(name)'; known: \(DatasetCatalog.names.joined(separator: ", "))")
            }
            for url in mirror {
                guard let scheme = URL(string: url)?.scheme?.lowercased() else {
                    throw ValidationError("--mirror '\(url)' is not a URL (e.g. https://host/folder/ or file:///path/to/folder/)")
                }
                guard DatasetDownloader.mirrorSchemes.contains(scheme) else {
                    let schemes = DatasetDownloader.mirrorSchemes.map { $0 + ":" }
                    throw ValidationError("--mirror '\(url)': nbrun fetches from \(schemes.dropLast().joined(separator: ", ")) or \(schemes.last!) URLs, not \(scheme):")
                }
            }
        }

        func run() throws {
            let entry = DatasetCatalog.entry(named: name)!
            let environmentRoot = ProcessInfo.processInfo.environment["NBRUN_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            let root = URL(fileURLWithPath: to ?? environmentRoot ?? "data", isDirectory: true)
            let downloader = DatasetDownloader(mirrors: mirror.isEmpty ? nil : mirror.compactMap { URL(string: $0.hasSuffix("/") ? $0 : $0 + "/") })
            let quiet = self.quiet
            do {
                let outcome = try downloader.fetch(entry, into: root) { line in
                    if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
                }
                let folder = outcome.folder.standardizedFileURL.path
                let megabytes = String(format: "%.1f", Double(outcome.bytes) / 1_000_000)
                let what = outcome.downloaded.isEmpty
                    ? "all \(outcome.present.count) files were already there"
                    : "downloaded \(outcome.downloaded.count) files (\(megabytes) MB)"
                        + (outcome.present.isEmpty ? "" : ", \(outcome.present.count) already there")
                print("\(entry.name): \(what), SHA-256 verified, in \(folder)")
            } catch let diagnostic as Diagnostic {
                FileHandle.standardError.write(Data((diagnostic.headline + "\n").utf8))
                throw ExitCode(1)
            }
        }
    }
}
