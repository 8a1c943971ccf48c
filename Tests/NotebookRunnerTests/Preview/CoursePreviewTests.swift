import Foundation
import Testing
@testable import NotebookRunner

/// `nbrun preview DIR` through the built binary and real HTTP requests: the course's site is
/// served with the reload hook in every page, a saved page is rebuilt alone and the site's
/// version goes up, and nothing outside the site folder (or hidden in it) is served.
@Suite(.serialized) struct CoursePreviewTests {
    /// Polls `condition` every 50 ms for up to `seconds`.
    func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    @Test func servesTheSiteAndRebuildsTheSavedPage() throws {
        let course = try TestCourse()
        defer { course.remove() }
        let preview = try PreviewProcess(in: course.folder, target: ".")
        #expect(eventually(within: 120) { preview.get("/version")?.text == "1" }, "the first build did not finish")

        // The front page and a page, each with the reload hook allowed by this response's nonce.
        let front = try #require(preview.get("/"))
        #expect(front.status == 200 && front.headers["content-type"] == "text/html; charset=utf-8")
        #expect(front.text.contains("Test course") && front.text.contains("fetch(\"/version\""))
        let policy = try #require(front.headers["content-security-policy"])
        let nonce = try #require(policy.firstMatch(of: /'nonce-([0-9a-f]{32})'/)?.1)
        #expect(front.text.contains("<script nonce=\"\(nonce)\">"))
        let beta = try #require(preview.get("/beta.html"))
        #expect(beta.status == 200 && beta.text.contains("lighter than air"))
        #expect(preview.get("/ch/alpha.html")?.text.contains("Softmax") == true)
        // The stylesheet as CSS; the search page keeps its own script (by its hash).
        #expect(preview.get("/site.css")?.headers["content-type"] == "text/css; charset=utf-8")
        let search = try #require(preview.get("/search.html"))
        #expect(search.headers["content-security-policy"]?.contains("'sha256-") == true)
        // Nothing outside the site, nor its cache.
        for path in ["/../myst.yml", "/%2e%2e/myst.yml", "/ch/%2E%2E/%2E%2E/beta.md", "/.nbrun-cache/", "/nothing.html"] {
            let response = preview.get(path)
            #expect(response?.status == 404 || response?.status == 400, "\(path): \(String(describing: response?.status))")
            #expect(response?.text.contains("project:") != true)
        }

        // Saving one word of beta: the version goes up, beta shows it, the other pages came from their memos.
        let source = try String(contentsOf: course.folder.appendingPathComponent("beta.md"), encoding: .utf8)
        try course.write("beta.md", source.replacingOccurrences(of: "lighter than air", with: "lighter than the air"))
        #expect(eventually(within: 60) { preview.get("/version")?.text == "2" }, "no rebuild after the save")
        #expect(preview.get("/beta.html")?.text.contains("lighter than the air") == true)
        let record = try String(contentsOf: course.folder.appendingPathComponent("out/build.json"), encoding: .utf8)
        let pages = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])["pages"] as? [[String: Any]]
        let rebuilt = (pages ?? []).filter { ($0["unchanged"] as? Bool) != true }.compactMap { $0["html"] as? String }
        #expect(rebuilt == ["beta.html"], "\(rebuilt)")
        // Nothing changed since: the version stays.
        Thread.sleep(forTimeInterval: 1)
        #expect(preview.get("/version")?.text == "2")
    }
}
