import Foundation
import Testing
@testable import NotebookRunner

/// A course site as a reader sees it in Chromium, opened from `file://`: the sidebar and the
/// previous/next links lead where they say, the search page finds a word of a middle chapter
/// and its result lands on it, and an equation reference to another chapter shows the number
/// the target page shows.
@Suite(.enabled(if: HeadlessChromium.isAvailable)) struct SiteBrowserTests {
    static let driver = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/site-walk.html")

    /// The log the driver page writes while it walks the site, run in Chromium.
    static func walk(site: URL, chapter: String, word: String, wordPage: String, referrer: String, in folder: URL) throws -> [String] {
        let plan: [String: String] = [
            "start": site.appendingPathComponent("index.html").absoluteString, "chapter": chapter, "word": word,
            "wordPage": wordPage, "referrer": site.appendingPathComponent(referrer).absoluteString,
        ]
        let json = String(decoding: try JSONSerialization.data(withJSONObject: plan, options: [.sortedKeys]), as: UTF8.self)
        let page = try String(contentsOf: driver, encoding: .utf8).replacingOccurrences(of: "const plan = PLAN;", with: "const plan = \(json);")
        let file = folder.appendingPathComponent("walk.html")
        try page.write(to: file, atomically: true, encoding: .utf8)
        let dom = try HeadlessChromium.dumpDOM(file: file)
        guard let start = dom.range(of: "<pre id=\"log\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else { return [dom] }
        return HTMLEntities.decode(String(dom[start.upperBound..<end.lowerBound])).split(separator: "\n").map(String.init)
    }

    @Test func readerWalksTheSiteFromFiles() throws {
        let course = try TestCourse()
        defer { course.remove() }
        let outcome = try course.build()
        #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")
        let log = try Self.walk(site: course.site, chapter: "Alpha", word: "zeppelin", wordPage: "beta.html", referrer: "gamma.html",
                                in: course.folder)
        #expect(log.last == "done", "\(log.joined(separator: "\n"))")
        #expect(log.contains("equation link on gamma.html shows (3.1) → beta.html#eq-lift"), "\(log)")
        #expect(log.contains("landed on beta.html#zeppelins"), "\(log)")
    }
}

/// The few entities Chromium writes in a dumped DOM's text.
enum HTMLEntities {
    static func decode(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}
