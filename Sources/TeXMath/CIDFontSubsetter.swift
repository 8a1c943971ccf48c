/// Cuts a CID-keyed CFF font (Noto CJK, Source Han) down to the glyphs of some characters.
///
/// Unlike `CFFCharStringBlanker`, which keeps every glyph id, this renumbers: a CJK font has 65,535
/// glyphs, and even empty ones cost an offset each. The kept glyphs are numbered 0, 1, … in code-point
/// order; the subroutines they call (global, and local per Font DICT) are kept and renumbered too, each
/// call's operand rewritten. `cmap`, `hmtx`, `hhea` and `maxp` are rebuilt for the new numbering;
/// layout and vertical tables (GSUB, GPOS, vmtx, …), which index the old glyphs, are dropped.
struct CIDFontSubsetter {
    private let font: SFNTFont
    private let cff: [UInt8]
    private let cmap: [UInt32: Int]
    private let headerSize: Int
    private let nameIndex: Range<Int>
    private let stringIndex: Range<Int>
    private let topDict: [CFFCharStringBlanker.DictEntry]
    private let globalSubrs: [[UInt8]]
    private let charStrings: [Range<Int>]
    /// Glyph id → CID.
    private let cids: [Int]
    /// Glyph id → index of its Font DICT.
    private let fontDictOfGlyph: [UInt8]
    private let fontDicts: [[CFFCharStringBlanker.DictEntry]]
    /// Each Font DICT's Private DICT, and its local subroutines.
    private let privates: [(dict: [CFFCharStringBlanker.DictEntry], subrs: [[UInt8]])]

    init?(font: SFNTFont) {
        guard let cff = font.table("CFF "), cff.count > 4, let cmapTable = font.table("cmap") else { return nil }
        typealias Reader = CFFCharStringBlanker
        headerSize = Int(cff[2])
        guard let (_, nameEnd) = Reader.readIndex(cff, at: headerSize),
              let (tops, topEnd) = Reader.readIndex(cff, at: nameEnd), tops.count == 1,
              let (_, stringEnd) = Reader.readIndex(cff, at: topEnd),
              let (globalSubrs, _) = Reader.readIndex(cff, at: stringEnd) else { return nil }
        let top = Reader.parseDict(tops[0])
        func offset(_ op: [UInt8]) -> Int? { top.first { $0.op == op }?.numbers.first }
        guard top.contains(where: { $0.op == [12, 30] }),  // ROS: CID-keyed
              let charStringsOffset = offset([17]), let charsetOffset = offset([15]),
              let fdArrayOffset = offset([12, 36]), let fdSelectOffset = offset([12, 37]),
              let charStrings = CIDFontSubsetter.indexRanges(cff, at: charStringsOffset),
              let (fontDictItems, _) = Reader.readIndex(cff, at: fdArrayOffset) else { return nil }
        let glyphs = charStrings.count
        guard let fdSelect = CIDFontSubsetter.fdSelect(cff, at: fdSelectOffset, glyphs: glyphs),
              Reader.charsetLength(cff, at: charsetOffset, glyphs: glyphs) != nil else { return nil }
        var privates: [(dict: [CFFCharStringBlanker.DictEntry], subrs: [[UInt8]])] = []
        let fontDicts = fontDictItems.map(Reader.parseDict)
        for fontDict in fontDicts {
            guard let entry = fontDict.first(where: { $0.op == [18] }), entry.numbers.count == 2,
                  entry.numbers[1] >= 0, entry.numbers[1] + entry.numbers[0] <= cff.count else { return nil }
            let start = entry.numbers[1]
            let dict = Reader.parseDict(Array(cff[start..<start + entry.numbers[0]]))
            var subrs: [[UInt8]] = []
            if let relative = dict.first(where: { $0.op == [19] })?.numbers.first {
                guard let (items, _) = Reader.readIndex(cff, at: start + relative) else { return nil }
                subrs = items
            }
            privates.append((dict, subrs))
        }
        let cmap = MathFontSubsetter.parseCmap(cmapTable)
        guard !cmap.isEmpty else { return nil }
        self.font = font
        self.cff = cff
        self.cmap = cmap
        self.nameIndex = headerSize..<nameEnd
        self.stringIndex = topEnd..<stringEnd
        self.topDict = top
        self.globalSubrs = globalSubrs
        self.charStrings = charStrings
        self.cids = Reader.charsetNames(cff, at: charsetOffset, glyphs: glyphs)
        self.fontDictOfGlyph = fdSelect
        self.fontDicts = fontDicts
        self.privates = privates
    }

