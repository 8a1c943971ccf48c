import Foundation
import Testing
@testable import NotebookRunner

/// A render removes the files an earlier render of the same notebook wrote into `-o` that
/// no cell writes any more — and nothing else.
@Suite(.serialized) struct StaleOutputTests {
    static let notebook = HostileInputTests.load(images: "images", extra: ":split: train\n") + """

        ```{show}
        :count: 2
        ```

        ```{exercise}
        :label: ex
        Show two more.
        ```

        ````{solution} ex
        ```{show}
        :start: 10
        :count: 2
        :format: ppm
        ```

        ```{train} softmax
        :epochs: 1
        ```

        ```{show} weights
        ```
        ````

        """

    /// The image files under `out/nb/`, relative to it.
    static func images(in folder: URL) -> [String] {
        HostileInputTests.snapshot(folder.appendingPathComponent("out/nb")).keys.filter { !$0.hasPrefix(".") }.sorted()
    }

    static let shown = ["data/0-train-0000.pgm", "data/1-train-0001.pgm"]

    @Test(arguments: [[], ["--no-cache"]])
    func theStudentEditionIntoTheSameFolderRemovesTheSolutionsFiles(_ extra: [String]) throws {
        let folder = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        try HostileInputTests.smallData(folder.appendingPathComponent("nb"))
        try Self.notebook.write(to: folder.appendingPathComponent("nb/nb.md"), atomically: true, encoding: .utf8)
        let render = { (arguments: [String]) in try HostileInputTests.run(["render", "nb.md", "-o", "../out", "-q"] + extra + arguments, in: folder) }

        let full = try render([])
        #expect(full.status == 0, "\(full.stderr)")
        let fullImages = Self.images(in: folder)
        #expect(Set(Self.shown + ["data/0-train-0010.ppm", "data/1-train-0011.ppm"]).isSubset(of: fullImages), "\(fullImages)")
        #expect(fullImages.contains { $0.hasPrefix("weights/") }, "\(fullImages)")
        // Files that are not nbrun's, in its folders: they stay.
        for path in ["data/mine.pgm", "weights/notes.txt", "other/keep.txt"] {
            let url = folder.appendingPathComponent("out/nb/\(path)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try "mine".write(to: url, atomically: true, encoding: .utf8)
        }

        let student = try render(["--student"])
        #expect(student.status == 0, "\(student.stderr)")
        #expect(Self.images(in: folder) == Self.shown + ["data/mine.pgm", "other/keep.txt", "weights/notes.txt"])
        let outside = (student.changedPaths ?? []).filter { !$0.hasPrefix(folder.appendingPathComponent("out").path + "/") }
        #expect(outside.isEmpty, "\(outside)")

        // The full edition again writes them again; then without the user's files, the
        // student's edition leaves no empty folder behind.
        #expect(try render([]).status == 0)
        #expect(Set(fullImages).isSubset(of: Self.images(in: folder)))
        for path in ["data/mine.pgm", "weights/notes.txt", "other/keep.txt"] {
            try FileManager.default.removeItem(at: folder.appendingPathComponent("out/nb/\(path)"))
        }
        #expect(try render(["--student"]).status == 0)
        #expect(Self.images(in: folder) == Self.shown)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/nb/weights").path))
    }

    /// A list of files planted in `-o` cannot make nbrun remove anything a cell could not
    /// have written, nor follow a link: paths that climb out, links in its place.
    @Test func aPlantedListRemovesNothingOutsideTheCellsFolders() throws {
        let folder = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        try HostileInputTests.smallData(folder.appendingPathComponent("nb"))
        try (HostileInputTests.load(images: "images", extra: ":split: train\n") + "\n```{show}\n:count: 1\n```\n")
            .write(to: folder.appendingPathComponent("nb/nb.md"), atomically: true, encoding: .utf8)
        let assets = folder.appendingPathComponent("out/nb")
        try FileManager.default.createDirectory(at: assets, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: assets.appendingPathComponent("planted"),
                                                   withDestinationURL: folder.appendingPathComponent("outside"))
        let listed = ["../../outside/precious.txt", "planted/precious.txt", "/etc/passwd", "data/../../x", "..", "data"]
        try JSONEncoder().encode(listed).write(to: assets.appendingPathComponent(AssetManifest.fileName))
        let before = HostileInputTests.snapshot(folder)
        let run = try HostileInputTests.run(["render", "nb.md", "-o", "../out", "-q"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(HostileInputTests.snapshot(folder, skipping: "out") == before.filter { !$0.key.hasPrefix("out/") })
        #expect(before["out/nb/planted"] != nil && HostileInputTests.snapshot(folder)["out/nb/planted"] == before["out/nb/planted"])
    }
}
