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
        self.init(bytes: bytes, directoryAt: 0)
    }

    /// Parses the table directory at `start` (a face of a collection: table offsets count from the
    /// file's start); nil when there is no sfnt directory there.
    init?(bytes: [UInt8], directoryAt start: Int) {
        guard start >= 0, bytes.count >= start + 12 else { return nil }
        flavor = bytes.readUInt32(start)
        guard flavor == 0x4F54_544F || flavor == 0x0001_0000 || flavor == 0x7472_7565 else { return nil }
        let count = Int(bytes.readUInt16(start + 4))
        guard bytes.count >= start + 12 + 16 * count else { return nil }
        tables = []
        for i in 0..<count {
            let entry = start + 12 + 16 * i
            let tagBytes = bytes[entry..<entry + 4]
            let offset = Int(bytes.readUInt32(entry + 8))
            let length = Int(bytes.readUInt32(entry + 12))
            guard offset >= 0, length >= 0, offset + length <= bytes.count else { return nil }
            tables.append(Table(tag: String(decoding: tagBytes, as: UTF8.self),
                                checksum: bytes.readUInt32(entry + 4),
                                data: Array(bytes[offset..<offset + length])))
        }
    }

    /// The face of a font collection (`ttcf`) whose family name (name id 1) is `family`; nil when the
    /// bytes are no collection or hold no such face.
    static func face(named family: String, inCollection bytes: [UInt8]) -> SFNTFont? {
        guard bytes.count >= 12, bytes.readUInt32(0) == 0x7474_6366 else { return nil }  // 'ttcf'
        let faces = Int(bytes.readUInt32(8))
        for i in 0..<faces {
            let start = Int(bytes.readUInt32(12 + 4 * i))
            guard let name = tableRange("name", in: bytes, directoryAt: start),
                  familyName(Array(bytes[name])) == family else { continue }
            return SFNTFont(bytes: bytes, directoryAt: start)
        }
        return nil
    }

    /// Where the table `tag` of the face whose directory is at `start` lies in `bytes`.
    private static func tableRange(_ tag: String, in bytes: [UInt8], directoryAt start: Int) -> Range<Int>? {
        let count = Int(bytes.readUInt16(start + 4))
        for i in 0..<count {
            let entry = start + 12 + 16 * i
            guard entry + 16 <= bytes.count, String(decoding: bytes[entry..<entry + 4], as: UTF8.self) == tag else { continue }
            let offset = Int(bytes.readUInt32(entry + 8)), length = Int(bytes.readUInt32(entry + 12))
            return offset + length <= bytes.count ? offset..<offset + length : nil
        }
        return nil
    }

    /// The family name (name id 1) of a `name` table, from its Windows Unicode record.
    static func familyName(_ name: [UInt8]) -> String? {
        let count = Int(name.readUInt16(2)), storage = Int(name.readUInt16(4))
        for i in 0..<count {
            let record = 6 + 12 * i
            guard name.readUInt16(record) == 3, name.readUInt16(record + 6) == 1 else { continue }
            let length = Int(name.readUInt16(record + 8)), offset = storage + Int(name.readUInt16(record + 10))
            guard offset + length <= name.count else { return nil }
            let units = stride(from: offset, to: offset + length - 1, by: 2).map { name.readUInt16($0) }
            return String(decoding: units, as: UTF16.self)
        }
        return nil
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
