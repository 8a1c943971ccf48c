/// Chooses the glyphs a report needs (characters used, their italic and stretchy variants) and
/// blanks all other outlines of a CFF math font.
struct MathFontSubsetter {
    private var font: SFNTFont
    private let cmap: [UInt32: Int]
    private let blanker: CFFCharStringBlanker

    init?(font: SFNTFont) {
        guard let cff = font.table("CFF "), let blanker = CFFCharStringBlanker(cff: cff),
              let cmapTable = font.table("cmap") else { return nil }
        let cmap = MathFontSubsetter.parseCmap(cmapTable)
        guard !cmap.isEmpty else { return nil }
        self.font = font
        self.cmap = cmap
        self.blanker = blanker
    }

    /// The font with outlines only for the glyphs needed to show `text`, or nil on failure.
    func subset(keeping text: String) -> SFNTFont? {
        var glyphs: Set<Int> = [0]
        for scalar in MathFontSubsetter.characters(for: text) {
            if let gid = cmap[scalar] { glyphs.insert(gid) }
        }
        // Stretchy variants and assembly parts (MATH), script-style and other alternates (GSUB),
        // until nothing new is added.
        let math = font.table("MATH") ?? []
        let gsub = font.table("GSUB") ?? []
        for _ in 0..<8 {
            let before = glyphs.count
            MathFontSubsetter.addMathVariants(math, to: &glyphs)
            MathFontSubsetter.addSubstitutions(gsub, to: &glyphs)
            if glyphs.count == before { break }
        }
        var result = font
        result.replace("CFF ", with: blanker.blank(keeping: glyphs))
        // Characters whose glyphs were dropped leave the cmap, so browsers fall back to another font
        // instead of drawing nothing; dropped glyphs get zero metrics, which compress to nothing.
        result.replace("cmap", with: MathFontSubsetter.writeCmap(cmap.filter { glyphs.contains($0.value) }))
        if let hhea = font.table("hhea"), var hmtx = font.table("hmtx") {
            let metrics = Int(hhea.readUInt16(34))
            for gid in 0..<blanker.glyphCount where !glyphs.contains(gid) {
                let range = gid < metrics ? gid * 4..<gid * 4 + 4
                    : metrics * 4 + (gid - metrics) * 2..<metrics * 4 + (gid - metrics) * 2 + 2
                guard range.upperBound <= hmtx.count else { continue }
                for i in range { hmtx[i] = 0 }
            }
            result.replace("hmtx", with: hmtx)
        }
        return result
    }

    /// A cmap with a format 4 (BMP) and a format 12 (all planes) Unicode subtable.
    static func writeCmap(_ map: [UInt32: Int]) -> [UInt8] {
        let codes = map.keys.sorted()
        // Runs of consecutive code points mapped to consecutive glyphs.
        var runs: [(start: UInt32, end: UInt32, glyph: Int)] = []
        for code in codes {
            let glyph = map[code]!
            if let last = runs.last, last.end + 1 == code, last.glyph + Int(code - last.start) == glyph {
                runs[runs.count - 1].end = code
            } else {
                runs.append((code, code, glyph))
            }
        }
        var format4: [UInt8] = []
        var segments = runs.filter { $0.start <= 0xFFFE }.map { run in
            (start: run.start, end: min(run.end, 0xFFFE), glyph: run.glyph)
        }
        segments.append((0xFFFF, 0xFFFF, 0))
        let segCount = segments.count
        var searchRange = 1, entrySelector = 0
        while searchRange * 2 <= segCount { searchRange *= 2; entrySelector += 1 }
        format4.appendUInt16(4)
        format4.appendUInt16(UInt16(truncatingIfNeeded: 16 + 8 * segCount))
        format4.appendUInt16(0)
        format4.appendUInt16(UInt16(segCount * 2))
        format4.appendUInt16(UInt16(searchRange * 2))
        format4.appendUInt16(UInt16(entrySelector))
        format4.appendUInt16(UInt16(segCount * 2 - searchRange * 2))
        for segment in segments { format4.appendUInt16(UInt16(segment.end)) }
        format4.appendUInt16(0)
        for segment in segments { format4.appendUInt16(UInt16(segment.start)) }
        for segment in segments {
            let delta = segment.start == 0xFFFF ? 1 : (segment.glyph - Int(segment.start)) & 0xFFFF
            format4.appendUInt16(UInt16(delta))
        }
        for _ in segments { format4.appendUInt16(0) }
        var format12: [UInt8] = []
        format12.appendUInt16(12)
        format12.appendUInt16(0)
        format12.appendUInt32(UInt32(16 + 12 * runs.count))
        format12.appendUInt32(0)
        format12.appendUInt32(UInt32(runs.count))
        for run in runs {
            format12.appendUInt32(run.start)
            format12.appendUInt32(run.end)
            format12.appendUInt32(UInt32(run.glyph))
        }
        var out: [UInt8] = []
        out.appendUInt16(0)
        out.appendUInt16(2)
        out += [0, 3, 0, 1]
        out.appendUInt32(20)
        out += [0, 3, 0, 10]
        out.appendUInt32(UInt32(20 + format4.count))
        return out + format4 + format12
    }

