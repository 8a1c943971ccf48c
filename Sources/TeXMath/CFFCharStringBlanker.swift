/// Rewrites a CFF table so that unused glyphs keep their ids but lose their outlines.
///
/// Keeping glyph ids means the MATH, GSUB, GPOS, hmtx and cmap tables stay valid untouched; only the
/// CharStrings INDEX shrinks, and the offsets in the Top DICT are recomputed.
struct CFFCharStringBlanker {
    private let cff: [UInt8]
    private let headerSize: Int
    private let topDictIndexRange: Range<Int>
    private let strings: [[UInt8]]
    private let globalSubrIndex: Range<Int>
    private let hasGlobalSubrs: Bool
    private let nameIndex: Range<Int>
    private let topDict: [UInt8]
    private let charStrings: [[UInt8]]
    private let charsetRange: Range<Int>
    private let privateRange: Range<Int>   // Private DICT plus its local Subrs
    private let privateSize: Int
    /// Local subroutines, when their INDEX directly follows the Private DICT (so it can be rebuilt).
    private let localSubrs: [[UInt8]]?
    /// Glyph id → string id of its name.
    private let glyphNames: [Int]

    init?(cff: [UInt8]) {
        guard cff.count > 4 else { return nil }
        self.cff = cff
        headerSize = Int(cff[2])
        guard let (_, nameEnd) = CFFCharStringBlanker.readIndex(cff, at: headerSize),
              let (tops, topEnd) = CFFCharStringBlanker.readIndex(cff, at: nameEnd), tops.count == 1,
              let (stringItems, stringEnd) = CFFCharStringBlanker.readIndex(cff, at: topEnd),
              let (globalSubrs, gsubrEnd) = CFFCharStringBlanker.readIndex(cff, at: stringEnd) else { return nil }
        nameIndex = headerSize..<nameEnd
        topDictIndexRange = nameEnd..<topEnd
        strings = stringItems
        globalSubrIndex = stringEnd..<gsubrEnd
        hasGlobalSubrs = !globalSubrs.isEmpty
        topDict = tops[0]
        let entries = CFFCharStringBlanker.parseDict(topDict)
        // CID-keyed fonts (FDArray, FDSelect) and custom encodings are left alone.
        guard entries.contains(where: { $0.op == [17] }), entries.contains(where: { $0.op == [18] }),
              !entries.contains(where: { $0.op == [12, 36] || $0.op == [12, 37] }),
              (entries.first(where: { $0.op == [16] })?.numbers.first ?? 0) == 0,
              let csOffset = entries.first(where: { $0.op == [17] })?.numbers.first,
              let privateEntry = entries.first(where: { $0.op == [18] }), privateEntry.numbers.count == 2,
              let charsetOffset = entries.first(where: { $0.op == [15] })?.numbers.first, charsetOffset > 2,
              let (strings, _) = CFFCharStringBlanker.readIndex(cff, at: csOffset) else { return nil }
        charStrings = strings
        privateSize = privateEntry.numbers[0]
        let privateOffset = privateEntry.numbers[1]
        guard privateOffset >= 0, privateOffset + privateSize <= cff.count else { return nil }
        var privateEnd = privateOffset + privateSize
        let privateEntries = CFFCharStringBlanker.parseDict(Array(cff[privateOffset..<privateEnd]))
        var localSubrs: [[UInt8]]?
        if let subrs = privateEntries.first(where: { $0.op == [19] })?.numbers.first {
            guard subrs >= privateSize, let (items, subrsEnd) = CFFCharStringBlanker.readIndex(cff, at: privateOffset + subrs)
            else { return nil }
            privateEnd = subrsEnd
            if subrs == privateSize { localSubrs = items }
        }
        self.localSubrs = localSubrs
        privateRange = privateOffset..<privateEnd
        guard let charsetLength = CFFCharStringBlanker.charsetLength(cff, at: charsetOffset, glyphs: strings.count)
        else { return nil }
        charsetRange = charsetOffset..<charsetOffset + charsetLength
        glyphNames = CFFCharStringBlanker.charsetNames(cff, at: charsetOffset, glyphs: strings.count)
    }

    var glyphCount: Int { charStrings.count }

    /// The Type 2 charstring of one glyph.
    func charString(_ glyph: Int) -> [UInt8] { charStrings[glyph] }

