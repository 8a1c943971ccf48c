import Foundation
import Testing
@testable import NotebookRunner

/// A notebook's file name decides where its report, record, image files and cache entries
/// go: whatever it is called, each of those is one component inside `-o`, and nothing there
/// that nbrun did not write is touched.
@Suite(.serialized) struct NotebookNameTests {
    static let names = [".md", "..md", "...md", "....md", ".nbrun-cache.md", ".hidden.md", "line\nbreak.md", "tab\tand\u{7F}.md",
                        String(repeating: "é", count: 120) + ".md", "-o.md", " .md", "ok.md"]

    @Test func namesAreOneSafeComponent() {
        #expect(NotebookParser.name(of: "notebooks/softmax-mnist.zh.md") == "softmax-mnist.zh")
        #expect(NotebookParser.name(of: "...md") == "_..")
        #expect(NotebookParser.name(of: "a/.md") == "_")
        #expect(NotebookParser.name(of: ".nbrun-cache.md") == "_.nbrun-cache")
        #expect(NotebookParser.name(of: "a\nb.md") == "a_b")
        for file in Self.names {
            let name = NotebookParser.name(of: file)
            #expect(!name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && name.utf8.count <= 200, "\(file) → \(name)")
            #expect(!name.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(file) → \(name)")
        }
    }

    /// Files in `-o` that are not nbrun's, some named as its cache entries are.
    static let strangers = ["precious.entry", String(repeating: "0", count: 64) + ".entry", ".nbrun-cache/precious.entry",
                            ".nbrun-cache/" + String(repeating: "a", count: 64) + ".entry", "data/precious.pgm", "keep.txt"]

    @Test(arguments: names)
    func everythingANotebookWritesStaysInsideTheOutputFolder(_ file: String) throws {
        let folder = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebookFolder = folder.appendingPathComponent("nb")
        try HostileInputTests.smallData(notebookFolder)
        try (HostileInputTests.load(images: "images", extra: ":split: train\n") + "\n```{show}\n:count: 2\n```\n\n" + HostileInputTests.eval("1 + 1"))
            .write(to: notebookFolder.appendingPathComponent(file), atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out")
        for path in Self.strangers {
            let url = output.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try "not nbrun's".write(to: url, atomically: true, encoding: .utf8)
        }
        let before = HostileInputTests.snapshot(folder)

        // Twice: the second run restores from the cache and removes entries it did not use.
        for (round, statuses) in [(1, ["ok", "ok", "ok"]), (2, ["cached", "cached", "cached"])] {
            let run = try HostileInputTests.run(["render", "-o", "../out", "-q", "--", file], in: folder)
            #expect(run.status == 0 && run.signal == nil, "\(file) round \(round): exit \(run.status): \(run.stderr)")
            let outside = (run.changedPaths ?? []).filter { !$0.hasPrefix(output.standardizedFileURL.path + "/") }
            #expect(outside.isEmpty, "\(file) round \(round): changed outside -o: \(outside.prefix(5))")
            #expect(HostileInputTests.snapshot(folder, skipping: "out") == before.filter { !$0.key.hasPrefix("out/") },
                    "\(file) round \(round): files outside -o changed")
            let after = HostileInputTests.snapshot(output)
            for path in Self.strangers {
                #expect(after[path] != nil && after[path] == before["out/" + path], "\(file) round \(round): \(path) was changed or removed")
            }
            // One report, its record and its image folder, each a plain entry of -o.
            let reports = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasSuffix(".html") }
            try #require(reports.count == 1, "\(file): reports \(reports)")
            let name = String(reports[0].dropLast(5))
            #expect(name == NotebookParser.name(of: file))
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent(name + ".json"))) as? [String: Any]
            #expect((record?["cells"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == statuses, "\(file) round \(round)")
            let images = after.keys.filter { $0.hasSuffix(".pgm") && $0 != "data/precious.pgm" }.sorted()
            #expect(images == ["\(name)/data/0-train-0000.pgm", "\(name)/data/1-train-0001.pgm"], "\(file) round \(round): \(images)")
            let entries = after.keys.filter { $0.hasSuffix(".entry") && !Self.strangers.contains($0) }
            #expect(entries.count == 3 && entries.allSatisfy { $0.hasPrefix(".nbrun-cache/\(name)/") }, "\(file) round \(round): \(entries)")
        }
    }
}
