import Foundation
import Testing
@testable import NotebookRunner
@testable import TeXMath

/// Chinese pages embed a subset of Noto CJK that covers every CJK character on the page.
@Suite(.enabled(if: CJKFont.sourcePath != nil))
struct CJKFontTests {
    static let notebook = """
        ---
        title: 从字节到概率
        lang: zh
        tags: [梯度下降, 教程]
        ---

        # 一、载入数据

        每个像素是一个字节 $x_j \\in \\{0, 1, \\dots, 255\\}$，送进模型之前要除以 255。「全角」标点：，。；！？

        ```{eval}
        softmax([1, 2, 3])
        ```

        | 名称 | 值 |
        """

    /// The page for `notebook`, rendered with its fonts.
    static func page() throws -> String {
        let notebook = try NotebookParser.parse(SourceText(file: "zh.md", text: Self.notebook))
        let run = Executor(settings: testSettings()).run(notebook)
        return HTMLRenderer(reproducible: true).render(run).html
    }

    /// The embedded CJK font, decoded from the page's `@font-face` rule.
    static func embeddedFont(in page: String) throws -> SFNTFont {
        let prefix = "@font-face{font-family:\"\(CJKFont.family)\";src:url(data:font/woff;base64,"
        let start = try #require(page.range(of: prefix)).upperBound
        let end = try #require(page[start...].firstIndex(of: ")"))
        let woff = try #require(Data(base64Encoded: String(page[start..<end])))
        return try #require(WOFFEncoder.decode([UInt8](woff)))
    }

    /// The page's CJK characters outside the stylesheet.
    static func cjkCharacters(of page: String) -> Set<UInt32> {
        let body = page[page.range(of: "</style>")!.upperBound...]
        return Set(body.unicodeScalars.filter(CJKFont.isCJK).map(\.value))
    }

    @Test func theEmbeddedCmapCoversEveryCJKCharacterOnThePage() throws {
        let page = try Self.page()
        let font = try Self.embeddedFont(in: page)
        let cmap = MathFontSubsetter.parseCmap(try #require(font.table("cmap")))
        let characters = Self.cjkCharacters(of: page)
        #expect(characters.count > 30)
        let missing = characters.subtracting(cmap.keys)
        #expect(missing.isEmpty, "not in the embedded font: \(String(String.UnicodeScalarView(missing.compactMap(Unicode.Scalar.init))))")
        // Only those characters: one glyph each, plus .notdef, numbered from 0.
        #expect(Set(cmap.keys) == characters)
        #expect(Int(try #require(font.table("maxp")).readUInt16(4)) == characters.count + 1)
        #expect(Set(cmap.values) == Set(1...characters.count))
        // The subset is itself a well-formed CID-keyed font: it parses and subsets again.
        let again = try #require(CIDFontSubsetter(font: font))
        #expect(characters.allSatisfy(again.covers))
        #expect(again.subset(keeping: characters) != nil)
    }

    @Test func pagesWithoutCJKEmbedNoCJKFont() throws {
        let notebook = try NotebookParser.parse(SourceText(file: "en.md", text: "# Softmax\n\nPlain English, $x^2$.\n"))
        let page = HTMLRenderer(reproducible: true).render(Executor(settings: testSettings()).run(notebook)).html
        #expect(!page.contains("font-family:\"\(CJKFont.family)\""))
    }

    /// Headless Chromium given only a Latin font (DejaVu Sans: no CJK glyph) draws the page twice,
    /// with and without the embedded font: the Chinese can only come from the subset, so the two
    /// must differ.
    @Test(.enabled(if: HeadlessChromium.isAvailable && FileManager.default.fileExists(atPath: HeadlessChromium.dejaVuSans)))
    func chromiumDrawsTheChineseFromTheEmbeddedFontAlone() throws {
        let folder = try DataFixtures.temporaryDirectory("cjk-chromium")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try HeadlessChromium.latinOnlyFontConfig(in: folder)
        let page = try Self.page()
        let face = try #require(page.range(of: #"@font-face\{font-family:"nbrun CJK";[^}]*\}"#, options: .regularExpression))
        var withoutFont = page
        withoutFont.removeSubrange(face)
        let embedded = try HeadlessChromium.screenshot(page, name: "embedded", in: folder, width: 800, height: 500, fontConfig: config)
        let bare = try HeadlessChromium.screenshot(withoutFont, name: "bare", in: folder, width: 800, height: 500, fontConfig: config)
        // Chromium writes the same pixels as the same PNG bytes; other pixels, other bytes.
        #expect(embedded.count > 5_000 && bare.count > 5_000)
        #expect(embedded != bare)
    }
}
