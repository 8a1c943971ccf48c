import Foundation
import Testing
@testable import NotebookRunner

/// `nbrun build` as a user runs it: Ctrl-C stops the workers and leaves the finished pages and a
/// partial build record (exit 130); the instructor's build exits 1 at a solution that fails;
/// `--pdf` without Chromium is a usage error naming the package, before anything is written.
@Suite struct BuildCommandTests {
    func course(_ files: [String: String]) throws -> URL {
        let folder = try DataFixtures.temporaryDirectory("build")
        for (path, text) in files {
            let url = folder.appendingPathComponent("course/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return folder
    }

    static let manifest = """
        version: 1
        project:
          title: Signals
          toc:
            - file: quick.md
            - file: long.md
            - file: later.md
        """

    @Test(.enabled(if: DataFixtures.hasFashionMNIST, "needs /usr/share/datasets/fashion-mnist"))
    func ctrlCStopsTheBuildAndLeavesTheFinishedPagesAndARecord() throws {
        let folder = try course(["myst.yml": Self.manifest, "quick.md": SignalTests.quick, "long.md": SignalTests.long,
                                 "later.md": "# Later\n\n```{eval}\n:label: x\n1 + 1\n```\n"])
        let data = DataFixtures.fashionMNIST.deletingLastPathComponent().path
        let result = try NBRunProcess.run(["build", "course", "-o", "out", "-j", "1", "--data-dir", data], in: folder,
                                          sending: SIGINT, when: "built course/quick.md")
        #expect(result.status == 130, "\(result.stderr)")
        let out = folder.appendingPathComponent("out")
        let quick = try String(contentsOf: out.appendingPathComponent("quick.html"), encoding: .utf8)
        #expect(quick.contains("Three is"), "the finished page is written")
        let record = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("build.json"))) as? [String: Any])
        #expect((record["stop"] as? String)?.hasPrefix("interrupted") == true, "\(record["stop"] ?? "")")
        let pages = try #require(record["pages"] as? [[String: Any]])
        let statuses = pages.map { $0["status"] as? String ?? "" }
        // The long page was running or about to start when the signal came; the last never started.
        #expect(statuses.count == 3 && statuses[0] == "finished" && ["interrupted", "not-started"].contains(statuses[1])
                && statuses[2] == "not-started", "\(statuses)")
        #expect(result.stderr.contains("error: interrupted (Ctrl-C, SIGINT)") && result.stderr.contains("of 3 pages not built"), "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("long.html").path))
    }

    @Test func instructorBuildExitsOneAtTheFailingSolution() throws {
        let folder = try course(EditionTests.files(gradient: "3 * A"))
        let result = try NBRunProcess.run(["build", "course", "-o", "out", "-q"], in: folder)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("course/two.md:13:1: error: the solution to exercise 'ex-grad' fails"), "\(result.stderr)")
        let student = try NBRunProcess.run(["build", "course", "-o", "student", "-q", "--student"], in: folder)
        #expect(student.status == 0, "\(student.stderr)")
    }

    @Test func pdfWithoutChromiumNamesThePackageAndWritesNothing() throws {
        let folder = try course(["myst.yml": "version: 1\nproject:\n  title: T\n  toc:\n    - file: a.md\n", "a.md": "# A\n"])
        let empty = folder.appendingPathComponent("no-binaries")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let result = try NBRunProcess.run(["build", "course", "-o", "out", "--pdf"], in: folder, environment: ["PATH": empty.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("apt-get install chromium"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }
}
