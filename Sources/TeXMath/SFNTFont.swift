/// An OpenType (sfnt) font split into its tables, for subsetting and re-wrapping as WOFF.
struct SFNTFont {
    struct Table {
        var tag: String
        var checksum: UInt32
        var data: [UInt8]
    }

    /// `OTTO` for CFF outlines, 0x00010000 for TrueType.
    var flavor: UInt32
    var tables: [Table]

    /// Parses the table directory; nil when the bytes are not an sfnt font.
    init?(bytes: [UInt8]) {
        guard bytes.count >= 12 else { return nil }
        flavor = bytes.readUInt32(0)
        guard flavor == 0x4F54_544F || flavor == 0x0001_0000 || flavor == 0x7472_7565 else { return nil }
        let count = Int(bytes.readUInt16(4))
        guard bytes.count >= 12 + 16 * count else { return nil }
        tables = []
        for i in 0..<count {
            let entry = 12 + 16 * i
            let tagBytes = bytes[entry..<entry + 4]
            let offset = Int(bytes.readUInt32(entry + 8))
            let length = Int(bytes.readUInt32(entry + 12))
            guard offset >= 0, length >= 0, offset + length <= bytes.count else { return nil }
            tables.append(Table(tag: String(decoding: tagBytes, as: UTF8.self),
                                checksum: bytes.readUInt32(entry + 4),
                                data: Array(bytes[offset..<offset + length])))
        }
    }

    func table(_ tag: String) -> [UInt8]? {
        tables.first { $0.tag == tag }?.data
    }

    mutating func replace(_ tag: String, with data: [UInt8]) {
        guard let i = tables.firstIndex(where: { $0.tag == tag }) else { return }
        tables[i].data = data
        tables[i].checksum = SFNTFont.checksum(data)
    }

    /// The OpenType table checksum (sum of big-endian 32-bit words, zero-padded).
    static func checksum(_ data: [UInt8]) -> UInt32 {
        var sum: UInt32 = 0
        var i = 0
        while i < data.count {
            var word: UInt32 = 0
            for k in 0..<4 {
                word <<= 8
                if i + k < data.count { word |= UInt32(data[i + k]) }
            }
            sum = sum &+ word
            i += 4
        }
        return sum
    }
}

extension Array where Element == UInt8 {
    func readUInt16(_ offset: Int) -> UInt16 {
        guard offset >= 0, offset + 2 <= count else { return 0 }
        return UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    func readUInt32(_ offset: Int) -> UInt32 {
        guard offset >= 0, offset + 4 <= count else { return 0 }
        return UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16
            | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(value >> 8)); append(UInt8(value & 0xFF))
    }

    mutating func appendUInt32(_ value: UInt32) {
        append(UInt8(value >> 24)); append(UInt8((value >> 16) & 0xFF))
        append(UInt8((value >> 8) & 0xFF)); append(UInt8(value & 0xFF))
    }
}
