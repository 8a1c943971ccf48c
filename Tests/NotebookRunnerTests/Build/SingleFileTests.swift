import Foundation
import Testing
@testable import NotebookRunner

/// `nbrun build --single-file`: the whole course as one page, its ids scoped per page and its
/// links between pages turned into links inside the page, read in Chromium from `file://`.
@Suite struct SingleFileTests {
    static let driver = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/single-file-walk.html")

    @Test func scopesIdsAndEveryReferenceToThem() {
        let scope = AnchorScope(path: "ch/alpha.html", sections: ["ch/alpha.html": "ch/alpha", "beta.html": "beta"])
        let html = """
            <h2 id="softmax">S</h2><label for="x y">L</label><a href="#eq-1" title="a > b">(1)</a>\
            <a href="../beta.html#eq-lift">(3.1)</a><a href="../beta.html">Beta</a><a href="https://example.org/#x">e</a>\
            <svg><rect clip-path="url(#c)" fill='url(#g)'/><use xlink:href="#m"/></svg><a href="../data/x.csv">csv</a>\
            <td headers="h1 h2" aria-describedby="n">1</td><style>#softmax { color: red }</style><a href="#">top</a>
            """
        let scoped = scope.scope(html)
        #expect(scoped.contains("<h2 id=\"ch/alpha/softmax\">"))
        #expect(scoped.contains("<label for=\"ch/alpha/x ch/alpha/y\">"))
        #expect(scoped.contains("<a href=\"#ch/alpha/eq-1\" title=\"a > b\">"))
        #expect(scoped.contains("<a href=\"#beta/eq-lift\">(3.1)</a>"))
        #expect(scoped.contains("<a href=\"#beta\">Beta</a>"))
        #expect(scoped.contains("href=\"https://example.org/#x\""))
        #expect(scoped.contains("clip-path=\"url(#ch/alpha/c)\" fill='url(#ch/alpha/g)'"))
        #expect(scoped.contains("<use xlink:href=\"#ch/alpha/m\"/>"))
        #expect(scoped.contains("<a href=\"data/x.csv\">csv</a>"))
        #expect(scoped.contains("headers=\"ch/alpha/h1 ch/alpha/h2\" aria-describedby=\"ch/alpha/n\""))
        #expect(scoped.contains("<style>#softmax { color: red }</style>"))
        #expect(scoped.contains("<a href=\"#ch/alpha\">top</a>"))
    }

    /// Every `href="#…"` of `html` and whether an element has that id.
    static func inPageLinks(_ html: String) -> (links: [String], missing: [String]) {
        func values(_ attribute: String) -> [String] {
            html.components(separatedBy: " \(attribute)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        }
        let ids = Set(values("id"))
        let links = values("href").filter { $0.hasPrefix("#") }.map { String($0.dropFirst()) }
        return (links, links.filter { !ids.contains($0) })
    }

    @Test func onePageHoldsEveryChapterInOrderWithOneFontAndNoScript() throws {
        let course = try TestCourse()
        defer { course.remove() }
        let outcome = try course.build { $0.singleFile = true }
        #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")
        let page = try course.read(SingleFileCourse.file)
        let order = ["intro", "ch/alpha", "ch/alpha-more", "beta", "gamma", "checked-results"]
        let positions = order.map { page.range(of: "<section class=\"nb-page nb-chapter\" id=\"\($0)\"")?.lowerBound }
        #expect(!positions.contains(nil), "\(order)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(!page.contains("<script"))
        #expect(!page.contains("<link rel=\"stylesheet\""))
        #expect(page.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        #expect(page.components(separatedBy: "font-family: \"nbrun Math\"").count <= 2)
        #expect(page.components(separatedBy: "@font-face").count - 1 == 1, "one math font for the whole course")
        // Links between pages are links inside the page, every one to an element that is there.
        let (links, missing) = Self.inPageLinks(page)
        #expect(links.contains("beta/eq-lift"))
        #expect(links.contains("ch/alpha-more/eq-log-softmax"))
        #expect(missing.isEmpty, "\(missing)")
        #expect(!page.contains("href=\"beta.html"))
        // The site is still written beside it.
        #expect(FileManager.default.fileExists(atPath: course.site.appendingPathComponent("beta.html").path))
    }

    @Test(.enabled(if: HeadlessChromium.isAvailable)) func chromiumReadsTheOnePage() throws {
        let course = try TestCourse()
        defer { course.remove() }
        let outcome = try course.build { $0.singleFile = true }
        #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")
        let plan = String(decoding: try JSONSerialization.data(withJSONObject: ["page": course.site.appendingPathComponent(SingleFileCourse.file).absoluteString]), as: UTF8.self)
        let driver = try String(contentsOf: Self.driver, encoding: .utf8).replacingOccurrences(of: "const plan = PLAN;", with: "const plan = \(plan);")
        let file = course.folder.appendingPathComponent("walk.html")
        try driver.write(to: file, atomically: true, encoding: .utf8)
        let dom = try HeadlessChromium.dumpDOM(file: file)
        guard let start = dom.range(of: "<pre id=\"log\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            Issue.record("no log: \(dom.prefix(500))"); return
        }
        let log = HTMLEntities.decode(String(dom[start.upperBound..<end.lowerBound])).split(separator: "\n").map(String.init)
        #expect(log.last == "done", "\(log.joined(separator: "\n"))")
        #expect(Array(log.prefix(6)) == ["chapter intro: Introduction", "chapter ch/alpha: Alpha", "chapter ch/alpha-more: Alpha, continued",
                                          "chapter beta: Beta", "chapter gamma: Gamma", "chapter checked-results: Checked results"], "\(log)")
        #expect(log.contains { $0.hasPrefix("formulas ") && $0.hasSuffix("not laid out as MathML 0") && !$0.hasPrefix("formulas 0,") }, "\(log)")
        #expect(log.contains("fraction numerator above denominator: true"), "\(log)")
        #expect(log.contains("link gamma → beta #beta/eq-lift (3.1) shown there: true"), "\(log)")
        #expect(!log.contains { $0.hasPrefix("failed") }, "\(log)")
    }
}
