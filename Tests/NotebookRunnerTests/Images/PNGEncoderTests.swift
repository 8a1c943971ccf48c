import Foundation
import Testing
@testable import NotebookRunner
import ZlibBindings

@Suite struct PNGEncoderTests {
    /// A bitmap mixing smooth gradients (where Sub/Up/Paeth win) and noise (where None wins).
    static func sample(width: Int, height: Int, channels: Bitmap.Channels, seed: UInt32) -> Bitmap {
        var state = seed
        var pixels = [UInt8]()
        for y in 0 ..< height {
            for x in 0 ..< width {
                for c in 0 ..< channels.rawValue {
                    state = state &* 1_664_525 &+ 1_013_904_223
                    let smooth = UInt8(truncatingIfNeeded: x * 9 + y * 5 + c * 40)
                    pixels.append(y % 3 == 2 ? UInt8(truncatingIfNeeded: state >> 24) : smooth)
                }
            }
        }
        return Bitmap(width: width, height: height, channels: channels, pixels: pixels)
    }

    @Test func writesSignatureAndChunksInOrder() throws {
        let png = try PNGEncoder.encode(Self.sample(width: 5, height: 4, channels: .gray, seed: 1))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8
        var types: [String] = []
        while offset < png.count {
            let length = Int(png[offset ..< offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            let typeAndData = Array(png[offset + 4 ..< offset + 8 + length])
            let crc = png[offset + 8 + length ..< offset + 12 + length].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(crc == Zlib.crc32(typeAndData))
            types.append(String(decoding: typeAndData.prefix(4), as: UTF8.self))
            offset += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "IEND"])
        #expect(offset == png.count)
    }

    @Test func usesSeveralRowFilters() {
        let rows = PNGEncoder.filteredRows(Self.sample(width: 28, height: 28, channels: .gray, seed: 3))
        let filters = Set(stride(from: 0, to: rows.count, by: 29).map { rows[$0] })
        #expect(filters.count >= 2, "filters chosen: \(filters.sorted())")
        #expect(filters.isSubset(of: [0, 1, 2, 3, 4]))
    }

    @Test(.enabled(if: IndependentPNGDecoder.isAvailable, "\(IndependentPNGDecoder.skipMessage)"),
          arguments: [(1, 1, Bitmap.Channels.gray), (28, 28, .gray), (7, 5, .gray), (13, 9, .rgb), (5, 6, .rgba), (64, 3, .rgb)])
    func decodesPixelForPixelWithPyPNG(width: Int, height: Int, channels: Bitmap.Channels) throws {
        let bitmap = Self.sample(width: width, height: height, channels: channels, seed: UInt32(width * 31 + height))
        let decoded = try IndependentPNGDecoder.decode(try PNGEncoder.encode(bitmap))
        #expect(decoded == bitmap)
    }

    @Test func paethPredictorPicksTheNearestNeighbour() {
        #expect(PNGEncoder.paeth(10, 20, 10) == 20)  // p = 20: above
        #expect(PNGEncoder.paeth(20, 10, 10) == 20)  // p = 20: left
        #expect(PNGEncoder.paeth(10, 10, 30) == 10)  // p = −10: left wins ties
        #expect(PNGEncoder.paeth(50, 60, 55) == 55)  // p = 55: upper-left
    }
}

@Suite struct NetpbmTests {
    @Test func writesP5AndP6Headers() {
        let gray = Bitmap(width: 3, height: 2, channels: .gray, pixels: [0, 1, 2, 253, 254, 255])
        #expect(NetpbmWriter.encode(gray, as: .pgm) == Array("P5\n3 2\n255\n".utf8) + gray.pixels)
        let ppm = NetpbmWriter.encode(gray, as: .ppm)
        #expect(Array(ppm.prefix(11)) == Array("P6\n3 2\n255\n".utf8))
        #expect(Array(ppm.dropFirst(11)) == [0, 0, 0, 1, 1, 1, 2, 2, 2, 253, 253, 253, 254, 254, 254, 255, 255, 255])
    }

    @Test func roundTripsThroughTheReader() throws {
        let gray = PNGEncoderTests.sample(width: 28, height: 28, channels: .gray, seed: 9)
        #expect(try NetpbmReader.decode(NetpbmWriter.encode(gray, as: .pgm)) == gray)
        #expect(try NetpbmReader.decode(NetpbmWriter.encode(gray, as: .ppm)) == gray.rgb())
        let rgb = PNGEncoderTests.sample(width: 4, height: 7, channels: .rgb, seed: 2)
        #expect(try NetpbmReader.decode(NetpbmWriter.encode(rgb, as: .ppm)) == rgb)
    }

    @Test func readerSkipsCommentsAndRejectsBadFiles() throws {
        let commented = Array("P5 # a comment\n2 1\n# another\n255\n".utf8) + [7, 8]
        #expect(try NetpbmReader.decode(commented) == Bitmap(width: 2, height: 1, channels: .gray, pixels: [7, 8]))
        #expect(throws: NetpbmReader.Failure.self) { try NetpbmReader.decode(Array("P2\n1 1\n255\n0".utf8)) }
        #expect(throws: NetpbmReader.Failure.self) { try NetpbmReader.decode(Array("P5\n2 2\n255\n".utf8) + [1, 2, 3]) }
    }
}
