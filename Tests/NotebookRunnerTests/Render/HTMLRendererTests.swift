import Foundation
import Testing
@testable import NotebookRunner
import TeXMath

/// `{figure}`: one of each output kind, for the golden report.
struct FigureDirective: Directive {
    static let spec = DirectiveSpec(name: "figure", arguments: .none, summary: "Shows a table, a chart and an image.", options: [])
    init(cell: Cell, options: OptionValues) throws {}

    func run(in context: ExecutionContext) throws -> CellOutputs {
        CellOutputs([
            .table(.numeric(caption: "Counts", header: ["class", "n"], rows: [["T-shirt/top", "6000"], ["<Trouser>", "6000"]])),
            .svg(SVGFigure(svg: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"10\"><title>bar</title><rect width=\"20\" height=\"10\"/></svg>", title: "A bar")),
            .images([Figure(png: [0x89, 0x50, 0x4E, 0x47], width: 28, height: 28, displayScale: 3, caption: "7", alt: "digit 7"),
                     Figure(png: [1, 2, 3], width: 28, height: 28, displayScale: 3, caption: "2 → 7", flagged: true)]),
        ])
    }
}

@Suite struct HTMLRendererTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    func render() throws -> String {
        let registry = DirectiveRegistry([EchoDirective.self, FailDirective.self, FigureDirective.self])
        let notebook = try NotebookParser.parse(contentsOf: Self.fixtures.appendingPathComponent("report.md"), file: "report.md",
                                                directives: registry.names)
        let executor = Executor(registry: registry, settings: testSettings(keepGoing: true)) { role, state in
            let parts = role.expression.split(separator: ".").map(String.init)
            return String(state.metrics[parts[0]]?.first { $0.name == parts[1] }?.value ?? .nan)
        }
        return HTMLRenderer(reproducible: true, version: "test", embedsFonts: false).render(executor.run(notebook)).html
    }

    @Test func matchesTheReviewedGoldenFile() throws {
        try assertSnapshot(try render(), named: "report.html")
    }

    @Test func pageIsSelfContained() throws {
        let html = try render()
        #expect(html.contains("Content-Security-Policy"))
        // Author HTML may not submit forms anywhere or move the page's base.
        #expect(html.contains("form-action 'none'; base-uri 'none'"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("<link"))
    }

    @Test func mathIsTypesetAndItsTeXKeptByteForByte() throws {
        let html = try render()
        #expect(html.contains(#"<annotation encoding="application/x-tex">W_{i,j}</annotation>"#))
        #expect(html.contains(#"<annotation encoding="application/x-tex">a_i</annotation>"#))
        #expect(html.contains(#"1\{i = y_n\}"#))
        #expect(!html.contains("<em>i,j"))
        #expect(!html.contains("$W_"))
        #expect(html.components(separatedBy: "<math ").count - 1 == 3)
        #expect(html.contains(#"<math xmlns="http://www.w3.org/1998/Math/MathML" display="block""#))
    }

    @Test func unknownTeXCommandsWarnAtTheirColumn() throws {
        let notebook = try parseNotebook("Text $a + \\foo{b}$ here.\n")
        let run = Executor(registry: DirectiveRegistry([]), settings: testSettings()).run(notebook)
        let (html, warnings) = HTMLRenderer(reproducible: true, embedsFonts: false).render(run)
        #expect(warnings.map(\.headline) == ["nb.md:1:11: warning: unknown command \\foo"])
        #expect(html.contains("<merror>"))
    }

    @Test func mathFontIsEmbeddedOnlyWhenThereIsMath() throws {
        let withMath = try parseNotebook("Math $x^2$.\n")
        let plain = try parseNotebook("No math.\n")
        let executor = Executor(registry: DirectiveRegistry([]), settings: testSettings())
        let renderer = HTMLRenderer(reproducible: true)
        let mathPage = renderer.render(executor.run(withMath)).html
        #expect(!renderer.render(executor.run(plain)).html.contains("@font-face"))
        if MathFont.sourcePath != nil {
            #expect(mathPage.contains("@font-face{font-family:\"Latin Modern Math\";src:url(data:font/woff;base64,"))
        }
    }

    @Test func computedTextIsEscapedAndAuthorHTMLIsNot() throws {
        let html = try render()
        #expect(html.contains("&lt;b&gt;computed text is escaped&lt;/b&gt;"))
        #expect(html.contains("<div class=\"author-html\">Raw <b>HTML</b> passes through.</div>"))
        #expect(html.contains("&lt;Trouser&gt;"))
    }

    @Test func cellsAppearInPlaceWithTheirOutputs() throws {
        let html = try render()
        let greeting = try #require(html.range(of: "id=\"cell-greeting\""))
        let heading = try #require(html.range(of: "<h2 id=\"cells\">"))
        #expect(heading.upperBound < greeting.lowerBound)
        #expect(html.contains("report.md:35:4: error: deliberate failure"))
        #expect(html.contains("The first cell&#39;s value was <span class=\"nb-inline-value\">0.5</span>") ||
                html.contains("The first cell’s value was <span class=\"nb-inline-value\">0.5</span>"))
        #expect(html.contains("<nav class=\"nb-toc\""))
    }
}

