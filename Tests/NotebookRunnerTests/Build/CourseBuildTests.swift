import Foundation
import Testing
@testable import NotebookRunner

/// `nbrun build` on a small course: numbers and references across pages, the shared
/// stylesheet and font, the search index, the "Checked results" page, the cache and
/// reproducible bytes.
@Suite struct CourseBuildTests {
    /// The text of the element with `id` (tags dropped), as far as the next `</span></span>`.
    static func equationNumber(_ html: String, label: String) -> String? {
        guard let start = html.range(of: "id=\"eq-\(label)\"") else { return nil }
        guard let number = html[start.upperBound...].range(of: "<span class=\"nb-eqno\">") else { return nil }
        return String(html[number.upperBound...].prefix { $0 != "<" && $0 != " " })
    }

    @Test func numbersEquationsByChapterAndLinksThemAcrossPages() throws {
        let course = try TestCourse()
        defer { course.remove() }
        let outcome = try course.build()
        #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")
        let alpha = try course.read("ch/alpha.html"), more = try course.read("ch/alpha-more.html")
        let beta = try course.read("beta.html"), gamma = try course.read("gamma.html")
        #expect(Self.equationNumber(try course.read("intro.html"), label: "euler") == "(1.1)")
        #expect(Self.equationNumber(alpha, label: "softmax") == "(2.1)")
        #expect(Self.equationNumber(alpha, label: "sums-to-one") == "(2.2)")
        // A section page numbers on from its chapter's page.
        #expect(Self.equationNumber(more, label: "log-softmax") == "(2.3)")
        #expect(Self.equationNumber(beta, label: "lift") == "(3.1)")
        // {eq} on the same page, on a parent folder's page, on another chapter's page.
        #expect(alpha.contains("href=\"#eq-softmax\" title=\"Equation (2.1)"))
        #expect(more.contains("<a class=\"nb-eqref\" href=\"alpha.html#eq-softmax\""))
        #expect(gamma.contains("<a class=\"nb-eqref\" href=\"beta.html#eq-lift\" title=\"Equation (3.1)\">(3.1)</a>"))
        #expect(beta.contains("href=\"ch/alpha-more.html#eq-log-softmax\""))
        // {numref} and [](#heading) of another page; [](other.md#label) with its number filled in.
        #expect(gamma.contains("href=\"ch/alpha-more.html#eq-log-softmax\">Equation 2.3</a>"))
        #expect(gamma.contains("href=\"beta.html#zeppelins\">"))
        #expect(beta.contains("<a href=\"ch/alpha.html#eq-softmax\" title=\"Equation (2.1)\">(2.1)</a>"))
        #expect(gamma.contains("href=\"beta.html\""))
    }

    @Test func continuousNumberingCountsThroughTheCourse() throws {
        var files = TestCourse.standard
        files["myst.yml"] = files["myst.yml"]!.replacingOccurrences(of: "numbering: true", with: "numbering:\n    continue: true")
        let course = try TestCourse(files: files)
        defer { course.remove() }
        let outcome = try course.build()
        #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")
        #expect(Self.equationNumber(try course.read("ch/alpha-more.html"), label: "log-softmax") == "(4)")
        #expect(Self.equationNumber(try course.read("beta.html"), label: "lift") == "(5)")
        #expect(try course.read("gamma.html").contains("title=\"Equation (5)\">(5)</a>"))
    }

