import Foundation
import Testing
@testable import NotebookRunner

/// What a reader sees of three real pages in Chromium: a QuantEcon lecture (theorems, gated
/// exercises and solutions), a d2l chapter (pandoc-attribute code), and a Quarto page with
/// callouts (from the fetched corpus, when it is there). Boxes are titled, code highlighted,
/// and no `:::` or directive fence is left as text on the laid-out page.
/// `NBRUN_KEEP_SCREENSHOTS=DIR` keeps the PNGs for a person to look at.
@Suite(.enabled(if: HeadlessChromium.isAvailable)) struct DialectScreenshotTests {
    static func renderPage(_ page: URL, in folder: URL) throws -> String {
        // The pages name a Python kernel; what is checked here is how their Markdown reads, so
        // their code is shown and not run (the kernel tests run code).
        var settings = RunSettings(outputDirectory: folder, reproducible: true)
        settings.executesCode = false
        let pipeline = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent), cacheMode: .off)
        let outcome = pipeline.render(page, file: page.lastPathComponent)
        return try String(contentsOf: outcome.report, encoding: .utf8)
    }

    /// The prose Chromium lays out: the DOM after layout without its code blocks (which may show
    /// Markdown examples on purpose), tags and CSS.
    static func visibleText(_ dom: String) -> String {
        let body = dom.components(separatedBy: "<body>").last ?? dom
        return body.replacingOccurrences(of: "(?s)<pre.*?</pre>", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
    }

    func check(_ page: URL, name: String, expecting titles: [String]) throws {
        let folder = try DataFixtures.temporaryDirectory("dialect-shot-\(name)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = try Self.renderPage(page, in: folder)
        let png = try HeadlessChromium.screenshot(html, name: "dialect-\(name)", in: folder, width: 1000, height: 2400)
        #expect(png.count > 10_000, "Chromium drew the page")
        let dom = try HeadlessChromium.dumpDOM(html, name: "dialect-\(name)-dom", in: folder, width: 1000, height: 2400)
        let text = Self.visibleText(dom)
        for title in titles { #expect(dom.contains(title), "\(name): \(title)") }
        #expect(!text.contains(":::"), "\(name): a colon fence left as text")
        #expect(text.range(of: "```\\{[a-z-]+\\}", options: .regularExpression) == nil, "\(name): a directive fence left as text")
        #expect(dom.contains("<span class=\"hl-"), "\(name): code is highlighted")
    }

    @Test func aQuantEconLectureShowsNumberedTheoremsAndGatedExercises() throws {
        let page = CorpusTests.root.appendingPathComponent("sample/QuantEcon+lecture-python-intro/lectures/lln_clt.md")
        try check(page, name: "quantecon", expecting: ["<p class=\"nb-block-title\">Theorem 1", "Exercise 1", "Solution to Exercise 1",
                                                        "Python code cells shown, not run"])
    }

    @Test func aD2LChapterShowsItsCodeAndFigures() throws {
        let page = CorpusTests.root.appendingPathComponent("sample/d2l-ai+d2l-en/chapter_linear-regression/linear-regression.md")
        try check(page, name: "d2l", expecting: ["<h1>Linear Regression</h1>", "data-language=\"python\""])
    }

    @Test func aQuartoPageShowsItsCallouts() throws {
        let page = CorpusTests.root.appendingPathComponent("pages/quarto-dev+quarto-web/docs/authoring/callouts.qmd")
        guard FileManager.default.fileExists(atPath: page.path) else {
            print("Quarto screenshot: skipped, the fetched corpus is absent (Tests/corpus/fetch.sh)")
            return
        }
        try check(page, name: "quarto", expecting: ["<aside class=\"nb-admonition nb-note\"", "<aside class=\"nb-admonition nb-warning\""])
    }

    @Test func aMySTPageShowsFiguresCaptionedAndNumbered() throws {
        let page = CorpusTests.root.appendingPathComponent("sample/jupyter-book+mystmd/docs/figures.md")
        let folder = try DataFixtures.temporaryDirectory("dialect-figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let html = try Self.renderPage(page, in: folder)
        #expect(html.contains("<figcaption><span class=\"nb-figure-number\">Figure 1</span>"))
    }
}