    /// The CFF table with every glyph not in `keep` (glyph 0 is always kept) reduced to `endchar`,
    /// local subroutines no kept glyph calls reduced to `return`, and names of dropped glyphs emptied.
    func blank(keeping keep: Set<Int>) -> [UInt8] {
        var glyphStrings = charStrings
        for gid in 1..<glyphStrings.count where !keep.contains(gid) {
            glyphStrings[gid] = [14]
        }
        var names = strings
        for (gid, sid) in glyphNames.enumerated() where gid > 0 && !keep.contains(gid) && sid >= 391 && sid - 391 < names.count {
            names[sid - 391] = []
        }
        var privateBlock = Array(cff[privateRange])
        if let localSubrs, !hasGlobalSubrs {
            var used = Set<Int>()
            for gid in 0..<glyphStrings.count where gid == 0 || keep.contains(gid) {
                var scan = CharStringScan(subrs: localSubrs)
                scan.run(glyphStrings[gid], depth: 0)
                used.formUnion(scan.used)
            }
            let reduced = localSubrs.enumerated().map { used.contains($0.offset) ? $0.element : [11] }
            privateBlock = Array(cff[privateRange.lowerBound..<privateRange.lowerBound + privateSize])
                + CFFCharStringBlanker.writeIndex(reduced)
        }
        let charStringIndex = CFFCharStringBlanker.writeIndex(glyphStrings)
        let stringIndex = CFFCharStringBlanker.writeIndex(names)
        let charset = Array(cff[charsetRange])
        // Top DICT with 5-byte offsets has a fixed size, so lay it out once with placeholders.
        let placeholderTop = rewriteTopDict(charset: 0, charStrings: 0, privateOffset: 0)
        let topIndexSize = CFFCharStringBlanker.writeIndex([placeholderTop]).count
        let dataStart = headerSize + nameIndex.count + topIndexSize + stringIndex.count + globalSubrIndex.count
        let charsetOffset = dataStart
        let charStringsOffset = charsetOffset + charset.count
        let privateOffset = charStringsOffset + charStringIndex.count
        let top = rewriteTopDict(charset: charsetOffset, charStrings: charStringsOffset, privateOffset: privateOffset)
        var out = Array(cff[0..<headerSize])
        out += cff[nameIndex]
        out += CFFCharStringBlanker.writeIndex([top])
        out += stringIndex
        out += cff[globalSubrIndex]
        out += charset
        out += charStringIndex
        out += privateBlock
        return out
    }

    private func rewriteTopDict(charset: Int, charStrings: Int, privateOffset: Int) -> [UInt8] {
        var out: [UInt8] = []
        for entry in CFFCharStringBlanker.parseDict(topDict) {
            switch entry.op {
            case [15]: out += CFFCharStringBlanker.encodeInt(charset)
            case [17]: out += CFFCharStringBlanker.encodeInt(charStrings)
            case [18]: out += CFFCharStringBlanker.encodeInt(privateSize) + CFFCharStringBlanker.encodeInt(privateOffset)
            default: out += entry.operands
            }
            out += entry.op
        }
        return out
    }

    // MARK: - CFF primitives

    struct DictEntry {
        var op: [UInt8]
        var operands: [UInt8]
        var numbers: [Int]
    }

    static func parseDict(_ d: [UInt8]) -> [DictEntry] {
        var entries: [DictEntry] = []
        var operandStart = 0
        var numbers: [Int] = []
        var i = 0
        while i < d.count {
            let b = d[i]
            switch b {
            case 0...21:
                let op: [UInt8] = b == 12 && i + 1 < d.count ? [12, d[i + 1]] : [b]
                entries.append(DictEntry(op: op, operands: Array(d[operandStart..<i]), numbers: numbers))
                i += op.count
                operandStart = i
                numbers = []
            case 28:
                guard i + 2 < d.count else { return entries }
                numbers.append(Int(Int16(bitPattern: UInt16(d[i + 1]) << 8 | UInt16(d[i + 2]))))
                i += 3
            case 29:
                guard i + 4 < d.count else { return entries }
                let v = UInt32(d[i + 1]) << 24 | UInt32(d[i + 2]) << 16 | UInt32(d[i + 3]) << 8 | UInt32(d[i + 4])
                numbers.append(Int(Int32(bitPattern: v)))
                i += 5
            case 30:
                i += 1
                while i < d.count {
                    let nibbles = d[i]
                    i += 1
                    if nibbles & 0x0F == 0x0F || nibbles >> 4 == 0x0F { break }
                }
                numbers.append(0)
            case 32...246:
                numbers.append(Int(b) - 139); i += 1
            case 247...250:
                guard i + 1 < d.count else { return entries }
                numbers.append((Int(b) - 247) * 256 + Int(d[i + 1]) + 108); i += 2
            case 251...254:
                guard i + 1 < d.count else { return entries }
                numbers.append(-(Int(b) - 251) * 256 - Int(d[i + 1]) - 108); i += 2
            default:
                i += 1
            }
        }
        return entries
    }

