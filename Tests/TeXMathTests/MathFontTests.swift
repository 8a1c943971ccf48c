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
        for tag in ["MATH", "GSUB", "GPOS", "cmap", "hmtx"] {
            #expect(subset.table(tag) == original.table(tag), "\(tag) is untouched")
        }
        let cmap = MathFontSubsetter.parseCmap(original.table("cmap")!)
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
        let subset = try #require(MathFont.woffData(forText: Self.sampleText))
        let file = try #require(MathFont.sourcePath.flatMap { FileManager.default.contents(atPath: $0) })
        print("math font: otf \(file.count) B, woff \(full.count) B, subset woff \(subset.count) B, base64 \((subset.count + 2) / 3 * 4) B")
        if let dump = ProcessInfo.processInfo.environment["TEXMATH_FONT_DUMP"] {
            try Data(subset).write(to: URL(fileURLWithPath: dump))
        }
        #expect(full.count < file.count)
        #expect(subset.count * 2 < full.count)
    }
}
