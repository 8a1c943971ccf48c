import Foundation
import Testing
@testable import TeXMath

/// The embedded font: valid WOFF, outlines kept exactly for the glyphs in use, and small.
@Suite(.enabled(if: MathFont.sourcePath != nil, "no math font installed (Debian fonts-lmodern)"))
struct MathFontTests {
    static let sampleText = MathMLConverter().convert(
        "J(W) = -\\frac{1}{N}\\sum_{n=1}^{N} \\ln P_{y_n}(x_n) + \\left(\\mathbb{1}\\{i = y_n\\}\\right)", display: true
    ).mathML

    @Test func fontFaceIsADataURL() throws {
        let css = try #require(MathFont.fontFaceCSS(forText: Self.sampleText))
        #expect(css.hasPrefix("@font-face{font-family:\"Latin Modern Math\";src:url(data:font/woff;base64,"))
        #expect(css.contains("format(\"woff\")"))
        #expect(!css.contains("\n"))
    }

    @Test func woffRoundTripsToTheSameTables() throws {
        let original = try #require(MathFont.installedFont?.font)
        let woff = try #require(MathFont.woffData(forText: "", subset: false))
        #expect(woff.readUInt32(0) == 0x774F_4646)
        #expect(Int(woff.readUInt32(8)) == woff.count)
        let decoded = try #require(WOFFEncoder.decode(woff))
        #expect(decoded.flavor == original.flavor)
        for table in original.tables {
            #expect(decoded.table(table.tag) == table.data, "table \(table.tag)")
        }
    }

    @Test func subsetKeepsUsedGlyphsAndTheirStretchyVariants() throws {
        let original = try #require(MathFont.installedFont?.font)
        let woff = try #require(MathFont.woffData(forText: Self.sampleText))
        let subset = try #require(WOFFEncoder.decode(woff))
        let before = try #require(CFFCharStringBlanker(cff: original.table("CFF ")!))
        let after = try #require(CFFCharStringBlanker(cff: subset.table("CFF ")!), "the rewritten CFF must parse")
        #expect(after.glyphCount == before.glyphCount, "glyph ids are kept")
        for tag in ["MATH", "GSUB", "GPOS", "head", "hhea", "maxp"] {
            #expect(subset.table(tag) == original.table(tag), "\(tag) is untouched")
        }
        let cmap = MathFontSubsetter.parseCmap(original.table("cmap")!)
        let subsetCmap = MathFontSubsetter.parseCmap(subset.table("cmap")!)
        #expect(subsetCmap[0x2211] == cmap[0x2211])
        #expect(subsetCmap[0x41] == cmap[0x41])
        #expect(subsetCmap[0x2128] == nil, "ℨ is not used, so it falls back to another font")
        #expect(subsetCmap.allSatisfy { cmap[$0.key] == $0.value })
        // ∑ and ( are used; their display-size variants come from the MATH table.
        var used: Set<Int> = [try #require(cmap[0x2211]), try #require(cmap[0x28])]
        let direct = used
        MathFontSubsetter.addMathVariants(original.table("MATH")!, to: &used)
        #expect(used.count > direct.count + 4)
        for glyph in used {
            #expect(after.charString(glyph) == before.charString(glyph), "glyph \(glyph) kept")
        }
        // A character used nowhere (a Cyrillic-free sample; fraktur Z) loses its outline.
        let unused = try #require(cmap[0x2128])
        #expect(after.charString(unused) == [14])
    }

    @Test func subsetIsMuchSmallerThanTheFullFont() throws {
        let full = try #require(MathFont.woffData(forText: "", subset: false))
        let subset = try #require(MathFont.woffData(forText: ProcessInfo.processInfo.environment["TEXMATH_FONT_TEXT"] ?? Self.sampleText))
        let file = try #require(MathFont.sourcePath.flatMap { FileManager.default.contents(atPath: $0) })
        print("math font: otf \(file.count) B, woff \(full.count) B, subset woff \(subset.count) B, base64 \((subset.count + 2) / 3 * 4) B")
        let converter = MathMLConverter()
        let tutorial = GoldenCase.all.filter {
            ["softmax", "cross entropy", "gradient", "jacobian", "one hot", "relu cases", "softmax derivative",
             "gradient descent"].contains($0.name)
        }.map { converter.convert($0.tex, display: $0.display).mathML }.joined()
        let everything = GoldenCase.all.map { converter.convert($0.tex, display: $0.display).mathML }.joined()
        for (name, text) in [("one letter", converter.convert("x", display: false).mathML),
                             ("tutorial formulas", tutorial), ("all golden cases", everything)] {
            let start = ContinuousClock.now
            let bytes = MathFont.fontFaceCSS(forText: text)?.utf8.count ?? 0
            print("math font @font-face for \(name): \(bytes) B in \(ContinuousClock.now - start)")
        }
        if let dump = ProcessInfo.processInfo.environment["TEXMATH_FONT_DUMP"] {
            try Data(subset).write(to: URL(fileURLWithPath: dump))
        }
        #expect(full.count < file.count)
        #expect(subset.count * 2 < full.count)
    }
}

/// Which characters the subset keeps, for MathML and for TeX source alike.
@Suite struct MathFontCharacterTests {
    @Test func texSourceBringsTheSymbolsOfItsCommands() {
        let set = MathFontSubsetter.characters(for: "\\alpha + \\sum_i \\mathbb{R} \\boldsymbol{\\theta}")
        for scalar: UInt32 in [0x3B1, 0x1D6FC, 0x2211, 0x211D, 0x1D73D] {
            #expect(set.contains(scalar), "U+\(String(scalar, radix: 16, uppercase: true))")
        }
        #expect(!set.contains(0x1D538), "𝔸 is not used")
    }

    @Test func mathMLBringsItsCharactersAndTheirItalicForms() {
        let mathML = MathMLConverter().convert("x \\le \\mathbf{W}", display: false).mathML
        let set = MathFontSubsetter.characters(for: mathML)
        for scalar: UInt32 in [0x78, 0x1D465, 0x2264, 0x1D416, 0x221A] {
            #expect(set.contains(scalar), "U+\(String(scalar, radix: 16, uppercase: true))")
        }
    }

    @Test func argumentsOfAlphabetCommands() {
        #expect(MathFontSubsetter.arguments(of: "\\mathbb", in: "\\mathbb{R}^n + \\mathbb 1 + \\mathbbx") == ["R", "1"])
        #expect(MathFontSubsetter.arguments(of: "\\mathbf", in: "\\mathbf{W_{i}}") == ["W_{i}"])
    }
}

/// Every installed candidate font (the TeX Gyre fallbacks too) can be subset and wrapped.
@Suite struct MathFontCandidateTests {
    @Test(arguments: MathFont.candidatePaths.filter { FileManager.default.fileExists(atPath: $0) })
    func candidateSubsetsAndRoundTrips(_ path: String) throws {
        let data = try #require(FileManager.default.contents(atPath: path))
        let font = try #require(SFNTFont(bytes: [UInt8](data)))
        let subsetter = try #require(MathFontSubsetter(font: font))
        let reduced = try #require(subsetter.subset(keeping: "\\sum_i x_i^2 = \\left(\\frac{a}{b}\\right)"))
        let woff = WOFFEncoder.encode(reduced)
        let decoded = try #require(WOFFEncoder.decode(woff))
        let cff = try #require(decoded.table("CFF "))
        let blanker = try #require(CFFCharStringBlanker(cff: cff))
        #expect(blanker.glyphCount == CFFCharStringBlanker(cff: font.table("CFF ")!)?.glyphCount)
        #expect(woff.count * 3 < data.count)
    }
}
