import Foundation
import Testing
@testable import NotebookRunner
import ZlibBindings

/// Every kind of bad input fails cleanly: `file:line:col: error:` naming the file,
/// exit status 1 (2 for usage), a report still written, no signal, no hang.
@Suite struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        /// What stderr must contain (after the file name).
        var expected: String
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ expected: String) {
            self.init(name, Array(text.utf8), expected)
        }

        init(_ name: String, _ bytes: [UInt8], _ expected: String) {
            self.name = name
            self.bytes = bytes
            self.expected = expected
        }
    }

    static let cases: [Case] = [
        Case("empty file", "", "bad.md:1:1: error: the notebook is empty"),
        Case("only blank lines", "\n\n  \n", "bad.md:1:1: error: the notebook is empty"),
        Case("non-UTF-8 bytes", Array("# Title\n\nna".utf8) + [0xEF, 0xBB] + Array("x\n".utf8), "bad.md:3:3: error: the notebook is not valid UTF-8"),
        Case("UTF-16LE with a byte-order mark", [0xFF, 0xFE] + utf16("# Title\n", bigEndian: false),
             "bad.md:1:1: error: the notebook is UTF-16LE text (it starts with a UTF-16LE byte-order mark); nbrun reads UTF-8"),
        Case("UTF-16BE with a byte-order mark", [0xFE, 0xFF] + utf16("# Title\n", bigEndian: true),
             "bad.md:1:1: error: the notebook is UTF-16BE text"),
        Case("UTF-16LE without a byte-order mark", utf16("# Title\n\n```{show}\n```\n", bigEndian: false),
             "bad.md:1:2: error: the notebook contains a NUL byte at offset 1 (it looks like UTF-16LE text)"),
        Case("a NUL byte in the text", Array("# Title\n\nSome text".utf8) + [0] + Array(" here\n".utf8),
             "bad.md:3:10: error: the notebook contains a NUL byte at offset 18; nbrun reads UTF-8"),
        Case("front matter never closed", "---\ntitle: x\n\n# Body\n", "bad.md:1:1: error: the front matter opened here is never closed"),
        Case("invalid YAML", "---\ntitle: [unclosed\n---\n", "bad.md:"),
        Case("unterminated fence", "# T\n\n```{show}\n:count: 2\n", "bad.md:3:1: error: the code fence opened here is never closed"),
        Case("unknown directive", "```{lod} mnist\n```\n", "bad.md:1:4: error: unknown directive {lod}"),
        Case("unknown option", "```{show}\n:cuont: 3\n```\n", "bad.md:2:1: error: unknown option :cuont: for {show}"),
        Case("bad integer", "```{show}\n:count: abc\n```\n", "bad.md:2:9: error: option :count: expects an integer, got 'abc'"),
        Case("negative count", "```{show}\n:count: -3\n```\n", "bad.md:2:9: error: option :count: is -3"),
        Case("huge number", "```{show}\n:count: 99999999999999999999999\n```\n", "bad.md:2:9: error: option :count: expects an integer"),
        Case("bad timeout", "```{show}\n:timeout: soon\n```\n", "bad.md:2:11: error: option :timeout: expects a number, got 'soon'"),
        Case("duplicate label", "```{show}\n:label: a\n```\n\n```{show}\n:label: a\n```\n", "bad.md:6:9: error: label 'a' is already used"),
        Case("negative epochs", "```{train} softmax\n:epochs: -3\n```\n", "bad.md:2:10: error: option :epochs: is -3"),
        Case("learning rate not a number", "```{train} softmax\n:lr: abc\n```\n", "bad.md:2:6: error: option :lr: expects a number, got 'abc'"),
        Case("huge epochs", "```{train} softmax\n:epochs: 1e99\n```\n", "bad.md:2:10: error: option :epochs: expects an integer"),
        Case("huge learning rate literal", "```{train} softmax\n:lr: 1e999\n```\n", "bad.md:2:6: error: option :lr: expects a number"),
        Case("training without data", "```{train} softmax\n```\n", "bad.md:1:4: error:"),
        Case("missing data files", "```{load}\n:images: none-images\n:labels: none-labels\n```\n", "bad.md:2:10: error:"),
    ]

    static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        text.utf16.flatMap { unit in bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    }

    /// After a good render, the bad notebook replaces both the report and the record.
    @Test(arguments: cases)
    func failsCleanly(_ badCase: Case) throws {
        let folder = try DataFixtures.temporaryDirectory("bad")
        try "# Fine\n\nNothing to run.\n".write(to: folder.appendingPathComponent("bad.md"), atomically: true, encoding: .utf8)
        let good = try NBRunProcess.run(["render", "bad.md", "-o", "out", "-q"], in: folder)
        #expect(good.status == 0, "\(good.stderr)")

        try Data(badCase.bytes).write(to: folder.appendingPathComponent("bad.md"))
        let result = try NBRunProcess.run(["render", "bad.md", "-o", "out", "-q"], in: folder)
        #expect(result.status == 1, "exit status \(result.status) for \(badCase.name)")
        #expect(result.stderr.contains(badCase.expected), "stderr was: \(result.stderr)")
        let html = try String(contentsOf: folder.appendingPathComponent("out/bad.html"), encoding: .utf8)
        #expect(!html.contains("Nothing to run."))
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/bad.json"))) as? [String: Any]
        #expect(record?["status"] as? String == "error")
        let errors = record?["errors"] as? [String] ?? (record?["cells"] as? [[String: Any]])?.compactMap { $0["error"] as? String } ?? []
        #expect(errors.contains { $0.contains(badCase.expected) }, "record errors: \(errors)")
    }

    @Test func aUsageErrorReplacesTheReportAndTheRecord() throws {
        let folder = try DataFixtures.temporaryDirectory("usage")
        try "# Fine\n".write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        #expect(try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q"], in: folder).status == 0)
        let result = try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q", "-p", "nosuch=1"], in: folder)
        #expect(result.status == 2)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/nb.json"))) as? [String: Any]
        #expect(record?["status"] as? String == "error")
        #expect(record?["stop"] as? String == "usage-error")
        #expect((record?["errors"] as? [String])?.first?.contains("unknown parameter 'nosuch'") == true)
        let html = try String(contentsOf: folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
        #expect(html.contains("unknown parameter"))
    }

    @Test func divergingTrainingNamesTheEpochAndSuggestsASmallerRate() throws {
        let folder = try DataFixtures.temporaryDirectory("diverge")
        _ = try DataFixtures.write(DataFixtures.imagesFile(count: 40, rows: 4, cols: 4), to: folder.appendingPathComponent("images"))
        _ = try DataFixtures.write(DataFixtures.labelsFile((0..<40).map { UInt8($0 % 10) }), to: folder.appendingPathComponent("labels"))
        try """
        ```{load}
        :images: images
        :labels: labels
        :split: train
        ```

        ```{train} softmax
        :lr: 1e38
        :epochs: 3
        :batch: 8
        ```
        """.write(to: folder.appendingPathComponent("diverge.md"), atomically: true, encoding: .utf8)
        let result = try NBRunProcess.run(["render", "diverge.md", "-o", "out", "-q"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("diverge.md:7:4: error: training diverged in epoch 1"), "\(result.stderr)")
        #expect(result.stderr.contains("hint:") && result.stderr.contains("smaller"), "\(result.stderr)")
    }

    @Test func badIDXFilesNameTheFile() throws {
        let folder = try DataFixtures.temporaryDirectory("bad-idx")
        // A labels file given as images, a truncated gzip and a count mismatch.
        let labels = DataFixtures.labelsFile([1, 2, 3])
        _ = try DataFixtures.write(labels, to: folder.appendingPathComponent("labels"))
        let images = DataFixtures.imagesFile(count: 4)
        _ = try DataFixtures.write(images, to: folder.appendingPathComponent("images"))
        let gzip = try Zlib.deflate(images, format: .gzip)
        _ = try DataFixtures.write(Array(gzip.prefix(gzip.count / 2)), to: folder.appendingPathComponent("cut.gz"))
        let notebooks = [
            ("swapped", ":images: labels\n:labels: labels", "'labels' has magic 2049"),
            ("truncated", ":images: cut.gz\n:labels: labels", "'cut.gz' is a truncated .gz"),
            ("mismatch", ":images: images\n:labels: labels", "labels"),
        ]
        for (name, options, expected) in notebooks {
            try "```{load}\n\(options)\n```\n".write(to: folder.appendingPathComponent("\(name).md"), atomically: true, encoding: .utf8)
            let result = try NBRunProcess.run(["render", "\(name).md", "-o", "out", "-q"], in: folder)
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("\(name).md:2:10: error:"), "\(result.stderr)")
            #expect(result.stderr.contains(expected), "\(result.stderr)")
        }
    }
}
