import Foundation
import Testing
@testable import NotebookRunner

/// `data fetch`, `data list` and `{load}` judge the same file: the one `{load}` reads, which is
/// the uncompressed file when both it and the `.gz` are there. A junk uncompressed file beside
/// a good `.gz` makes fetch fail and list flag it, as `{load}` fails on it.
@Suite(.enabled(if: DataFixtures.hasMNIST))
struct FetchListLoadAgreementTests {
    /// `root/mnist` with the four real `.gz` files and `junk` as the raw `name`.
    func folder(junk: [UInt8], as name: String) throws -> URL {
        let root = try DataFixtures.temporaryDirectory("agreement")
        let folder = root.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in DatasetCatalog.mnist.fileNames.map({ $0 + ".gz" }) {
            try FileManager.default.copyItem(at: DataFixtures.mnist.appendingPathComponent(file), to: folder.appendingPathComponent(file))
        }
        try DataFixtures.write(junk, to: folder.appendingPathComponent(name))
        return root
    }

    /// Junk that is no IDX file, which `{load}` refuses; and a well-formed labels file that is
    /// not MNIST's, which `{load}` reads as it is — both flagged by fetch and list.
    enum Junk: String, CaseIterable {
        case notIDX, otherLabels

        var bytes: [UInt8] {
            switch self {
            case .notIDX: Array("not an IDX file\n".utf8)
            case .otherLabels: DataFixtures.labelsFile([UInt8](repeating: 3, count: 10_000))
            }
        }
    }

    @Test(arguments: Junk.allCases)
    func aJunkRawFileBesideAVerifiedGzipIsFlaggedByFetchListAndLoad(_ junk: Junk) async throws {
        let loadFails = junk == .notIDX
        let root = try folder(junk: junk.bytes, as: "t10k-labels-idx1-ubyte")
        defer { try? FileManager.default.removeItem(at: root) }
        let raw = root.appendingPathComponent("mnist/t10k-labels-idx1-ubyte").path

        var entry = DatasetCatalog.mnist
        entry.files = entry.files.filter { $0.key.contains("labels") }
        let downloader = DatasetDownloader(mirrors: [URL(fileURLWithPath: DataFixtures.mnist.path, isDirectory: true)])
        let error = #expect(throws: Diagnostic.self) { try downloader.fetch(entry, into: root) }
        #expect(error?.message.contains(raw) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("{load} reads it before the .gz") == true)

        let list = try await offCooperativePool { try NBRunProcess.run(["data", "list", "--data-dir", root.path]) }
        #expect(list.stdout.contains("mnist: found in \(root.path)/mnist, but {load} would read files there that are not mnist's: t10k-labels-idx1-ubyte "),
                "\(list.stdout)")
        #expect(list.stdout.contains("--data-dir      \(root.path)/mnist: train and test splits (1 not the published file)"), "\(list.stdout)")

        let notebook = root.appendingPathComponent("nb.md")
        try "# Load\n\n```{load} mnist\n:split: test\n```\n".write(to: notebook, atomically: true, encoding: .utf8)
        let load = try await offCooperativePool {
            try NBRunProcess.run(["render", "nb.md", "--data-dir", root.path, "-q"], in: root)
        }
        if loadFails {
            #expect(load.status != 0)
            #expect(load.stderr.contains(raw), "\(load.stderr)")
        } else {
            // MNIST's first test label is 7; the raw file's are all 3.
            let record = try String(contentsOf: root.appendingPathComponent("output/nb.json"), encoding: .utf8)
            #expect(record.contains("\"test_first_label\" : 3"), "{load} read the raw file: \(record)")
        }
    }
}
