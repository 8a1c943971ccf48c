import Foundation
import Testing
@testable import NotebookRunner
import ZlibBindings

@Suite struct IDXReaderRealDataTests {
    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func readsTheMNISTTestSet() throws {
        let images = try IDXReader.readImages(at: DataFixtures.mnistTestImages)
        #expect(images.count == 10_000)
        #expect(images.rows == 28 && images.cols == 28)
        #expect(images.pixels.count == 10_000 * 28 * 28)
        let stats = PixelStatistics(images.pixels)
        #expect(abs(stats.mean - 0.1325) < 0.00005)
        #expect(abs(stats.standardDeviation - 0.3105) < 0.00005)

        let labels = try IDXReader.readLabels(at: DataFixtures.mnistTestLabels)
        #expect(labels.count == 10_000)
        #expect(Array(labels.prefix(10)) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
        let counts = labels.reduce(into: [Int](repeating: 0, count: 10)) { $0[Int($1)] += 1 }
        #expect(counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST training labels not found at ../shared/data/mnist"))
    func readsTheMNISTTrainingLabels() throws {
        let labels = try IDXReader.readLabels(at: DataFixtures.mnistTrainLabels)
        #expect(labels.count == 60_000)
        #expect(Array(labels.prefix(10)) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    }

    @Test(.enabled(if: DataFixtures.hasMNIST, "MNIST test set not found at ../shared/data/mnist"))
    func rawAndCompressedFilesReadTheSame() throws {
        let folder = try DataFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let compressed = try [UInt8](Data(contentsOf: DataFixtures.mnistTestLabels))
        let raw = try Zlib.inflate(compressed, format: .gzip)
        let rawURL = try DataFixtures.write(raw, to: folder.appendingPathComponent("t10k-labels-idx1-ubyte"))
        #expect(try IDXReader.readLabels(at: rawURL) == IDXReader.readLabels(at: DataFixtures.mnistTestLabels))
    }
}

@Suite final class IDXReaderErrorTests {
    let folder: URL

    init() throws {
        folder = try DataFixtures.temporaryDirectory("idx")
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Writes `bytes` as `name` in the test folder.
    func file(_ name: String, _ bytes: [UInt8]) throws -> URL {
        try DataFixtures.write(bytes, to: folder.appendingPathComponent(name))
    }

    /// The diagnostic of reading `url` as `kind`; it must name the file and carry a hint.
    func failure(_ url: URL, as kind: IDXReader.Kind) -> Diagnostic? {
        let diagnostic = DataFixtures.diagnostic {
            switch kind {
            case .images: _ = try IDXReader.readImages(at: url)
            case .labels: _ = try IDXReader.readLabels(at: url)
            }
        }
        #expect(diagnostic?.message.contains(url.path) == true, "message names the file: \(String(describing: diagnostic))")
        #expect(diagnostic?.hint != nil)
        #expect(diagnostic?.message.contains("\n") == false)
        return diagnostic
    }

    @Test func readsGeneratedFilesRawAndCompressed() throws {
        let bytes = DataFixtures.imagesFile(count: 5)
        let raw = try file("images", bytes)
        let gz = try file("images.gz", try Zlib.deflate(bytes, format: .gzip))
        let fromRaw = try IDXReader.readImages(at: raw)
        let fromGz = try IDXReader.readImages(at: gz)
        #expect(fromRaw.count == 5 && fromRaw.rows == 4 && fromRaw.cols == 3)
        #expect(fromRaw.pixels == Array(bytes.dropFirst(16)))
        #expect(fromGz.pixels == fromRaw.pixels)
    }

    @Test func missingFile() {
        let diagnostic = failure(folder.appendingPathComponent("t10k-images-idx3-ubyte.gz"), as: .images)
        #expect(diagnostic?.message.contains("not found") == true)
    }

    @Test func truncatedGzip() throws {
        let compressed = try Zlib.deflate(DataFixtures.imagesFile(count: 50), format: .gzip)
        let url = try file("cut.gz", Array(compressed.prefix(compressed.count - 30)))
        let diagnostic = failure(url, as: .images)
        #expect(diagnostic?.message.contains("truncated .gz") == true)
    }

    @Test func corruptGzip() throws {
        var compressed = try Zlib.deflate(DataFixtures.imagesFile(count: 50), format: .gzip)
        compressed[compressed.count - 7] ^= 0x55
        let diagnostic = failure(try file("bad.gz", compressed), as: .images)
        #expect(diagnostic?.message.contains("corrupt .gz") == true)
    }

    @Test func labelsGivenAsImages() throws {
        let diagnostic = failure(try file("labels", DataFixtures.labelsFile([1, 2, 3])), as: .images)
        #expect(diagnostic?.message.contains("magic 2049") == true)
        #expect(diagnostic?.message.contains("expected 2051") == true)
        #expect(diagnostic?.hint == "a labels file was given as images?")
    }

    @Test func imagesGivenAsLabels() throws {
        let diagnostic = failure(try file("images", DataFixtures.imagesFile(count: 2)), as: .labels)
        #expect(diagnostic?.message.contains("expected 2049") == true)
        #expect(diagnostic?.hint == "an images file was given as labels?")
    }

    @Test func notAnIDXFile() throws {
        let diagnostic = failure(try file("notes.txt", Array("hello, world\n".utf8)), as: .images)
        #expect(diagnostic?.message.contains("is not an IDX file") == true)
        #expect(diagnostic?.message.contains("0x68656c6c") == true)
    }

    @Test func unsupportedValueType() throws {
        let floats = DataFixtures.idx(dimensions: [1, 1, 1], values: [0, 0, 0, 0], type: 0x0D)
        let diagnostic = failure(try file("floats", floats), as: .images)
        #expect(diagnostic?.message.contains("32-bit float") == true)
    }

    @Test func headerLargerThanFile() throws {
        // The header announces 10 images of 4×3; only 5 follow.
        var bytes = DataFixtures.imagesFile(count: 5)
        bytes[7] = 10
        let diagnostic = failure(try file("short", bytes), as: .images)
        #expect(diagnostic?.message.contains("header sizes larger than the file") == true)
        #expect(diagnostic?.message.contains("10 images of 4×3 need 120 bytes, the file has 60") == true)
        // A file cut inside the header itself.
        let stub = failure(try file("stub", Array(DataFixtures.imagesFile(count: 1).prefix(10))), as: .images)
        #expect(stub?.message.contains("shorter than its 16-byte header") == true)
    }

    @Test func extraBytesAfterTheData() throws {
        let diagnostic = failure(try file("long", DataFixtures.labelsFile([1, 2, 3]) + [9, 9]), as: .labels)
        #expect(diagnostic?.message.contains("2 bytes after the 3 labels") == true)
    }

    @Test func overflowingSizes() throws {
        let huge = DataFixtures.idx(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], values: [])
        let diagnostic = failure(try file("huge", huge), as: .images)
        #expect(diagnostic?.message.contains("overflows") == true)
    }

    @Test func imageAndLabelCountMismatch() throws {
        let images = try file("images", DataFixtures.imagesFile(count: 3))
        let labels = try file("labels", DataFixtures.labelsFile([1, 2, 3, 4]))
        let diagnostic = DataFixtures.diagnostic {
            _ = try DatasetLoader.readSplit("test", images: images, labels: labels)
        }
        #expect(diagnostic?.message.contains("'\(images.path)' has 3 images") == true)
        #expect(diagnostic?.message.contains("'\(labels.path)' has 4 labels") == true)
        #expect(diagnostic?.hint != nil)
    }

    @Test func labelOutsideTheClasses() throws {
        let images = try file("images", DataFixtures.imagesFile(count: 3))
        let labels = try file("labels", DataFixtures.labelsFile([1, 12, 3]))
        let diagnostic = DataFixtures.diagnostic {
            _ = try DatasetLoader.readSplit("test", images: images, labels: labels, classCount: 10)
        }
        #expect(diagnostic?.message.contains("label 12 at row 1, outside 0…9") == true)
    }

    @Test func keepsARangeOfRows() throws {
        let images = try file("images", DataFixtures.imagesFile(count: 6))
        let labels = try file("labels", DataFixtures.labelsFile([0, 1, 2, 3, 4, 5]))
        let split = try DatasetLoader.readSplit("train", images: images, labels: labels, rows: 2 ..< 5)
        #expect(split.count == 3)
        #expect(split.labels == [2, 3, 4])
        #expect(split.images == Array(DataFixtures.imagesFile(count: 6).dropFirst(16 + 2 * 12).prefix(36)))
        let outside = DataFixtures.diagnostic {
            _ = try DatasetLoader.readSplit("train", images: images, labels: labels, rows: 4 ..< 8)
        }
        #expect(outside?.message.contains("outside the 6 rows") == true)
    }
}
