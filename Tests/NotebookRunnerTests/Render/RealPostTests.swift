import Foundation
import Testing
@testable import NotebookRunner
@testable import TeXMath

/// A post as people write them for Jupyter, Typora or Hexo — Chinese prose, dollar math with
/// inner spaces, a bare `equation` environment, a pipe table, a local PNG beside the notebook
/// and a Python block — renders into a page that reads on a machine with no CJK font.
@Suite(.enabled(if: CJKFont.sourcePath != nil))
struct RealPostTests {
    static let post = #"""
        ---
        title: Softmax 回归：从零开始
        lang: zh
        ---

        # 一、模型

        对每个输入 $ x $，模型先算出 $z_i = \sum_j w_{i,j} x_j $，再用 softmax 把它们变成概率：

        \begin{equation}
        \hat{y}_i = \frac{e^{z_i}}{\sum_k e^{z_k}}
        \end{equation}

        网络的结构如下图：

        ![网络结构](img/net.png)

        | 符号 | 含义 | 形状 |
        | :--- | :---: | ---: |
        | $ X $ | 输入 | $n \times d$ |
        | $W$ | 权重 | $ d \times q $ |

        用 Python 写出来只有几行：

        ```python
        def softmax(z):
            e = np.exp(z - z.max())  # 减去最大值，数值更稳定
            return e / e.sum()
        ```