    static func encodeInt(_ value: Int) -> [UInt8] {
        let v = UInt32(bitPattern: Int32(value))
        return [29, UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    /// Reads an INDEX at `offset`: its items and the offset just past it.
    static func readIndex(_ data: [UInt8], at offset: Int) -> ([[UInt8]], Int)? {
        guard offset >= 0, offset + 2 <= data.count else { return nil }
        let count = Int(data.readUInt16(offset))
        if count == 0 { return ([], offset + 2) }
        guard offset + 3 <= data.count else { return nil }
        let offSize = Int(data[offset + 2])
        guard (1...4).contains(offSize) else { return nil }
        var offsets: [Int] = []
        var p = offset + 3
        guard p + (count + 1) * offSize <= data.count else { return nil }
        for _ in 0...count {
            var value = 0
            for k in 0..<offSize { value = value << 8 | Int(data[p + k]) }
            offsets.append(value)
            p += offSize
        }
        let base = p - 1
        guard let last = offsets.last, base + last <= data.count else { return nil }
        var items: [[UInt8]] = []
        items.reserveCapacity(count)
        for i in 0..<count {
            let start = base + offsets[i], end = base + offsets[i + 1]
            guard start <= end, start >= p else { return nil }
            items.append(Array(data[start..<end]))
        }
        return (items, base + last)
    }

    static func writeIndex(_ items: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.appendUInt16(UInt16(items.count))
        if items.isEmpty { return out }
        let total = items.reduce(0) { $0 + $1.count } + 1
        let offSize = total < 0x100 ? 1 : total < 0x10000 ? 2 : total < 0x1000000 ? 3 : 4
        out.append(UInt8(offSize))
        var offset = 1
        func put(_ value: Int) {
            for k in stride(from: offSize - 1, through: 0, by: -1) { out.append(UInt8((value >> (8 * k)) & 0xFF)) }
        }
        put(offset)
        for item in items {
            offset += item.count
            put(offset)
        }
        for item in items { out += item }
        return out
    }

    /// String id of each glyph's name (glyph 0, .notdef, is 0).
    static func charsetNames(_ data: [UInt8], at offset: Int, glyphs: Int) -> [Int] {
        var names = [0]
        var p = offset + 1
        switch data[offset] {
        case 0:
            for _ in 1..<max(glyphs, 1) {
                names.append(Int(data.readUInt16(p)))
                p += 2
            }
        default:
            let wide = data[offset] == 2
            while names.count < glyphs, p + (wide ? 4 : 3) <= data.count {
                let first = Int(data.readUInt16(p))
                let left = wide ? Int(data.readUInt16(p + 2)) : Int(data[p + 2])
                for k in 0...left where names.count < glyphs { names.append(first + k) }
                p += wide ? 4 : 3
            }
        }
        return names
    }

    static func charsetLength(_ data: [UInt8], at offset: Int, glyphs: Int) -> Int? {
        guard offset < data.count else { return nil }
        switch data[offset] {
        case 0: return 1 + 2 * (glyphs - 1)
        case 1, 2:
            let wide = data[offset] == 2
            var covered = 1
            var p = offset + 1
            while covered < glyphs {
                guard p + (wide ? 4 : 3) <= data.count else { return nil }
                let left = wide ? Int(data.readUInt16(p + 2)) : Int(data[p + 2])
                covered += left + 1
                p += wide ? 4 : 3
            }
            return p - offset
        default: return nil
        }
    }
}