    /// Whether the font draws `scalar`.
    func covers(_ scalar: UInt32) -> Bool { cmap[scalar] != nil }

    /// The font reduced to the glyphs of `scalars` (those it has), or nil when a charstring is of a
    /// form this subsetter does not rewrite.
    func subset(keeping scalars: Set<UInt32>) -> SFNTFont? {
        let kept = Dictionary(scalars.compactMap { scalar in cmap[scalar].map { (scalar, $0) } }) { first, _ in first }
        let oldGlyphs = [0] + Set(kept.values).subtracting([0]).sorted()
        let newGlyph = Dictionary(uniqueKeysWithValues: oldGlyphs.enumerated().map { ($1, $0) })

        // Which subroutines the kept glyphs call, and where each call's number is written.
        let usedDicts = Set(oldGlyphs.map { Int(fontDictOfGlyph[$0]) }).sorted()
        var scans: [Int: CharStringScan] = [:]
        var glyphCalls: [Int: [CharStringScan.Call]] = [:]
        for dict in usedDicts { scans[dict] = CharStringScan(subrs: privates[dict].subrs, globalSubrs: globalSubrs) }
        for glyph in oldGlyphs {
            let dict = Int(fontDictOfGlyph[glyph])
            scans[dict]!.reset()
            scans[dict]!.run(Array(cff[charStrings[glyph]]), depth: 0)
            glyphCalls[glyph] = scans[dict]!.calls[.glyph]
        }
        guard scans.values.allSatisfy({ !$0.computedCall }) else { return nil }

        // New numbers: global subroutines across all dicts, local ones per dict.
        var globalCalls: [Int: [CharStringScan.Call]] = [:]
        for scan in scans.values {
            for case let (.global(index), calls) in scan.calls { globalCalls[index] = calls }
        }
        let usedGlobal = globalCalls.keys.sorted()
        let newGlobal = Dictionary(uniqueKeysWithValues: usedGlobal.enumerated().map { ($1, $0) })
        var newLocal: [Int: [Int: Int]] = [:]
        for dict in usedDicts {
            newLocal[dict] = Dictionary(uniqueKeysWithValues: scans[dict]!.used.sorted().enumerated().map { ($1, $0) })
        }
        func rewrite(_ code: [UInt8], _ calls: [CharStringScan.Call], dict: Int?) -> [UInt8] {
            var out: [UInt8] = []
            var position = 0
            for call in calls.sorted(by: { $0.operand.lowerBound < $1.operand.lowerBound }) {
                out += code[position..<call.operand.lowerBound]
                switch call.target {
                case .global(let index):
                    out += Self.encodeNumber(newGlobal[index]! - CharStringScan.bias(count: usedGlobal.count))
                case .local(let index):
                    let numbers = newLocal[dict!]!
                    out += Self.encodeNumber(numbers[index]! - CharStringScan.bias(count: numbers.count))
                case .glyph:
                    break
                }
                position = call.operand.upperBound
            }
            return out + code[position...]
        }
        // A global subroutine's local calls are the same for every dict that reaches it only if the
        // font is built so; Noto CJK's global subroutines call no local ones.
        guard globalCalls.values.allSatisfy({ $0.allSatisfy { if case .global = $0.target { true } else { false } } })
        else { return nil }

        let glyphStrings = oldGlyphs.map { glyph in
            rewrite(Array(cff[charStrings[glyph]]), glyphCalls[glyph] ?? [], dict: Int(fontDictOfGlyph[glyph]))
        }
        let globalStrings = usedGlobal.map { rewrite(globalSubrs[$0], globalCalls[$0] ?? [], dict: nil) }
        let dictIndex = Dictionary(uniqueKeysWithValues: usedDicts.enumerated().map { ($1, $0) })
        let privateBlocks: [(dict: [CFFCharStringBlanker.DictEntry], subrs: [[UInt8]])] = usedDicts.map { dict in
            let scan = scans[dict]!
            let subrs = scan.used.sorted().map { index in
                rewrite(privates[dict].subrs[index], scan.calls[.local(index)] ?? [], dict: dict)
            }
            return (privates[dict].dict, subrs)
        }

        var result = font
        result.replace("CFF ", with: writeCFF(glyphs: oldGlyphs, charStrings: glyphStrings, globalSubrs: globalStrings,
                                               fontDicts: usedDicts.map { fontDicts[$0] }, privates: privateBlocks,
                                               fdSelect: oldGlyphs.map { UInt8(dictIndex[Int(fontDictOfGlyph[$0])]!) }))
        result.replace("cmap", with: MathFontSubsetter.writeCmap(kept.mapValues { newGlyph[$0]! }))
        rebuildMetrics(&result, glyphs: oldGlyphs)
        let wanted: Set<String> = ["CFF ", "OS/2", "cmap", "head", "hhea", "hmtx", "maxp", "name", "post"]
        result.tables.removeAll { !wanted.contains($0.tag) }
        return result
    }