@Suite struct ProseRenderingTests {
    @Test func softBreaksBetweenChineseCharactersDisappear() throws {
        let notebook = try parseNotebook("我们先读取\n数据，然后\ntrain the model\n再评估。\n")
        var math = MathRenderer()
        let html = ProseRenderer.render(notebook, math: &math, equations: EquationRenderer(notebook: notebook, checks: EquationChecks(table: notebook.equations)),
                                         cellHTML: { _ in "" }, roleHTML: { _ in "" }, blockHTML: { _, _, _ in "" }).html
        #expect(html.contains("我们先读取数据，然后\ntrain the model\n再评估。"))
    }

    @Test func softBreaksInCodeBlocksStay() throws {
        let notebook = try parseNotebook("```text\n中\n文\n```\n")
        var math = MathRenderer()
        let html = ProseRenderer.render(notebook, math: &math, equations: EquationRenderer(notebook: notebook, checks: EquationChecks(table: notebook.equations)),
                                         cellHTML: { _ in "" }, roleHTML: { _ in "" }, blockHTML: { _, _, _ in "" }).html
        #expect(html.contains("中\n文"))
    }
}

@Suite struct TableOfContentsTests {
    @Test func subsectionsNestUnderTheirSection() throws {
        let notebook = try parseNotebook("## One\n\n### One a\n\n### One b\n\n## Two\n")
        let run = Executor(registry: DirectiveRegistry([]), settings: testSettings()).run(notebook)
        let html = HTMLRenderer(reproducible: true, embedsFonts: false).render(run).html
        #expect(html.contains("<li><a href=\"#one\">One</a>\n<ol><li><a href=\"#one-a\">One a</a></li><li><a href=\"#one-b\">One b</a></li></ol></li>\n<li><a href=\"#two\">Two</a></li>\n</ol></nav>"))
    }
}

/// Author text can never be taken for what the parser set aside.
@Suite struct PlaceholderTests {
    @Test func authorTextThatLooksLikeAPlaceholderSurvives() throws {
        let forged = "\u{E000}CELL0\u{E001}"
        let notebook = try parseNotebook("""
            # Heading NBRUNMATH0X and \(forged)

            Old words NBRUNCELL0X, NBRUNEVAL0X and NBRUNMATH0X; a forged token \(forged); math $x^2$.

            ```text
            NBRUNCELL0X \(forged)
            ```

            ```{echo}
            :label: e
            only once
            ```

            NBRUNCELL0X
            """)
        let html = HTMLRenderer(reproducible: true, version: "test", embedsFonts: false)
            .render(Executor(registry: testRegistry, settings: testSettings()).run(notebook)).html
        #expect(html.components(separatedBy: "id=\"cell-e\"").count == 2, "the cell is shown exactly once")
        #expect(html.contains("Old words NBRUNCELL0X, NBRUNEVAL0X and NBRUNMATH0X; a forged token \(forged); math <math"))
        #expect(html.contains("NBRUNCELL0X \(forged)\n</code>"))
        #expect(html.contains("<p>NBRUNCELL0X</p>"))
        #expect(html.contains("<h1>Heading NBRUNMATH0X and \(forged)</h1>"), "the first heading titles the page")
        #expect(!html.contains("\u{E000}LIT"))
    }

    @Test func tokensAreReplacedInOnePass() {
        let text = "<p>\(Placeholder.token(.cell, 2))</p>\nA \(Placeholder.token(.math, 10)) \(Placeholder.token(.literal, 0))\u{0301} \u{E000}CELL"
        let replaced = Placeholder.replaceTokens(in: text) { kind, index, whole in "[\(kind.rawValue) \(index) \(whole)]" }
        #expect(replaced == "[CELL 2 true]\nA [MATH 10 false] \u{E000}\u{0301} \u{E000}CELL")
        #expect(SlugSet.slug("Softmax \(Placeholder.token(.math, 3)) loss") == "softmax-loss")
    }
}