    @Test func unknownLabelsAreLocatedWithTheNearestLabelOfTheCourse() throws {
        var files = TestCourse.standard
        files["gamma.md"] = files["gamma.md"]! + "\n\nAnd {eq}`lfit`, and {ref}`zepelins`, and [](beta.md#lfit).\n"
        let course = try TestCourse(files: files)
        defer { course.remove() }
        let outcome = try course.build()
        let shown = outcome.diagnostics.map(\.description)
        #expect(shown.contains { $0.hasPrefix("course/gamma.md:7:10: error: unknown equation label 'lfit': no page of the course has it") && $0.contains("did you mean 'lift' (beta.md)?") },
                "\(shown)")
        #expect(shown.contains { $0.hasPrefix("course/gamma.md:7:27: warning: unknown label 'zepelins'") && $0.contains("did you mean 'zeppelins'") },
                "\(shown)")
        #expect(shown.contains { $0.hasPrefix("course/gamma.md:7:45: warning: beta.md has no label 'lfit'") && $0.contains("did you mean 'lift'?") },
                "\(shown)")
        #expect(outcome.failed)
    }

    @Test func sharesOneStylesheetAndOneMathFont() throws {
        let course = try TestCourse()
        defer { course.remove() }
        _ = try course.build()
        let css = try course.read("site.css")
        #expect(css.components(separatedBy: "@font-face").count == 2)
        for page in ["index.html", "intro.html", "ch/alpha.html", "ch/alpha-more.html", "beta.html", "gamma.html", "search.html", "checked-results.html"] {
            let html = try course.read(page)
            #expect(!html.contains("@font-face"), "\(page) embeds a font of its own")
            let depth = page.split(separator: "/").count - 1
            #expect(html.contains("<link rel=\"stylesheet\" href=\"\(String(repeating: "../", count: depth))site.css\">"), "\(page)")
            // Relative links only: nothing starts at the root of a server or names a scheme.
            #expect(!html.contains("href=\"/"), "\(page)")
            #expect(!html.contains("src=\"http"), "\(page)")
        }
    }

    @Test func sidebarMarksThePageAndLinksPreviousAndNext() throws {
        let course = try TestCourse()
        defer { course.remove() }
        _ = try course.build()
        let more = try course.read("ch/alpha-more.html")
        #expect(more.contains("<a href=\"../ch/alpha-more.html\" aria-current=\"page\">2. Alpha, continued</a>"))
        #expect(more.contains("<details open><summary>Part one</summary>"))
        #expect(more.contains("<a rel=\"prev\" href=\"../ch/alpha.html\"><small>← Previous</small>2. Alpha</a>"))
        #expect(more.contains("<a rel=\"next\" href=\"../beta.html\"><small>Next →</small>3. Beta</a>"))
        // Outside the part, the part is folded.
        #expect(try course.read("gamma.html").contains("<details><summary>Part one</summary>"))
        #expect(try course.read("index.html").contains("<a rel=\"next\" href=\"intro.html\">"))
    }

    @Test func checkedResultsListEveryEquationWithItsCheck() throws {
        let course = try TestCourse()
        defer { course.remove() }
        let outcome = try course.build()
        let page = try course.read("checked-results.html")
        #expect(page.contains("5 numbered equations: 1 checked, 0 failed, 4 unchecked."))
        let row = try #require(page.range(of: "ch/alpha.html#eq-softmax\">(2.1)</a>"))
        let rest = page[row.upperBound...].prefix { $0 != "\n" }
        #expect(rest.contains("<td class=\"nb-ok\">✔</td>"))
        #expect(rest.contains("<a href=\"ch/alpha.html#cell-jacobian\"><code>jacobian</code></a>"))
        #expect(outcome.record.equations == ["checked": 1, "failed": 0, "unchecked": 4])
    }

    @Test func searchIndexIsInlinedAndAllowedByItsHash() throws {
        let course = try TestCourse()
        defer { course.remove() }
        _ = try course.build()
        let page = try course.read("search.html")
        let script = try #require(page.range(of: "<script>").flatMap { open in
            page.range(of: "</script>", range: open.upperBound..<page.endIndex).map { String(page[open.upperBound..<$0.lowerBound]) } })
        #expect(script.contains("A zeppelin floats because its gas is lighter than air."))
        #expect(script.contains("\"href\":\"beta.html#zeppelins\""))
        #expect(script.contains("\"title\":\"Beta › Zeppelins\""))
        #expect(page.contains("script-src 'sha256-\(SiteSearch.hash(script))'"))
        #expect(!script.contains("fetch("))
        // Pages other than the search page run no script.
        #expect(!(try course.read("beta.html")).contains("<script"))
    }

    @Test func secondReproducibleBuildIsTheSameBytesAndRunsNoCell() throws {
        let course = try TestCourse()
        defer { course.remove() }
        _ = try course.build(jobs: 1)
        let first = try Self.files(in: course.site)
        let again = try course.build(jobs: 2)
        #expect(try Self.files(in: course.site) == first)
        // Nothing ran the second time: every cell came from the cache.
        let settings = RunSettings(outputDirectory: course.site)
        let timed = CourseBuild(settings: settings, jobs: 2).build(try course.manifest(), display: "course")
        #expect(timed.record.pages.flatMap(\.cells).allSatisfy { $0.status == "cached" }, "\(timed.record.encoded())")
        #expect(!again.failed)
    }

    @Test func coldReproducibleBuildsAreTheSameBytesWhateverTheWorkerCount() throws {
        let course = try TestCourse()
        defer { course.remove() }
        var sites: [[String: Data]] = []
        for jobs in [1, 4, 2] {
            try? FileManager.default.removeItem(at: course.site)
            let outcome = try course.build(jobs: jobs) { $0.cacheMode = .off }
            #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")
            sites.append(try Self.files(in: course.site))
        }
        #expect(sites[0].count > 5)
        #expect(sites[1] == sites[0] && sites[2] == sites[0])
    }

    /// Every file below `folder` but the cache, by path.
    static func files(in folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
        while let url = walker?.nextObject() as? URL {
            guard !url.hasDirectoryPath else { continue }
            files[String(url.path.dropFirst(folder.path.count))] = try Data(contentsOf: url)
        }
        return files
    }
}
