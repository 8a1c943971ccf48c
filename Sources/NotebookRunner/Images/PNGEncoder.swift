import ZlibBindings
/// Encodes `Bitmap`s as PNG: signature, IHDR, one IDAT, IEND, each chunk with its CRC.
///
/// Each row gets the filter (None, Sub, Up, Average or Paeth) whose output has the
/// smallest sum of absolute values, the heuristic the PNG specification recommends;
/// the filtered rows are compressed with zlib.
public enum PNGEncoder {
    /// The 8-byte PNG signature.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG file for `bitmap` (8 bits per sample).
    public static func encode(_ bitmap: Bitmap, level: Int32 = 9) throws -> [UInt8] {
        let colorType: UInt8
        switch bitmap.channels {
        case .gray: colorType = 0
        case .rgb: colorType = 2
        case .rgba: colorType = 6
        }
        var header: [UInt8] = []
        append(UInt32(bitmap.width), to: &header)
        append(UInt32(bitmap.height), to: &header)
        header += [8, colorType, 0, 0, 0]  // depth, colour type, deflate, adaptive filtering, no interlace

        var png = signature
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", try Zlib.deflate(filteredRows(bitmap), format: .zlib, level: level), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// The PNG file of an image in at most 256 colours: `indices` (`width × height`, top row
    /// first) into `palette`, whose entries are RGBA (4 bytes each). Rows are not filtered, as
    /// the PNG specification advises for palette images.
    public static func encodeIndexed(width: Int, height: Int, indices: [UInt8], palette: [UInt8], level: Int32 = 9) throws -> [UInt8] {
        let entries = palette.count / 4
        precondition(width > 0 && height > 0 && indices.count == width * height, "a \(width)×\(height) image needs that many indices")
        precondition(palette.count % 4 == 0 && entries >= 1 && entries <= 256, "a palette holds 1 to 256 RGBA entries")
        var header: [UInt8] = []
        append(UInt32(width), to: &header)
        append(UInt32(height), to: &header)
        header += [8, 3, 0, 0, 0]  // depth, indexed colour, deflate, adaptive filtering, no interlace
        var colors: [UInt8] = [], alphas: [UInt8] = []
        for entry in 0..<entries {
            colors += palette[(entry * 4)..<(entry * 4 + 3)]
            alphas.append(palette[entry * 4 + 3])
        }
        // Each row after its filter byte (0: none).
        var rows: [UInt8] = []
        rows.reserveCapacity((width + 1) * height)
        for row in 0..<height {
            let start: Int = row * width
            rows.append(0)
            rows.append(contentsOf: indices[start..<(start + width)])
        }
        var png = signature
        appendChunk("IHDR", header, to: &png)
        appendChunk("PLTE", colors, to: &png)
        if alphas.contains(where: { $0 != 255 }) { appendChunk("tRNS", alphas, to: &png) }
        appendChunk("IDAT", try Zlib.deflate(rows, format: .zlib, level: level), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// Every row prefixed by its filter type byte, filtered.
    static func filteredRows(_ bitmap: Bitmap) -> [UInt8] {
        let stride = bitmap.stride, bpp = bitmap.bytesPerPixel
        var out = [UInt8]()
        out.reserveCapacity((stride + 1) * bitmap.height)
        let zeros = [UInt8](repeating: 0, count: stride)
        var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: stride), count: 5)
        bitmap.pixels.withUnsafeBufferPointer { pixels in
            for row in 0 ..< bitmap.height {
                let line = UnsafeBufferPointer(rebasing: pixels[row * stride ..< (row + 1) * stride])
                zeros.withUnsafeBufferPointer { zeroRow in
                    let above = row == 0 ? zeroRow : UnsafeBufferPointer(rebasing: pixels[(row - 1) * stride ..< row * stride])
                    for filter in 0 ..< 5 {
                        for i in 0 ..< stride {
                            let x = line[i], b = above[i]
                            let a = i >= bpp ? line[i - bpp] : 0
                            let c = i >= bpp ? above[i - bpp] : 0
                            let predicted: UInt8
                            switch filter {
                            case 0: predicted = 0
                            case 1: predicted = a
                            case 2: predicted = b
                            case 3: predicted = UInt8((Int(a) + Int(b)) / 2)
                            default: predicted = paeth(a, b, c)
                            }
                            candidates[filter][i] = x &- predicted
                        }
                    }
                }
                let best = (0 ..< 5).min { cost(candidates[$0]) < cost(candidates[$1]) }!
                out.append(UInt8(best))
                out.append(contentsOf: candidates[best])
            }
        }
        return out
    }

    /// The Paeth predictor: whichever of left, above, upper-left is closest to left + above − upper-left.
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// Sum of the bytes read as signed values, in absolute value.
    private static func cost(_ row: [UInt8]) -> Int {
        row.reduce(0) { $0 + abs(Int(Int8(bitPattern: $1))) }
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        append(UInt32(data.count), to: &png)
        png += typeBytes
        png += data
        append(Zlib.crc32(data, continuing: Zlib.crc32(typeBytes)), to: &png)
    }
}