    // MARK: - Characters

    /// Characters of `text` and their italic forms, the symbols of any TeX commands in it (so TeX
    /// source works as well as MathML), ASCII, and glyphs browsers draw on their own (√).
    static func characters(for text: String) -> Set<UInt32> {
        // One pass collects the distinct scalars and command names (the text is all the page's
        // MathML, megabytes of few distinct characters); each is then looked up once.
        var asciiSeen = [Bool](repeating: false, count: 128)
        var scalars = Set<Unicode.Scalar>()
        var commands = Set<String>()
        var command = ""
        var inCommand = false
        for scalar in text.unicodeScalars {
            if scalar.isASCII { asciiSeen[Int(scalar.value)] = true } else { scalars.insert(scalar) }
            if inCommand, TeXTokenizer.isLetter(scalar) {
                command.unicodeScalars.append(scalar)
                continue
            }
            if inCommand {
                commands.insert(command)
                command = ""
            }
            inCommand = scalar == "\\"
        }
        if inCommand { commands.insert(command) }
        for (value, seen) in asciiSeen.enumerated() where seen { scalars.insert(Unicode.Scalar(UInt8(value))) }

        var set = baseCharacters
        func addSymbols(of name: String) {
            guard !name.isEmpty else { return }
            let symbol = SymbolTable.greekLower[name] ?? SymbolTable.greekUpper[name] ?? SymbolTable.ordinary[name]
                ?? SymbolTable.operators[name]?.0 ?? SymbolTable.largeOperators[name]?.0
                ?? SymbolTable.accents[name]?.0 ?? SymbolTable.delimiters[name] ?? SymbolTable.textSymbol(name)
            for scalar in (symbol ?? "").unicodeScalars {
                set.insert(scalar.value)
                if let italic = MathAlphabet.italic.map(scalar) { set.insert(italic.value) }
            }
        }
        for scalar in scalars {
            set.insert(scalar.value)
            // `<mi>x</mi>` is drawn with the italic code point.
            if let italic = MathAlphabet.italic.map(scalar) { set.insert(italic.value) }
        }
        for name in commands { addSymbols(of: name) }
        for (trigger, alphabet) in alphabetTriggers where commands.contains(String(trigger.dropFirst())) {
            for argument in arguments(of: trigger, in: text) {
                var symbols = String.UnicodeScalarView()
                for scalar in argument.unicodeScalars { symbols.append(scalar) }
                for name in commandNames(in: argument) {
                    symbols.append(contentsOf: (SymbolTable.greekLower[name] ?? SymbolTable.greekUpper[name]
                        ?? SymbolTable.ordinary[name] ?? "").unicodeScalars)
                }
                for scalar in symbols {
                    for style in [alphabet, .bold, .boldItalic] {
                        if let mapped = style.map(scalar) { set.insert(mapped.value) }
                    }
                }
            }
        }
        return set
    }