        ```{eval}
        softmax([1, 2, 3])
        ```
        """#

    /// The figure beside the post: a 40×40 PNG of one colour no page style uses, so its pixels
    /// can be found on the screenshot.
    static let figureColour: [UInt8] = [255, 0, 255]
    static let figure: [UInt8] = try! PNGEncoder.encode(Bitmap(width: 40, height: 40, channels: .rgb,
                                                               pixels: Array((0..<1600).map { _ in figureColour }.joined())))

    /// Renders the post from `folder/post/post.md`, as `nbrun render` does.
    static func render(in folder: URL) throws -> (outcome: Pipeline.Outcome, html: String) {
        let notebookFolder = folder.appendingPathComponent("post")
        try FileManager.default.createDirectory(at: notebookFolder.appendingPathComponent("img"), withIntermediateDirectories: true)
        try Data(figure).write(to: notebookFolder.appendingPathComponent("img/net.png"))
        let notebook = notebookFolder.appendingPathComponent("post.md")
        try post.write(to: notebook, atomically: true, encoding: .utf8)
        let settings = RunSettings(outputDirectory: folder.appendingPathComponent("out"), reproducible: true)
        let outcome = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)).render(notebook, file: "post.md")
        return (outcome, try String(contentsOf: outcome.report, encoding: .utf8))
    }

    /// What lies between `<main>` and `</main>`.
    static func main(of html: String) throws -> Substring {
        let start = try #require(html.range(of: "<main>")).upperBound
        let end = try #require(html.range(of: "</main>", options: .backwards)).lowerBound
        return html[start..<end]
    }

    /// `text` without every `<open…close>` span.
    static func removing(_ open: String, _ close: String, from text: Substring) -> String {
        var result = "", rest = text
        while let start = rest.range(of: open), let end = rest[start.upperBound...].range(of: close) {
            result += rest[..<start.lowerBound]
            rest = rest[end.upperBound...]
        }
        return result + rest
    }

    @Test func everyFormulaIsMathMLTheTableATableTheImageEmbeddedAndTheCodeHighlighted() throws {
        let folder = try DataFixtures.temporaryDirectory("real-post")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (outcome, html) = try Self.render(in: folder)
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics)")
        #expect(!outcome.failed)
        let main = try Self.main(of: html)

        // Every formula: 2 inline in the text, the bare environment, 4 in the table.
        let notebook = try #require(outcome.run?.notebook)
        #expect(notebook.math.count == 7)
        #expect(main.components(separatedBy: "<math ").count - 1 == 7)
        #expect(main.contains("<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\""))
        let text = Self.removing("<math ", "</math>", from: Self.removing("<pre", "</pre>", from: main)[...])
        for raw in ["$", "\\begin", "\\end", "\\sum", "\\frac", "\\times"] {
            #expect(!text.contains(raw), "TeX left as text: \(raw)")
        }

        // The table, with its alignment and math in its cells.
        #expect(main.contains("<div class=\"nb-table-wrap\">\n<table>"))
        #expect(main.contains("<th align=\"center\">含义</th>"))
        #expect(main.contains("<td align=\"right\"><math "))

        // The image embedded, and no source anywhere that is not data:.
        #expect(!html.contains("src=\""))
        #expect(ProseImageTests.sources(in: html) == ["data:image/png;base64," + Data(Self.figure).base64EncodedString()])
        #expect(main.contains("alt=\"网络结构\""))

        // The Python block highlighted at render time.
        #expect(main.contains("<pre><code class=\"language-python\"><span class=\"hl-w\">def</span> softmax"))
        #expect(main.contains("<span class=\"hl-c\"># 减去最大值，数值更稳定</span>"))
        #expect(!html.contains("<script"))
    }

    /// Chromium with no CJK font draws the page twice, with and without the embedded subset:
    /// the Chinese on the first screenshot can only come from the subset, and the figure must
    /// be on it. The embedded font's cmap holds every CJK character of the page.
    @Test(.enabled(if: HeadlessChromium.isAvailable && FileManager.default.fileExists(atPath: HeadlessChromium.dejaVuSans)))
    func chromiumWithoutCJKFontsDrawsTheChineseFromTheSubsetAndShowsTheFigure() throws {
        let folder = try DataFixtures.temporaryDirectory("real-post-chromium")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (_, html) = try Self.render(in: folder)

        let font = try CJKFontTests.embeddedFont(in: html)
        let cmap = MathFontSubsetter.parseCmap(try #require(font.table("cmap")))
        let characters = CJKFontTests.cjkCharacters(of: html)
        #expect(characters.count > 40)
        let missing = characters.subtracting(cmap.keys)
        #expect(missing.isEmpty, "not in the embedded font: \(String(String.UnicodeScalarView(missing.compactMap(Unicode.Scalar.init))))")

        let face = try #require(html.range(of: #"@font-face\{font-family:"nbrun CJK";[^}]*\}"#, options: .regularExpression))
        var withoutSubset = html
        withoutSubset.removeSubrange(face)
        let config = try HeadlessChromium.latinOnlyFontConfig(in: folder)
        let embedded = try HeadlessChromium.screenshot(html, name: "real-post", in: folder, width: 800, height: 1000, fontConfig: config)
        let bare = try HeadlessChromium.screenshot(withoutSubset, name: "real-post-no-cjk-font", in: folder,
                                                   width: 800, height: 1000, fontConfig: config)
        #expect(embedded.count > 10_000 && bare.count > 10_000)
        #expect(embedded != bare, "the page looks the same without its CJK font")

        guard IndependentPNGDecoder.isAvailable else { return }
        let drawn = try IndependentPNGDecoder.decode([UInt8](embedded))
        let boxes = try IndependentPNGDecoder.decode([UInt8](bare))
        #expect(drawn.width == boxes.width && drawn.height == boxes.height)
        func pixel(_ image: Bitmap, _ index: Int) -> ArraySlice<UInt8> {
            let channels = image.channels.rawValue
            return image.pixels[(index * channels)..<(index * channels + 3)]
        }
        let count = drawn.width * drawn.height
        // The figure is on the page at its size (40×40, drawn at device scale 1).
        let figurePixels = (0..<count).count { Array(pixel(drawn, $0)) == Self.figureColour }
        #expect(figurePixels >= 1600, "figure pixels on the screenshot: \(figurePixels)")
        // The Chinese changes thousands of pixels: glyphs where the bare page has empty boxes.
        let differing = (0..<count).count { pixel(drawn, $0) != pixel(boxes, $0) }
        #expect(differing > 5_000, "pixels that differ with the subset: \(differing)")
    }
}