    // MARK: - Writing

    private func writeCFF(glyphs: [Int], charStrings: [[UInt8]], globalSubrs: [[UInt8]],
                          fontDicts: [[CFFCharStringBlanker.DictEntry]],
                          privates: [(dict: [CFFCharStringBlanker.DictEntry], subrs: [[UInt8]])],
                          fdSelect: [UInt8]) -> [UInt8] {
        typealias Writer = CFFCharStringBlanker
        var charset: [UInt8] = [0]
        for glyph in glyphs.dropFirst() { charset.appendUInt16(UInt16(truncatingIfNeeded: cids[glyph])) }
        let select = [0] + fdSelect
        let charStringIndex = Writer.writeIndex(charStrings)
        let globalIndex = Writer.writeIndex(globalSubrs)
        // Private DICTs with their Subrs (offset 5 bytes wide, so each dict's size is known up front).
        let privateDicts: [[UInt8]] = privates.map { block in
            let size = Self.writeDict(block.dict, replacing: [[19]: Writer.encodeInt(0)], dropping: block.subrs.isEmpty ? [[19]] : []).count
            return Self.writeDict(block.dict, replacing: [[19]: Writer.encodeInt(size)], dropping: block.subrs.isEmpty ? [[19]] : [])
        }
        let privateBlocks = zip(privateDicts, privates).map { dict, block in
            dict + (block.subrs.isEmpty ? [] : Writer.writeIndex(block.subrs))
        }
        func fdArray(privateStart: Int) -> [UInt8] {
            var offset = privateStart
            var items: [[UInt8]] = []
            for (fontDict, (dict, block)) in zip(fontDicts, zip(privateDicts, privateBlocks)) {
                items.append(Self.writeDict(fontDict, replacing: [[18]: Writer.encodeInt(dict.count) + Writer.encodeInt(offset)]))
                offset += block.count
            }
            return Writer.writeIndex(items)
        }
        func top(charset: Int, fdSelect: Int, charStrings: Int, fdArray: Int) -> [UInt8] {
            Writer.writeIndex([Self.writeDict(topDict, replacing: [
                [15]: Writer.encodeInt(charset), [12, 37]: Writer.encodeInt(fdSelect),
                [17]: Writer.encodeInt(charStrings), [12, 36]: Writer.encodeInt(fdArray)])])
        }
        let topSize = top(charset: 0, fdSelect: 0, charStrings: 0, fdArray: 0).count
        let charsetOffset = headerSize + nameIndex.count + topSize + stringIndex.count + globalIndex.count
        let selectOffset = charsetOffset + charset.count
        let charStringsOffset = selectOffset + select.count
        let fdArrayOffset = charStringsOffset + charStringIndex.count
        let fdArraySize = fdArray(privateStart: 0).count
        var out = Array(cff[0..<headerSize])
        out += cff[nameIndex]
        out += top(charset: charsetOffset, fdSelect: selectOffset, charStrings: charStringsOffset, fdArray: fdArrayOffset)
        out += cff[stringIndex]
        out += globalIndex
        out += charset
        out += select
        out += charStringIndex
        out += fdArray(privateStart: fdArrayOffset + fdArraySize)
        for block in privateBlocks { out += block }
        return out
    }

