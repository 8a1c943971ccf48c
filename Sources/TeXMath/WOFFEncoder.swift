import ZlibBindings

/// Wraps an sfnt font as WOFF 1.0: the same tables, each zlib-compressed when that makes it smaller.
enum WOFFEncoder {
    static func encode(_ font: SFNTFont) -> [UInt8] {
        let tables = font.tables.sorted { $0.tag < $1.tag }
        let headerSize = 44
        let directorySize = 20 * tables.count
        var sfntSize = 12 + 16 * tables.count
        var entries: [(tag: String, checksum: UInt32, stored: [UInt8], original: Int)] = []
        for table in tables {
            sfntSize += (table.data.count + 3) & ~3
            let compressed = deflate(table.data)
            let stored = compressed.count < table.data.count ? compressed : table.data
            entries.append((table.tag, table.checksum, stored, table.data.count))
        }
        var out: [UInt8] = []
        var offset = headerSize + directorySize
        var directory: [UInt8] = []
        var body: [UInt8] = []
        for entry in entries {
            directory += Array(entry.tag.utf8.prefix(4))
            directory.appendUInt32(UInt32(offset))
            directory.appendUInt32(UInt32(entry.stored.count))
            directory.appendUInt32(UInt32(entry.original))
            directory.appendUInt32(entry.checksum)
            body += entry.stored
            while body.count % 4 != 0 { body.append(0) }
            offset = headerSize + directorySize + body.count
        }
        out.appendUInt32(0x774F_4646)  // 'wOFF'
        out.appendUInt32(font.flavor)
        out.appendUInt32(UInt32(headerSize + directorySize + body.count))
        out.appendUInt16(UInt16(tables.count))
        out.appendUInt16(0)
        out.appendUInt32(UInt32(sfntSize))
        out.appendUInt16(1)
        out.appendUInt16(0)
        for _ in 0..<5 { out.appendUInt32(0) }  // no metadata, no private data
        out += directory
        out += body
        return out
    }

    /// zlib-format compression at the best level; the input itself on failure, so the table is stored as is.
    static func deflate(_ data: [UInt8]) -> [UInt8] {
        guard !data.isEmpty else { return [] }
        return (try? Zlib.deflate(data, format: .zlib, level: 9)) ?? data
    }
}

extension WOFFEncoder {
    /// Unwraps WOFF 1.0 back into its tables (used to verify encoding); nil on malformed input.
    static func decode(_ woff: [UInt8]) -> SFNTFont? {
        guard woff.count >= 44, woff.readUInt32(0) == 0x774F_4646 else { return nil }
        let count = Int(woff.readUInt16(12))
        var bytes: [UInt8] = []
        bytes.appendUInt32(woff.readUInt32(4))
        bytes.appendUInt16(UInt16(count))
        bytes += [0, 0, 0, 0, 0, 0]
        var tables: [(tag: [UInt8], checksum: UInt32, data: [UInt8])] = []
        for i in 0..<count {
            let entry = 44 + 20 * i
            let offset = Int(woff.readUInt32(entry + 4)), stored = Int(woff.readUInt32(entry + 8))
            let original = Int(woff.readUInt32(entry + 12))
            guard offset + stored <= woff.count else { return nil }
            var data = Array(woff[offset..<offset + stored])
            if stored < original {
                guard let out = try? Zlib.inflate(data, format: .zlib, sizeHint: original), out.count == original else { return nil }
                data = out
            }
            tables.append((Array(woff[entry..<entry + 4]), woff.readUInt32(entry + 16), data))
        }
        let offset = 12 + 16 * count
        var body: [UInt8] = []
        for table in tables {
            bytes += table.tag
            bytes.appendUInt32(table.checksum)
            bytes.appendUInt32(UInt32(offset + body.count))
            bytes.appendUInt32(UInt32(table.data.count))
            body += table.data
            while body.count % 4 != 0 { body.append(0) }
        }
        return SFNTFont(bytes: bytes + body)
    }
}
