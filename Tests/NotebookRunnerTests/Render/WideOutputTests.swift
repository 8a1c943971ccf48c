import Foundation
import Testing
@testable import NotebookRunner

/// Wide outputs — the annotated IDX header table of `{idx-header}`, a cell's wide result
/// table, long code lines, a wide pipe table — scroll sideways inside their cell, in a
/// phone-sized window, and nothing is clipped.
///
/// The report has no script; the test measures a copy of it with one appended (and a policy
/// that allows it) in headless Chromium, which writes what it measured into the DOM it dumps.
@Suite(.enabled(if: HeadlessChromium.isAvailable))
struct WideOutputTests {
    static let longLine = "weights = [" + (1...60).map { "0.\($0)" }.joined(separator: ", ") + "]"

    static let notebook = """
        # Wide outputs

        ```{idx-header}
        :file: images.idx
        :bytes: 1024
        ```

        ```{eval}
        softmax([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30])
        ```

        ```python
        \(longLine)
        ```

        | \((1...14).map { "column \($0)" }.joined(separator: " | ")) |
        | \(Array(repeating: "---", count: 14).joined(separator: " | ")) |
        | \((1...14).map { "value \($0)" }.joined(separator: " | ")) |
        """

    /// For each `<pre>` and `<table>` in `<main>`: how wide its content is, the element that
    /// scrolls it (itself or its nearest ancestor with `overflow-x` auto or scroll), whether that
    /// scroller stays inside the cell (or the page's column), and any ancestor that clips it.
    static let measure = """
        <script>
        (() => {
          const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
          const results = [];
          for (const el of document.querySelectorAll("main pre, main table")) {
            const content = el.scrollWidth;
            let scroller = el;
            while (scroller && scroller.tagName !== "MAIN" && !scrolls(scroller)) scroller = scroller.parentElement;
            const box = el.closest(".nb-cell") || document.querySelector("main");
            const clippers = [];
            for (let a = el.parentElement; a && a !== box.parentElement; a = a.parentElement) {
              if (a === scroller) break;
              const x = getComputedStyle(a).overflowX;
              if ((x === "hidden" || x === "clip") && a.clientWidth < content) clippers.push(a.tagName + "." + a.className);
            }
            const s = scroller && scroller.tagName !== "MAIN" ? scroller : null;
            results.push({
              tag: el.tagName, cls: el.className, text: el.textContent.trim().slice(0, 40), content,
              scroller: s ? s.tagName + "." + s.className : null,
              overflowX: s ? getComputedStyle(s).overflowX : getComputedStyle(el).overflowX,
              scrollerClient: s ? s.clientWidth : null, scrollerScroll: s ? s.scrollWidth : null,
              scrollerRight: s ? s.getBoundingClientRect().right : null, boxRight: box.getBoundingClientRect().right,
              boxOverflow: box.scrollWidth - box.clientWidth, clippers,
            });
          }
          const out = document.createElement("pre");
          out.id = "nb-measure";
          out.textContent = JSON.stringify({ page: document.documentElement.scrollWidth - window.innerWidth, results });
          document.body.appendChild(out);
        })();
        </script>
        """

    struct Measurement: Decodable {
        struct Element: Decodable {
            var tag: String, cls: String, text: String, content: Double
            var scroller: String?, overflowX: String
            var scrollerClient: Double?, scrollerScroll: Double?, scrollerRight: Double?
            var boxRight: Double, boxOverflow: Double
            var clippers: [String]
        }
        var page: Double
        var results: [Element]
    }

    @Test func wideTablesAndLongLinesScrollInsideTheirCellAndAreNeverClipped() throws {
        let folder = try DataFixtures.temporaryDirectory("wide-outputs")
        defer { try? FileManager.default.removeItem(at: folder) }
        try DataFixtures.write(DataFixtures.imagesFile(count: 4, rows: 28, cols: 28), to: folder.appendingPathComponent("images.idx"))
        let notebookURL = folder.appendingPathComponent("wide.md")
        try Self.notebook.write(to: notebookURL, atomically: true, encoding: .utf8)
        let settings = RunSettings(outputDirectory: folder.appendingPathComponent("out"), reproducible: true)
        let outcome = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)).render(notebookURL, file: "wide.md")
        #expect(!outcome.failed, "\(outcome.diagnostics)")
        let report = try String(contentsOf: outcome.report, encoding: .utf8)
        #expect(!report.contains("<script"))

        // Only the test's copy gets the script, and a policy that runs it.
        let policy = "default-src 'none';"
        #expect(report.contains(policy))
        let copy = report.replacingOccurrences(of: policy, with: "\(policy) script-src 'unsafe-inline';")
            .replacingOccurrences(of: "</body>", with: Self.measure + "\n</body>")
        let dom = try HeadlessChromium.dumpDOM(copy, name: "wide-measured", in: folder, width: 420, height: 900)
        let start = try #require(dom.range(of: "<pre id=\"nb-measure\">")).upperBound
        let end = try #require(dom[start...].range(of: "</pre>")).lowerBound
        let json = dom[start..<end].replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        let measured = try JSONDecoder().decode(Measurement.self, from: Data(json.utf8))

        #expect(measured.page <= 0, "the page itself scrolls sideways by \(measured.page) px")
        // The outputs this test is about are wider than the window, so they must scroll.
        let idxTable = try #require(measured.results.first { $0.cls == "nb-table" && $0.text.hasPrefix("offset") })
        let resultTable = try #require(measured.results.first { $0.cls == "nb-table" && $0.text.hasPrefix("0") })
        let code = try #require(measured.results.first { $0.tag == "PRE" && $0.text.hasPrefix("weights") })
        let cellSource = try #require(measured.results.first { $0.tag == "PRE" && $0.text.hasPrefix("```{eval}") })
        let pipeTable = try #require(measured.results.first { $0.tag == "TABLE" && $0.text.hasPrefix("column 1") })
        for wide in [idxTable, resultTable, code, cellSource, pipeTable] {
            #expect(wide.content > (wide.scrollerClient ?? 0) + 50, "\(wide.text): \(wide.content) px is not wide in this window")
        }
        for element in measured.results {
            let what = "\(element.tag).\(element.cls) '\(element.text)'"
            #expect(element.clippers.isEmpty, "\(what) is clipped by \(element.clippers)")
            #expect(element.boxOverflow <= 0, "\(what) sticks out of its cell by \(element.boxOverflow) px")
            guard let client = element.scrollerClient, let scroll = element.scrollerScroll, let right = element.scrollerRight else {
                #expect(element.content <= element.boxRight, "\(what) has nothing that scrolls it")
                continue
            }
            #expect(["auto", "scroll"].contains(element.overflowX), "\(what): overflow-x \(element.overflowX)")
            #expect(right <= element.boxRight + 0.5, "\(what): its scroller ends past its cell")
            if element.content > client { #expect(scroll >= element.content - 1, "\(what): scrolling does not reach its end") }
        }
    }
}
