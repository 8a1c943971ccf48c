import Foundation
import Testing
@testable import NotebookRunner
import ZlibBindings

/// Memory is bounded by what a file's header declares and by the budget, checked before
/// anything is allocated; files that are not regular files are refused by type.
@Suite struct BoundedMemoryTests {
    @Test func budgetSizesParseWithUnits() throws {
        #expect(MemoryBudget(parsing: "512M")?.bytes == 512_000_000)
        #expect(MemoryBudget(parsing: "2G")?.bytes == 2_000_000_000)
        #expect(MemoryBudget(parsing: "1.5GiB")?.bytes == 3 << 29)
        #expect(MemoryBudget(parsing: "64kb")?.bytes == 64_000)
        #expect(MemoryBudget(parsing: "64KiB")?.bytes == 64 << 10)
        #expect(MemoryBudget(parsing: "1000000")?.bytes == 1_000_000)
        for bad in ["", "0", "-1G", "lots", "1e300", "inf", "nan", "9999999T", "G"] {
            #expect(MemoryBudget(parsing: bad) == nil, "'\(bad)' parsed")
        }
        #expect(MemoryBudget.default.bytes > 0)
        #expect(MemoryBudget.default.bytes == Int(ProcessInfo.processInfo.physicalMemory / 2))
    }

    @Test func budgetErrorsNameTheShapeTheBytesAndTheFlag() throws {
        let budget = MemoryBudget(bytes: 1_000_000)
        let diagnostic = DataFixtures.diagnostic {
            try budget.check(count: 1000 * 1000, elementSize: 8, for: "a 1000×1000 tensor")
        }
        #expect(diagnostic?.message == "a 1000×1000 tensor needs 8,000,000 bytes (8.0 MB), more than the memory budget of 1.0 MB")
        #expect(diagnostic?.hint?.contains("--memory-limit") == true)
        let overflow = DataFixtures.diagnostic { try budget.check(count: Int.max, elementSize: 8, for: "a huge tensor") }
        #expect(overflow?.message.contains("more than 2⁶³ bytes") == true)
        try budget.check(1_000_000, for: "exactly the budget")
        #expect(MemoryBudget.byteCount([4096, 4096, 10], elementSize: 8) == 4096 * 4096 * 80)
        #expect(MemoryBudget.byteCount([Int.max, 2], elementSize: 1) == nil)
    }

    @Test func inflaterStopsAtItsLimit() throws {
        let zeros = [UInt8](repeating: 0, count: 50 << 20)
        let bomb = try Zlib.deflate(zeros, format: .gzip, level: 9)
        let inflater = try Zlib.Inflater(format: .gzip, limit: 1000)
        try inflater.push(bomb)
        #expect(inflater.isFull)
        #expect(try inflater.finish().count == 1000)
        // Below the limit, a cut-off stream is still an error.
        let short = try Zlib.Inflater(format: .gzip, limit: 100 << 20)
        try short.push(bomb.prefix(bomb.count / 2))
        #expect(throws: Zlib.Failure.self) { _ = try short.finish() }
    }

    /// A gzip whose header declares 100 images of 28×28 but which expands to 256 MiB.
    static func bomb(kind: IDXReader.Kind) throws -> [UInt8] {
        let header = kind == .images ? DataFixtures.idx(dimensions: [100, 28, 28], values: [])
                                     : DataFixtures.idx(dimensions: [100], values: [])
        return try Zlib.deflate(header + [UInt8](repeating: 0, count: 256 << 20), format: .gzip, level: 9)
    }

    @Test(arguments: [IDXReader.Kind.images, .labels])
    func decompressionBombStopsAtTheDeclaredSize(_ kind: IDXReader.Kind) throws {
        let folder = try DataFixtures.temporaryDirectory("bomb")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = try DataFixtures.write(try Self.bomb(kind: kind), to: folder.appendingPathComponent("bomb.gz"))
        let start = Date()
        let diagnostic = DataFixtures.diagnostic {
            if kind == .images { _ = try IDXReader.readImages(at: url) } else { _ = try IDXReader.readLabels(at: url) }
        }
        #expect(Date().timeIntervalSince(start) < 1, "decompression went on past the declared size")
        #expect(diagnostic?.message.contains("expands to more bytes than the 100 \(kind == .images ? "images of 28×28" : "labels") its header announces") == true,
                "\(String(describing: diagnostic))")
    }

    @Test func declaredSizesAreCheckedAgainstTheBudgetBeforeReading() throws {
        let folder = try DataFixtures.temporaryDirectory("budget")
        defer { try? FileManager.default.removeItem(at: folder) }
        let header = DataFixtures.idx(dimensions: [60000, 4096, 4096], values: [1, 2, 3])
        let url = try DataFixtures.write(try Zlib.deflate(header, format: .gzip), to: folder.appendingPathComponent("huge.gz"))
        let diagnostic = DataFixtures.diagnostic { _ = try IDXReader.readImages(at: url, budget: MemoryBudget(bytes: 1_000_000_000)) }
        #expect(diagnostic?.message == "images file '\(url.path)' declares 60000 images of 4096×4096, which needs 1,006,632,960,016 bytes (1.0 TB), more than the memory budget of 1.0 GB")
        #expect(diagnostic?.hint?.contains("--memory-limit") == true)
        // The same for a raw file: its length on disk is not even looked at first.
        let raw = try DataFixtures.write(header, to: folder.appendingPathComponent("huge"))
        #expect(DataFixtures.diagnostic { _ = try IDXReader.readImages(at: raw, budget: MemoryBudget(bytes: 1 << 30)) }?
            .message.contains("more than the memory budget") == true)
    }

    @Test func nonRegularFilesAreRefusedByType() throws {
        let folder = try DataFixtures.temporaryDirectory("types")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let cases: [(String, String)] = [
            ("/dev/zero", "is a character device, not a regular file"),
            ("/dev/urandom", "is a character device, not a regular file"),
            (fifo.path, "is a FIFO (named pipe), not a regular file"),
            (folder.path, "is a folder, not a file"),
        ]
        for (path, expected) in cases {
            let start = Date()
            let diagnostic = DataFixtures.diagnostic { _ = try IDXReader.readImages(at: URL(fileURLWithPath: path)) }
            #expect(diagnostic?.message == "images file '\(path)' \(expected)", "\(String(describing: diagnostic))")
            #expect(Date().timeIntervalSince(start) < 1)
        }
    }

    @Test func largeImagesAreShrunkForTheReport() throws {
        #expect(DisplaySize.shrinkFactor(width: 28, height: 28, count: 1000) == 1)
        let factor = DisplaySize.shrinkFactor(width: 4096, height: 4096, count: 10)
        #expect(factor == 7)  // 586×586 × 10 ≤ 4 Mpx
        let image = Bitmap(width: 5, height: 3, channels: .gray, pixels: [0, 2, 4, 6, 8,
                                                                        10, 12, 14, 16, 18,
                                                                        20, 22, 24, 26, 28])
        let shrunk = image.shrunk(by: 2)
        #expect(shrunk.width == 3 && shrunk.height == 2)
        #expect(shrunk.pixels == [6, 10, 13, 21, 25, 28])
    }
}
