import Foundation
import Testing
@testable import NotebookRunner

/// `{figure}`: one of each output kind, for the golden report.
struct FigureDirective: Directive {
    static let spec = DirectiveSpec(name: "figure", arguments: "", summary: "Shows a table, a chart and an image.", options: [])
    init(cell: Cell, defaults: Defaults) throws {}

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
        let notebook = try NotebookParser.parse(contentsOf: Self.fixtures.appendingPathComponent("report.md"), file: "report.md")
        let registry = DirectiveRegistry([EchoDirective.self, FailDirective.self, FigureDirective.self])
        let executor = Executor(registry: registry, settings: testSettings(keepGoing: true)) { role, state in
            let parts = role.expression.split(separator: ".").map(String.init)
            return String(state.metrics[parts[0]]?.first { $0.name == parts[1] }?.value ?? .nan)
        }
        return HTMLRenderer(reproducible: true, version: "test").render(executor.run(notebook)).html
    }

    @Test func matchesTheReviewedGoldenFile() throws {
        try assertSnapshot(try render(), named: "report.html")
    }

    @Test func pageIsSelfContained() throws {
        let html = try render()
        #expect(html.contains("Content-Security-Policy"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("<link"))
    }

    @Test func mathReachesThePageByteForByte() throws {
        let html = try render()
        #expect(html.contains("$W_{i,j}$"))
        #expect(html.contains("$a_i$"))
        #expect(!html.contains("<em>i,j"))
        #expect(html.contains(#"1\{i = y_n\}"#))
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
