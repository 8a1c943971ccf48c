import Testing
@testable import NotebookRunner
import ZlibBindings

@Suite struct ZlibTests {
    /// Bytes that compress somewhat: a repeating pattern with noise.
    static let sample: [UInt8] = {
        var state: UInt32 = 12345
        return (0 ..< 100_000).map { index in
            state = state &* 1_664_525 &+ 1_013_904_223
            return index % 3 == 0 ? UInt8(truncatingIfNeeded: state >> 24) : UInt8(index % 251)
        }
    }()

    @Test func checksumsMatchPublishedCheckValues() {
        #expect(Zlib.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Zlib.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        // Chaining gives the checksum of the concatenation.
        let whole = Zlib.crc32(Array("123456789".utf8))
        #expect(Zlib.crc32(Array("6789".utf8), continuing: Zlib.crc32(Array("12345".utf8))) == whole)
    }

    @Test(arguments: [Zlib.Format.zlib, .gzip])
    func roundTrips(format: Zlib.Format) throws {
        let compressed = try Zlib.deflate(Self.sample, format: format)
        #expect(compressed.count < Self.sample.count)
        #expect(try Zlib.inflate(compressed, format: format) == Self.sample)
        #expect(try Zlib.inflate(compressed, format: .automatic) == Self.sample)
        #expect(try Zlib.inflate(try Zlib.deflate([], format: format), format: format) == [])
    }

    @Test func gzipHasItsHeaderAndZlibItsTrailer() throws {
        let gzip = try Zlib.deflate(Self.sample, format: .gzip)
        #expect(Array(gzip.prefix(2)) == [0x1f, 0x8b])
        let zlib = try Zlib.deflate(Self.sample, format: .zlib)
        let adler = zlib.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(adler == Zlib.adler32(Self.sample))
    }

    @Test func streamsInSmallChunks() throws {
        let compressed = try Zlib.deflate(Self.sample, format: .gzip)
        let inflater = try Zlib.Inflater(format: .gzip)
        var offset = 0
        while offset < compressed.count {
            let end = min(offset + 777, compressed.count)
            try inflater.push(compressed[offset ..< end])
            offset = end
        }
        #expect(try inflater.finish() == Self.sample)
    }

    @Test func concatenatesGzipMembers() throws {
        let first = Array(Self.sample.prefix(30_000)), second = Array(Self.sample.suffix(5_000))
        let joined = try Zlib.deflate(first, format: .gzip) + Zlib.deflate(second, format: .gzip)
        #expect(try Zlib.inflate(joined, format: .gzip) == first + second)
        // A member boundary falling exactly between two pushes.
        let inflater = try Zlib.Inflater(format: .gzip)
        try inflater.push(try Zlib.deflate(first, format: .gzip))
        try inflater.push(try Zlib.deflate(second, format: .gzip))
        #expect(try inflater.finish() == first + second)
    }

    @Test func reportsTruncatedInput() throws {
        let compressed = try Zlib.deflate(Self.sample, format: .gzip)
        for cut in [1, 4, 100, compressed.count / 2, compressed.count - 10] {
            let error = #expect(throws: Zlib.Failure.self) {
                _ = try Zlib.inflate(Array(compressed.prefix(cut)), format: .gzip)
            }
            #expect(error?.kind == .truncated, "cut at \(cut): \(String(describing: error))")
        }
        let empty = #expect(throws: Zlib.Failure.self) { _ = try Zlib.inflate([], format: .gzip) }
        #expect(empty?.kind == .truncated)
        // A second member cut short is truncated too.
        let member = try Zlib.deflate(Self.sample, format: .gzip)
        let second = #expect(throws: Zlib.Failure.self) {
            _ = try Zlib.inflate(member + member.prefix(20), format: .gzip)
        }
        #expect(second?.kind == .truncated)
    }

    @Test func reportsCorruptInput() throws {
        var gzip = try Zlib.deflate(Self.sample, format: .gzip)
        gzip[gzip.count - 6] ^= 0xFF  // inside the CRC-32 trailer
        let badCheck = #expect(throws: Zlib.Failure.self) { _ = try Zlib.inflate(gzip, format: .gzip) }
        #expect(badCheck?.kind == .corrupt)
        #expect(badCheck?.message.contains("incorrect data check") == true)

        var zlib = try Zlib.deflate(Self.sample, format: .zlib)
        zlib[0] = 0x00
        let badHeader = #expect(throws: Zlib.Failure.self) { _ = try Zlib.inflate(zlib, format: .zlib) }
        #expect(badHeader?.kind == .corrupt)

        let trailing = #expect(throws: Zlib.Failure.self) {
            _ = try Zlib.inflate(try Zlib.deflate(Self.sample, format: .zlib) + [1, 2, 3], format: .zlib)
        }
        #expect(trailing?.kind == .corrupt)
        let garbageMember = #expect(throws: Zlib.Failure.self) {
            _ = try Zlib.inflate(try Zlib.deflate(Self.sample, format: .gzip) + Array("not gzip".utf8), format: .gzip)
        }
        #expect(garbageMember?.kind == .corrupt)
    }
}
