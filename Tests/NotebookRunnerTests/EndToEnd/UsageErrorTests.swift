import Foundation
import Testing
@testable import NotebookRunner

/// Command-line mistakes are usage errors (exit 2) that name the path or value and the
/// cause, found before anything runs or is written.
@Suite struct UsageErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var expected: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["chekc", "nb.md"], expected: "unknown subcommand 'chekc'; did you mean 'check'?"),
        Case(arguments: ["rendr", "nb.md"], expected: "unknown subcommand 'rendr'; did you mean 'render'?"),
        Case(arguments: ["render", "nb.md", "-o", "taken.txt"], expected: "-o taken.txt: "),
        Case(arguments: ["render", "nb.md", "-o", "taken.txt/out"], expected: "taken.txt is a file, not a folder (it is part of taken.txt/out)"),
        Case(arguments: ["render", "nb.md", "-o", ""], expected: "-o/--output needs a folder name, got an empty string"),
        Case(arguments: ["render", "folder"], expected: "folder is a folder, not a notebook"),
        Case(arguments: ["check", "folder"], expected: "folder is a folder, not a notebook"),
        Case(arguments: ["render", "nb.md", "--timeout", "-1"], expected: "--timeout -1.0 must be a number of seconds above 0"),
        Case(arguments: ["render", "nb.md", "--timeout", "0"], expected: "--timeout 0.0 must be a number of seconds above 0"),
        Case(arguments: ["render", "nb.md", "--timeout", "inf"], expected: "--timeout inf must be"),
        Case(arguments: ["render", "nb.md", "--timeout", "nan"], expected: "--timeout nan must be"),
        Case(arguments: ["render", "nb.md", "--timeout", "1e18"], expected: "--timeout 1e+18 must be"),
        Case(arguments: ["render", "nb.md", "--timeout", "1e300"], expected: "--timeout 1e+300 must be"),
        Case(arguments: ["render", "a/nb.md", "b/nb.md"], expected: "a/nb.md and b/nb.md would both be written to nb.html and nb.json"),
    ]

    func workspace() throws -> URL {
        let folder = try DataFixtures.temporaryDirectory("usage")
        for path in ["nb.md", "a/nb.md", "b/nb.md"] {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try "# Notebook\n\n```{eval}\n1 + 1\n```\n".write(to: url, atomically: true, encoding: .utf8)
        }
        try "not a folder".write(to: folder.appendingPathComponent("taken.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("folder"), withIntermediateDirectories: true)
        return folder
    }

    /// A value the run cannot take, with the notebook and the folder sound: exit 2, and the
    /// report and record say so in place of an earlier run's "ok".
    @Test func aBadOptionValueReplacesAnEarlierReportWithTheUsageError() throws {
        let folder = try workspace()
        #expect(try NBRunProcess.run(["render", "nb.md", "-q"], in: folder).status == 0)
        let result = try NBRunProcess.run(["render", "nb.md", "--timeout", "inf", "-q"], in: folder)
        #expect(result.status == 2)
        let message = "--timeout inf must be a number of seconds above 0"
        #expect(result.stderr.contains(message))
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("output/nb.json"))) as? [String: Any]
        #expect(record?["status"] as? String == "error" && record?["stop"] as? String == "usage-error")
        #expect((record?["errors"] as? [String])?.first?.contains(message) == true)
        let page = try String(contentsOf: folder.appendingPathComponent("output/nb.html"), encoding: .utf8)
        #expect(page.contains(message) && page.contains("The command line does not fit this notebook; nothing ran."))
    }

    @Test(arguments: cases)
    func isAUsageErrorBeforeAnyCellRuns(_ usage: Case) throws {
        let folder = try workspace()
        let result = try NBRunProcess.run(usage.arguments, in: folder)
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(usage.expected), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("Missing value"))
        // A bad value with a sound notebook and folder is said in the report; no other mistake writes one.
        let reported = usage.arguments.contains("--timeout") ? ["nb.html"] : []
        for output in ["output", "a", "b"].map({ folder.appendingPathComponent($0) }) {
            let written = (try? FileManager.default.contentsOfDirectory(atPath: output.path))?.filter { $0.hasSuffix(".html") } ?? []
            #expect(written == (output.lastPathComponent == "output" ? reported : []), "\(output.lastPathComponent) holds \(written)")
        }
        #expect(try String(contentsOf: folder.appendingPathComponent("taken.txt"), encoding: .utf8) == "not a folder")
    }

    @Test func theDefaultSubcommandStillTakesANotebook() throws {
        let folder = try workspace()
        try FileManager.default.copyItem(at: folder.appendingPathComponent("nb.md"), to: folder.appendingPathComponent("plain"))
        #expect(try NBRunProcess.run(["nb.md", "-q"], in: folder).status == 0)
        #expect(try NBRunProcess.run(["plain", "-q"], in: folder).status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("output/plain.html").path))
    }

    @Test func aFolderWhereTheReportGoesNamesThePath() throws {
        let folder = try workspace()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out/nb.html"), withIntermediateDirectories: true)
        let result = try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot write \(folder.appendingPathComponent("out/nb.html").standardizedFileURL.path): a folder of that name is in the way")
                || result.stderr.contains("out/nb.html: a folder of that name is in the way"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }
}
