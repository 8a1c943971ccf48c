import Foundation
import Testing
@testable import NotebookRunner

/// `nbrun data fetch` against a local HTTP server serving the real MNIST files: no network needed.
@Suite(.enabled(if: DataFixtures.hasMNIST && DataFixtures.hasFashionMNIST))
struct DatasetDownloaderTests {
    let fileNames = DatasetCatalog.mnist.fileNames.map { $0 + ".gz" }

    func withMirror(_ body: (MirrorServer, URL) async throws -> Void) async throws {
        let mirror = try MirrorServer(folder: DataFixtures.mnist,
                                            impostor: DataFixtures.fashionMNIST.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        let root = try DataFixtures.temporaryDirectory("fetch")
        defer { try? FileManager.default.removeItem(at: root) }
        defer { mirror.stop() }
        try await body(mirror, root)
    }

    /// The machine may be busy with every other test running in parallel: these fetches wait
    /// longer than a user's would.
    static let patient = DownloadLimits(overallSeconds: 900, stallSeconds: 120)

    /// MNIST with only its labels described, so a test moves 40 KB rather than 11 MB
    /// (the command-line test below fetches all four files).
    static let labelsOnly: DatasetCatalog.Entry = {
        var entry = DatasetCatalog.mnist
        entry.files = entry.files.filter { $0.key.contains("labels") }
        return entry
    }()

    @Test func fetchesVerifiesAndWritesTheFiles() async throws {
        try await withMirror { mirror, root in
            let downloader = DatasetDownloader(mirrors: [mirror.url("good")], limits: Self.patient)
            let outcome = try await offCooperativePool { try downloader.fetch(Self.labelsOnly, into: root) }
            let labels = ["train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
            #expect(outcome.folder.path == root.appendingPathComponent("mnist").path)
            #expect(outcome.downloaded == labels)
            for name in labels {
                let written = FileManager.default.contents(atPath: outcome.folder.appendingPathComponent(name).path)
                #expect(written == FileManager.default.contents(atPath: DataFixtures.mnist.appendingPathComponent(name).path))
            }
            // Nothing but the files: no temporary file is left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: outcome.folder.path).sorted() == labels.sorted())

            let again = try await offCooperativePool { try downloader.fetch(Self.labelsOnly, into: root) }
            #expect(again.downloaded.isEmpty && again.present == labels)
        }
    }

    @Test func aChecksumMismatchWritesNothingAndNamesTheFile() async throws {
        try await withMirror { mirror, root in
            let downloader = DatasetDownloader(mirrors: [mirror.url("corrupt")], limits: Self.patient)
            let error = await #expect(throws: Diagnostic.self) {
                try await offCooperativePool { try downloader.fetch(DatasetCatalog.mnist, into: root) }
            }
            let message = error?.message ?? ""
            #expect(message.contains("train-images-idx3-ubyte.gz"))
            #expect(message.contains("SHA-256"))
            #expect(message.contains("nothing written"))
            #expect(!message.contains("\n"))
            let folder = root.appendingPathComponent("mnist").path
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).isEmpty)
        }
    }

    @Test func aBadMirrorFallsThroughToTheNext() async throws {
        try await withMirror { mirror, root in
            let downloader = DatasetDownloader(mirrors: [mirror.url("corrupt"), mirror.url("missing"), mirror.url("good")], limits: Self.patient)
            let outcome = try await offCooperativePool { try downloader.fetch(Self.labelsOnly, into: root) }
            #expect(outcome.downloaded == ["train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"])
        }
    }

    @Test func anUnreachableHostFailsInOneLine() throws {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let downloader = DatasetDownloader(mirrors: [URL(string: "http://127.0.0.1:1/mnist/")!])
        let root = try DataFixtures.temporaryDirectory("offline")
        defer { try? FileManager.default.removeItem(at: root) }
        let error = #expect(throws: Diagnostic.self) { try downloader.fetch(DatasetCatalog.mnist, into: root) }
        #expect(error?.headline.hasPrefix("error: cannot fetch mnist: no network (could not reach 127.0.0.1)") == true)
        #expect(error?.hint == nil)
    }

    @Test func theCommandSaysWhereItPutTheFiles() async throws {
        try await withMirror { mirror, root in
            let good = mirror.url("good").absoluteString
            let result = try await offCooperativePool {
                try NBRunProcess.run(["data", "fetch", "mnist", "--to", root.path, "--mirror", good])
            }
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "mnist: downloaded 4 files (11.4 MB), SHA-256 verified, in \(root.appendingPathComponent("mnist").path)\n")
            for name in fileNames {
                let written = FileManager.default.contents(atPath: root.appendingPathComponent("mnist/\(name)").path)
                #expect(written == FileManager.default.contents(atPath: DataFixtures.mnist.appendingPathComponent(name).path))
            }
            let list = try await offCooperativePool {
                try NBRunProcess.run(["data", "list"], environment: ["NBRUN_DATA_DIR": root.path])
            }
            #expect(list.stdout.contains("mnist: found in \(root.appendingPathComponent("mnist").path)\n"))
            #expect(list.stdout.contains("NBRUN_DATA_DIR  \(root.appendingPathComponent("mnist").path): train and test splits"))
        }
    }

    @Test func theCommandFailsOfflineInOneLine() throws {
        let root = try DataFixtures.temporaryDirectory("offline-cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try NBRunProcess.run(["data", "fetch", "fashion-mnist", "--to", root.path, "--mirror", "http://127.0.0.1:1/"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: cannot fetch fashion-mnist: no network (could not reach 127.0.0.1); copy the four .gz files into \(root.appendingPathComponent("fashion-mnist").path) by hand\n")
    }
}

/// Where `data fetch` may fetch from: `http:`, `https:` and `file:` mirrors, and nothing else.
@Suite(.enabled(if: DataFixtures.hasMNIST))
struct MirrorSchemeTests {
    @Test func aFileMirrorIsReadLikeAnyOther() throws {
        let root = try DataFixtures.temporaryDirectory("file-mirror")
        defer { try? FileManager.default.removeItem(at: root) }
        let downloader = DatasetDownloader(mirrors: [URL(fileURLWithPath: DataFixtures.mnist.path, isDirectory: true)])
        let outcome = try downloader.fetch(DatasetDownloaderTests.labelsOnly, into: root)
        #expect(outcome.downloaded == ["train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"])
        #expect(FileManager.default.contents(atPath: outcome.folder.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path)
                == FileManager.default.contents(atPath: DataFixtures.mnistTestLabels.path))
    }

    @Test func aMissingFileMirrorSaysNotFoundNotNoNetwork() throws {
        let root = try DataFixtures.temporaryDirectory("file-mirror-missing")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try NBRunProcess.run(["data", "fetch", "mnist", "--to", root.path, "--mirror", "file://\(root.path)/nowhere/"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(root.path)/nowhere/train-images-idx3-ubyte.gz") && result.stderr.contains("not found"), "\(result.stderr)")
        #expect(!result.stderr.contains("no network"))
    }

    @Test(arguments: ["ftp://127.0.0.1/mnist/", "gopher://127.0.0.1/", "data:,x"])
    func anotherSchemeIsAUsageError(_ mirror: String) throws {
        let root = try DataFixtures.temporaryDirectory("scheme")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try NBRunProcess.run(["data", "fetch", "mnist", "--to", root.path, "--mirror", mirror])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("nbrun fetches from http:, https: or file: URLs"), "\(result.stderr)")
    }
}
