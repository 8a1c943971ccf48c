import Foundation
import Testing
@testable import NotebookRunner

/// The built binary on real files: real cmark, real IDX data, real output files.
@Suite struct EndToEndTests {
    func workspace() throws -> URL {
        try DataFixtures.temporaryDirectory("e2e")
    }

    func write(_ text: String, _ name: String, in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "needs ../shared/data/mnist"))
    func firstTestImageIsASevenPixelForPixel() throws {
        let folder = try workspace()
        _ = try write("""
        ---
        title: MNIST test digits
        ---
        # The first ten test images

        ```{load} mnist
        :split: test
        ```

        ```{show} test
        :start: 0
        :count: 10
        ```
        """, "digits.md", in: folder)
        let result = try NBRunProcess.run(["render", "digits.md", "-o", "out", "--data-dir", DataFixtures.sharedData.path], in: folder)
        #expect(result.status == 0, "\(result.stderr)")

        // The IDX bytes of test image 0, read independently of the pipeline (gzip -dc).
        let raw = try DataFixtures.gunzip(DataFixtures.mnistTestImages)
        let image0 = Array(raw[16..<(16 + 784)])

        let assets = folder.appendingPathComponent("out/digits")
        let files = try FileManager.default.subpathsOfDirectory(atPath: assets.path).filter { $0.hasSuffix(".pgm") }.sorted()
        let first = try #require(files.first { $0.hasSuffix("0000.pgm") }, "no PGM for image 0 in \(files)")
        #expect(first.contains("7-"), "image 0 is a 7: \(first)")
        let pgm = try NetpbmReader.decode([UInt8](Data(contentsOf: assets.appendingPathComponent(first))))
        #expect(pgm.width == 28 && pgm.height == 28)
        #expect(pgm.pixels == image0)

        let html = try String(contentsOf: folder.appendingPathComponent("out/digits.html"), encoding: .utf8)
        let marker = "data:image/png;base64,"
        let start = try #require(html.range(of: marker))
        let base64 = html[start.upperBound...].prefix { $0 != "\"" }
        let png = try #require(Data(base64Encoded: String(base64)))
        if IndependentPNGDecoder.isAvailable {
            let decoded = try IndependentPNGDecoder.decode([UInt8](png))
            #expect(decoded.width == 28 && decoded.height == 28)
            #expect(decoded.pixels == image0)
        }
        #expect(html.contains("<figcaption>7</figcaption>"))

        // Nothing external: no scripts, no remote URLs, a policy that forbids fetching.
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || !html.contains("src=\"http"))
        #expect(html.contains("default-src 'none'"))

        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/digits.json"))) as? [String: Any]
        #expect(record?["status"] as? String == "ok")
        #expect((record?["cells"] as? [[String: Any]])?.map { $0["status"] as? String } == ["ok", "ok"])
    }

    @Test func unknownDirectiveFailsAtItsLineAndTheReportIsStillWritten() throws {
        let folder = try workspace()
        _ = try write("# Title\n\nText.\n\n```{shwo}\n:count: 3\n```\n", "typo.md", in: folder)
        let result = try NBRunProcess.run(["render", "typo.md", "-o", "out"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("typo.md:5:4: error: unknown directive {shwo}"))
        #expect(result.stderr.contains("did you mean {show}?"))
        let html = try String(contentsOf: folder.appendingPathComponent("out/typo.html"), encoding: .utf8)
        #expect(html.contains("typo.md:5:4: error: unknown directive {shwo}"))
    }

    @Test func missingDataFailsWithTheFileAndAHint() throws {
        let folder = try workspace()
        _ = try write("```{load}\n:images: nowhere/images.gz\n:labels: nowhere/labels.gz\n```\n", "missing.md", in: folder)
        let result = try NBRunProcess.run(["render", "missing.md", "-o", "out"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("missing.md:"))
        #expect(result.stderr.contains("images.gz"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/missing.html").path))
    }

    @Test func unreadableNotebooksStillGetAReport() throws {
        let folder = try workspace()
        _ = try write("---\ntitle: never closed\n\nBody\n", "open.md", in: folder)
        let result = try NBRunProcess.run(["render", "open.md", "-o", "out"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("open.md:1:1: error: the front matter opened here is never closed"))
        let html = try String(contentsOf: folder.appendingPathComponent("out/open.html"), encoding: .utf8)
        #expect(html.contains("never closed"))
    }

    @Test func missingNotebookAndUsageErrors() throws {
        let folder = try workspace()
        let missing = try NBRunProcess.run(["render", "nope.md", "-o", "out"], in: folder)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.md:1:1: error: no such notebook"))
        let usage = try NBRunProcess.run(["render"], in: folder)
        #expect(usage.status == 2)
        let badFlag = try NBRunProcess.run(["render", "x.md", "--no-such-flag"], in: folder)
        #expect(badFlag.status == 2)
        let badTimeout = try NBRunProcess.run(["render", "x.md", "--timeout", "-1"], in: folder)
        #expect(badTimeout.status == 2)
    }

    @Test func checkValidatesWithoutRunning() throws {
        let folder = try workspace()
        _ = try write("```{show}\n:count: many\n```\n", "bad.md", in: folder)
        _ = try write("```{show}\n:count: 3\n```\n", "good.md", in: folder)
        let bad = try NBRunProcess.run(["check", "bad.md"], in: folder)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.md:2:9: error: option :count: expects an integer, got 'many'"))
        let good = try NBRunProcess.run(["check", "good.md"], in: folder)
        #expect(good.status == 0)
        #expect(good.stdout.contains("good.md: ok"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("output").path))
    }

    @Test func helpListsTheDirectivesAndTheirOptions() throws {
        let help = try NBRunProcess.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("{load}"))
        #expect(help.stdout.contains(":per-class:"))
        #expect(help.stdout.contains("EXIT STATUS"))
    }

    @Test func parametersOverrideFrontMatterAndUnknownOnesAreUsageErrors() throws {
        let folder = try workspace()
        _ = try write("---\ncount: 2\n---\n\n```{echo-free}\n```\n", "unused.md", in: folder)
        _ = try write("---\nlimit: 5\n---\n\n```{load}\n:images: d/images\n:labels: d/labels\n```\n", "params.md", in: folder)
        try DataFixtures.writeImagesAndLabels(count: 20, in: folder)

        let unknown = try NBRunProcess.run(["render", "params.md", "-o", "out", "-p", "limt=3"], in: folder)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("error: unknown parameter 'limt' (-p limt=3)"))
        #expect(unknown.stderr.contains("did you mean 'limit'?"))

        let fromFrontMatter = try NBRunProcess.run(["render", "params.md", "-o", "out"], in: folder)
        #expect(fromFrontMatter.status == 0, "\(fromFrontMatter.stderr)")
        #expect(try metric("train_count", in: folder.appendingPathComponent("out/params.json")) == 5)

        let overridden = try NBRunProcess.run(["render", "params.md", "-o", "out", "-p", "limit=3"], in: folder)
        #expect(overridden.status == 0, "\(overridden.stderr)")
        #expect(try metric("train_count", in: folder.appendingPathComponent("out/params.json")) == 3)
        let html = try String(contentsOf: folder.appendingPathComponent("out/params.html"), encoding: .utf8)
        #expect(html.contains("<code>limit=3</code>"))
    }

    /// `-p` sets an option only where it inherits; a cell option nobody inherits is a usage error, never ignored.
    @Test func parametersAreAppliedOrRefused() throws {
        let folder = try workspace()
        _ = try write("```{load}\n:images: d/images\n:labels: d/labels\n```\n\n```{show}\n:label: shown\n```\n\n```{show}\n:count: 2\n```\n",
                      "show.md", in: folder)
        try DataFixtures.writeImagesAndLabels(count: 20, in: folder)

        let seven = try NBRunProcess.run(["render", "show.md", "-o", "out", "-p", "count=7"], in: folder)
        #expect(seven.status == 0, "\(seven.stderr)")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/show.json"))) as? [String: Any]
        let cells = try #require(record?["cells"] as? [[String: Any]])
        // The cell without :count: shows 7; the cell's own :count: 2 wins over -p.
        #expect((cells[1]["metrics"] as? [String: Any])?["images_shown"] as? Double == 7)
        #expect((cells[2]["metrics"] as? [String: Any])?["images_shown"] as? Double == 2)

        let split = try NBRunProcess.run(["render", "show.md", "-o", "out", "-p", "split=test"], in: folder)
        #expect(split.status == 2)
        #expect(split.stderr.contains("error: unknown parameter 'split' (-p split=test): :split: of {load}, {show}, {evaluate}, {eval}, {gradcheck}, {idx-header}, {plot} is set in each cell, not by -p"))
        #expect(split.stderr.contains("-p sets these: "))
        #expect(split.stderr.contains("count"))
        let samples = try NBRunProcess.run(["render", "show.md", "-o", "out", "-p", "samples=5"], in: folder)
        #expect(samples.status == 2)
        #expect(samples.stderr.contains("unknown parameter 'samples'"))
    }

    func metric(_ name: String, in record: URL) throws -> Double? {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: record)) as? [String: Any]
        let cells = json?["cells"] as? [[String: Any]]
        return (cells?.first?["metrics"] as? [String: Any])?[name] as? Double
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "needs ../shared/data/mnist"))
    func reproducibleRendersAreByteIdentical() throws {
        let folder = try workspace()
        _ = try write("""
        ---
        title: Same bytes twice
        seed: 1
        ---
        ```{load} mnist
        :split: test
        :limit: 50
        ```

        ```{show}
        :per-class: 1
        ```
        """, "same.md", in: folder)
        let environment = ["SOURCE_DATE_EPOCH": "0"]
        for out in ["a", "b"] {
            let result = try NBRunProcess.run(["render", "same.md", "-o", out, "--no-cache", "--data-dir", DataFixtures.sharedData.path],
                                              in: folder, environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let a = try Data(contentsOf: folder.appendingPathComponent("a/same.html"))
        let b = try Data(contentsOf: folder.appendingPathComponent("b/same.html"))
        #expect(a == b)
        let html = String(decoding: a, as: UTF8.self)
        #expect(!html.contains(folder.path))
        #expect(!html.contains(" ms<") && !html.contains(" s</span>"))
    }
}
