import ArgumentParser
import Foundation
import NotebookRunner

/// Command-line mistakes caught before anything runs or is written: each a usage error
/// (exit status 2) naming the path or value and what is wrong with it.
enum UsageChecks {
    /// The subcommands' names, as `NBRunCommand` declares them.
    static let subcommands = NBRunCommand.configuration.subcommands.map { $0._commandName } + ["help"]

    /// `nbrun chekc nb.md` is a misspelt subcommand, not a notebook called `chekc`: the first
    /// argument is taken for a notebook only if it exists or looks like a path (a `.` or `/`).
    static func unknownSubcommand(in arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !subcommands.contains(first),
              !first.contains("."), !first.contains("/"), !FileManager.default.fileExists(atPath: first) else { return nil }
        let near = Suggestion.nearest(to: first, in: subcommands).map { " did you mean '\($0)'?" } ?? ""
        return "unknown subcommand '\(first)';\(near) (subcommands: \(subcommands.dropLast().joined(separator: ", ")); notebooks are files such as nb.md)"
    }

    /// The output folder: not empty, and not a file (nor inside one).
    static func outputFolder(_ path: String) throws {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("-o/--output needs a folder name, got an empty string")
        }
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
                guard isFolder.boolValue else {
                    let inside = url.path == URL(fileURLWithPath: path).standardizedFileURL.path ? "" : " (it is part of \(path))"
                    throw ValidationError("-o \(path): \(url.path) is a file, not a folder\(inside); name a folder for the reports")
                }
                return
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return }
            url = parent
        }
    }

    /// The notebooks: none is a folder, FIFO, device or socket, and (for `render`) no two share a report name.
    static func notebooks(_ paths: [String], sharingOutput: Bool) throws {
        for path in paths {
            var isFolder: ObjCBool = false
            if path.isEmpty { throw ValidationError("a notebook path is empty") }
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                throw ValidationError("\(path) is a folder, not a notebook; name the Markdown files, e.g. \(path.hasSuffix("/") ? path : path + "/")*.md")
            }
            if let problem = SourceText.notARegularFile(URL(fileURLWithPath: path), file: path) {
                throw ValidationError(problem.message + (problem.hint.map { "; \($0)" } ?? ""))
            }
        }
        guard sharingOutput else { return }
        var seen: [String: String] = [:]
        for path in paths {
            let name = NotebookParser.name(of: path)
            if let earlier = seen[name] {
                throw ValidationError("\(earlier) and \(path) would both be written to \(name).html and \(name).json; render them in separate calls with different -o folders")
            }
            seen[name] = path
        }
    }

    /// `--timeout`: a positive number of seconds, at most a year (so it fits the clock's integers).
    static func timeout(_ seconds: Double) throws -> Double {
        guard seconds.isFinite, seconds > 0, seconds <= maxTimeout else {
            throw ValidationError("--timeout \(seconds.isNaN ? "nan" : String(seconds)) must be a number of seconds above 0 and at most \(Int(maxTimeout)) (a year)")
        }
        return seconds
    }

    static let maxTimeout = 31_536_000.0
}
