import Foundation
import Testing
@testable import NotebookRunner

/// What nbrun changed or suspects is said at the cell: a loss that ran away, a value
/// clamped to what the data allows, a data set replaced by a later {load}.
@Suite struct PlainMessagesTests {
    static func workspace() throws -> URL {
        let folder = try DataFixtures.temporaryDirectory("messages")
        _ = try DataFixtures.write(DataFixtures.imagesFile(count: 40), to: folder.appendingPathComponent("images"))
        _ = try DataFixtures.write(DataFixtures.labelsFile((0..<40).map { UInt8($0 % 10) }), to: folder.appendingPathComponent("labels"))
        return folder
    }

    static let load = "```{load}\n:images: images\n:labels: labels\n:split: train\n```\n\n"

    @Test func aRunawayLossIsAWarningNamingTheEpoch() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        try (Self.load + "```{train} softmax\n:lr: 1e9\n:epochs: 3\n:batch: 100\n```\n")
            .write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let result = try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q"], in: folder)
        #expect(result.status == 0)
        #expect(result.stderr.contains("nb.md:7:4: warning: the training loss reached "), "\(result.stderr)")
        #expect(result.stderr.contains("far above its first value") && result.stderr.contains("in epoch "))
        #expect(result.stderr.contains("try a smaller one, e.g. :lr: 1e+08"))
        let html = try String(contentsOf: folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
        #expect(html.contains("far above its first value"))
        // A sane rate gives no such warning, and the batch larger than the split is said.
        try (Self.load + "```{train} softmax\n:lr: 0.1\n:epochs: 2\n:batch: 100\n```\n")
            .write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let sane = try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q"], in: folder)
        #expect(!sane.stderr.contains("warning"), "\(sane.stderr)")
        let saneHTML = try String(contentsOf: folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
        #expect(saneHTML.contains("batch 40: the whole split, as :batch: 100 is larger"))
    }

    @Test func clampedSamplesAndAReplacedDataSetAreSaid() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        try (Self.load + "```{gradcheck} softmax-regression\n:samples: 12000\n```\n\n"
             + "```{load}\n:images: images\n:labels: labels\n:name: again\n```\n")
            .write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let result = try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOf: folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
        #expect(html.contains("40 rows of data train — all of them: :samples: asked for 12,000"))
        #expect(html.contains("Later cells now use &#39;again&#39; instead of &#39;data&#39;") || html.contains("Later cells now use 'again' instead of 'data'"))
    }
}