    /// The braced (or single-character) arguments following each occurrence of `command` in `text`.
    static func arguments(of command: String, in text: String) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while let end = end(of: command, in: rest) {
            rest = rest[end...]
            if let next = rest.unicodeScalars.first, TeXTokenizer.isLetter(next) { continue }
            let trimmed = rest.drop { $0 == " " }
            guard let first = trimmed.first else { break }
            if first != "{" {
                result.append(String(first))
                continue
            }
            var level = 0
            var argument = ""
            var length = 0
            for character in trimmed.dropFirst() {
                if character == "{" { level += 1 }
                if character == "}" {
                    if level == 0 { break }
                    level -= 1
                }
                argument.append(character)
                length += 1
                if length > 200 { break }
            }
            result.append(argument)
        }
        return result
    }

    /// Where the first occurrence of `command` (ASCII) in `text` ends, comparing UTF-8 bytes:
    /// linear in the bytes searched (Foundation's `range(of:)` on a substring counts UTF-16
    /// offsets from the start of the whole text on every call, which made the loop above quadratic).
    private static func end(of command: String, in text: Substring) -> String.Index? {
        let bytes = text.utf8, needle = command.utf8
        guard let first = needle.first else { return nil }
        var from = bytes.startIndex
        while let start = bytes[from...].firstIndex(of: first) {
            if bytes[start...].starts(with: needle) { return bytes.index(start, offsetBy: needle.count) }
            from = bytes.index(after: start)
        }
        return nil
    }

    private static func commandNames(in text: String) -> [String] {
        var names: [String] = []
        var current: String?
        for scalar in text.unicodeScalars {
            if current != nil, TeXTokenizer.isLetter(scalar) {
                current!.unicodeScalars.append(scalar)
                continue
            }
            if let name = current, !name.isEmpty { names.append(name) }
            current = scalar == "\\" ? "" : nil
        }
        if let name = current, !name.isEmpty { names.append(name) }
        return names
    }

    /// TeX alphabet commands: the letters of their arguments are needed in the styled alphabet.
    private static let alphabetTriggers: [(String, MathAlphabet)] = [
        ("\\mathbf", .bold), ("\\boldsymbol", .boldItalic), ("\\bm", .boldItalic), ("\\mathbb", .doubleStruck),
        ("\\mathcal", .script), ("\\mathscr", .script), ("\\mathfrak", .fraktur), ("\\mathsf", .sansSerif),
        ("\\mathtt", .monospace), ("\\mathit", .italic),
    ]

    private static let baseCharacters: Set<UInt32> = {
        var set = Set<UInt32>()
        for v in UInt32(0x20)...0x7E { set.insert(v) }
        for v: UInt32 in [0xA0, 0x2212, 0x221A, 0x2032] { set.insert(v) }
        return set
    }()

    // MARK: - cmap

    /// Code point → glyph id from the best Unicode subtable (format 12, else format 4).
    static func parseCmap(_ t: [UInt8]) -> [UInt32: Int] {
        let count = Int(t.readUInt16(2))
        var format4: Int?
        var format12: Int?
        for i in 0..<count {
            let record = 4 + 8 * i
            let platform = t.readUInt16(record), encoding = t.readUInt16(record + 2)
            let offset = Int(t.readUInt32(record + 4))
            guard platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10)) else { continue }
            switch t.readUInt16(offset) {
            case 12: format12 = offset
            case 4: format4 = format4 ?? offset
            default: break
            }
        }
        var map: [UInt32: Int] = [:]
        if let offset = format12 {
            let groups = Int(t.readUInt32(offset + 12))
            for g in 0..<groups {
                let p = offset + 16 + 12 * g
                let start = t.readUInt32(p), end = t.readUInt32(p + 4), glyph = Int(t.readUInt32(p + 8))
                guard end >= start, end - start < 0x110000 else { continue }
                for c in start...end { map[c] = glyph + Int(c - start) }
            }
        } else if let offset = format4 {
            let segments = Int(t.readUInt16(offset + 6)) / 2
            let ends = offset + 14, starts = ends + 2 * segments + 2
            let deltas = starts + 2 * segments, ranges = deltas + 2 * segments
            for s in 0..<segments {
                let end = UInt32(t.readUInt16(ends + 2 * s)), start = UInt32(t.readUInt16(starts + 2 * s))
                let delta = Int(t.readUInt16(deltas + 2 * s)), rangeOffset = Int(t.readUInt16(ranges + 2 * s))
                guard start <= end, start != 0xFFFF else { continue }
                for c in start...end {
                    var glyph: Int
                    if rangeOffset == 0 {
                        glyph = (Int(c) + delta) & 0xFFFF
                    } else {
                        let p = ranges + 2 * s + rangeOffset + 2 * Int(c - start)
                        glyph = Int(t.readUInt16(p))
                        if glyph != 0 { glyph = (glyph + delta) & 0xFFFF }
                    }
                    if glyph != 0 { map[c] = glyph }
                }
            }
        }
        return map
    }

    // MARK: - MATH and GSUB closure

    /// Glyph ids of a Coverage table, in coverage-index order.
    static func coverage(_ t: [UInt8], at offset: Int) -> [Int] {
        var glyphs: [Int] = []
        switch t.readUInt16(offset) {
        case 1:
            let count = Int(t.readUInt16(offset + 2))
            for i in 0..<count { glyphs.append(Int(t.readUInt16(offset + 4 + 2 * i))) }
        case 2:
            let count = Int(t.readUInt16(offset + 2))
            for i in 0..<count {
                let p = offset + 4 + 6 * i
                let start = Int(t.readUInt16(p)), end = Int(t.readUInt16(p + 2))
                if start <= end { glyphs.append(contentsOf: start...end) }
            }
        default: break
        }
        return glyphs
    }

    static func addMathVariants(_ t: [UInt8], to glyphs: inout Set<Int>) {
        guard t.count > 10 else { return }
        let variants = Int(t.readUInt16(8))
        guard variants > 0 else { return }
        let vertical = coverage(t, at: variants + Int(t.readUInt16(variants + 2)))
        let horizontal = coverage(t, at: variants + Int(t.readUInt16(variants + 4)))
        let vertCount = Int(t.readUInt16(variants + 6))
        let horizCount = Int(t.readUInt16(variants + 8))
        func visit(_ covered: [Int], count: Int, firstOffset: Int) {
            for (index, glyph) in covered.enumerated() where index < count && glyphs.contains(glyph) {
                let construction = variants + Int(t.readUInt16(firstOffset + 2 * index))
                let assembly = Int(t.readUInt16(construction))
                let variantCount = Int(t.readUInt16(construction + 2))
                for v in 0..<variantCount {
                    glyphs.insert(Int(t.readUInt16(construction + 4 + 4 * v)))
                }
                if assembly != 0 {
                    let a = construction + assembly
                    let parts = Int(t.readUInt16(a + 4))
                    for p in 0..<parts { glyphs.insert(Int(t.readUInt16(a + 6 + 10 * p))) }
                }
            }
        }
        visit(vertical, count: vertCount, firstOffset: variants + 10)
        visit(horizontal, count: horizCount, firstOffset: variants + 10 + 2 * vertCount)
    }

    static func addSubstitutions(_ t: [UInt8], to glyphs: inout Set<Int>) {
        guard t.count > 10 else { return }
        let lookupList = Int(t.readUInt16(8))
        let lookups = Int(t.readUInt16(lookupList))
        for l in 0..<lookups {
            let lookup = lookupList + Int(t.readUInt16(lookupList + 2 + 2 * l))
            var type = Int(t.readUInt16(lookup))
            let subtables = Int(t.readUInt16(lookup + 4))
            for s in 0..<subtables {
                var sub = lookup + Int(t.readUInt16(lookup + 6 + 2 * s))
                if type == 7 {
                    type = Int(t.readUInt16(sub + 2))
                    sub += Int(t.readUInt32(sub + 4))
                }
                addSubstitution(t, type: type, at: sub, to: &glyphs)
            }
        }
    }

    private static func addSubstitution(_ t: [UInt8], type: Int, at sub: Int, to glyphs: inout Set<Int>) {
        let format = t.readUInt16(sub)
        let covered = coverage(t, at: sub + Int(t.readUInt16(sub + 2)))
        switch type {
        case 1:
            for (index, glyph) in covered.enumerated() where glyphs.contains(glyph) {
                if format == 1 {
                    glyphs.insert((glyph + Int(Int16(bitPattern: t.readUInt16(sub + 4)))) & 0xFFFF)
                } else {
                    glyphs.insert(Int(t.readUInt16(sub + 6 + 2 * index)))
                }
            }
        case 2, 3:
            // Multiple substitution (sequences) and alternates share one layout.
            for (index, glyph) in covered.enumerated() where glyphs.contains(glyph) {
                let set = sub + Int(t.readUInt16(sub + 6 + 2 * index))
                let count = Int(t.readUInt16(set))
                for k in 0..<count { glyphs.insert(Int(t.readUInt16(set + 2 + 2 * k))) }
            }
        case 4:
            for (index, glyph) in covered.enumerated() where glyphs.contains(glyph) {
                let set = sub + Int(t.readUInt16(sub + 6 + 2 * index))
                let count = Int(t.readUInt16(set))
                for k in 0..<count {
                    let ligature = set + Int(t.readUInt16(set + 2 + 2 * k))
                    let components = Int(t.readUInt16(ligature + 2))
                    let all = (0..<max(0, components - 1)).allSatisfy {
                        glyphs.contains(Int(t.readUInt16(ligature + 4 + 2 * $0)))
                    }
                    if all { glyphs.insert(Int(t.readUInt16(ligature))) }
                }
            }
        default:
            break
        }
    }
}