    /// `hmtx` with one full metric per kept glyph; `hhea` and `maxp` counts to match.
    private func rebuildMetrics(_ result: inout SFNTFont, glyphs: [Int]) {
        guard let hhea = font.table("hhea"), let hmtx = font.table("hmtx"), var maxp = font.table("maxp") else { return }
        let longMetrics = Int(hhea.readUInt16(34))
        var metrics: [UInt8] = []
        for glyph in glyphs {
            let long = min(glyph, longMetrics - 1)
            metrics.appendUInt16(hmtx.readUInt16(4 * long))
            let side = glyph < longMetrics ? 4 * glyph + 2 : 4 * longMetrics + 2 * (glyph - longMetrics)
            metrics.appendUInt16(hmtx.readUInt16(side))
        }
        var header = hhea
        header[34] = UInt8(glyphs.count >> 8)
        header[35] = UInt8(glyphs.count & 0xFF)
        maxp[4] = UInt8(glyphs.count >> 8)
        maxp[5] = UInt8(glyphs.count & 0xFF)
        result.replace("hmtx", with: metrics)
        result.replace("hhea", with: header)
        result.replace("maxp", with: maxp)
    }

    // MARK: - CFF pieces

    /// A DICT with the operands of some operators replaced and some operators left out.
    static func writeDict(_ entries: [CFFCharStringBlanker.DictEntry], replacing: [[UInt8]: [UInt8]],
                          dropping: Set<[UInt8]> = []) -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries where !dropping.contains(entry.op) {
            out += replacing[entry.op] ?? entry.operands
            out += entry.op
        }
        return out
    }

    /// A Type 2 charstring number in its shortest encoding.
    static func encodeNumber(_ value: Int) -> [UInt8] {
        switch value {
        case -107...107: return [UInt8(value + 139)]
        case 108...1131: return [UInt8((value - 108) >> 8 + 247), UInt8((value - 108) & 0xFF)]
        case -1131 ... -108: return [UInt8((-value - 108) >> 8 + 251), UInt8((-value - 108) & 0xFF)]
        default:
            let v = UInt16(bitPattern: Int16(value))
            return [28, UInt8(v >> 8), UInt8(v & 0xFF)]
        }
    }

    /// The byte ranges of an INDEX's items, without copying them.
    static func indexRanges(_ data: [UInt8], at offset: Int) -> [Range<Int>]? {
        guard offset >= 0, offset + 3 <= data.count else { return nil }
        let count = Int(data.readUInt16(offset)), offSize = Int(data[offset + 2])
        guard count > 0, (1...4).contains(offSize), offset + 3 + (count + 1) * offSize <= data.count else { return nil }
        let base = offset + 3 + (count + 1) * offSize - 1
        func read(_ i: Int) -> Int {
            var value = 0
            for k in 0..<offSize { value = value << 8 | Int(data[offset + 3 + i * offSize + k]) }
            return base + value
        }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(count)
        var start = read(0)
        for i in 0..<count {
            let end = read(i + 1)
            guard start <= end, end <= data.count else { return nil }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    /// Glyph id → Font DICT index, from an FDSelect of format 0 or 3.
    static func fdSelect(_ data: [UInt8], at offset: Int, glyphs: Int) -> [UInt8]? {
        guard offset < data.count else { return nil }
        switch data[offset] {
        case 0:
            guard offset + 1 + glyphs <= data.count else { return nil }
            return Array(data[offset + 1..<offset + 1 + glyphs])
        case 3:
            let ranges = Int(data.readUInt16(offset + 1))
            var result = [UInt8](repeating: 0, count: glyphs)
            for r in 0..<ranges {
                let p = offset + 3 + 3 * r
                guard p + 5 <= data.count else { return nil }
                let first = Int(data.readUInt16(p)), next = Int(data.readUInt16(p + 3))
                guard first <= next, next <= glyphs else { return nil }
                for glyph in first..<next { result[glyph] = data[p + 2] }
            }
            return result
        default:
            return nil
        }
    }
}
