import Foundation
import Testing
@testable import NotebookRunner

/// A real lecture series as one course: QuantEcon's `lecture-python-intro`, from
/// `Tests/corpus/pages` (`Tests/corpus/fetch.sh`), built with its own `_toc.yml` and
/// `_config.yml`: every page the table of contents names, code cells shown as code (execution
/// off), the citations found in the series' BibTeX file, and no reference left unresolved whose
/// label some page of the series defines (code cells' figures among them). Skipped, saying so, when the pages were not fetched.
@Suite struct LectureSeriesTests {
    static let folder = CorpusTests.root.appendingPathComponent("pages/QuantEcon+lecture-python-intro/lectures")

    @Test func quantEconIntroBuildsAsOneCourse() throws {
        guard FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent("_toc.yml").path) else {
            print("LectureSeriesTests skipped: \(Self.folder.path)/_toc.yml is not there (run Tests/corpus/fetch.sh)")
            return
        }
        let read = ManifestReader.read(folder: Self.folder, display: "lectures", ignoring: [])
        let manifest = try #require(read.manifest, "\(read.diagnostics.map(\.description))")
        #expect(read.diagnostics.allSatisfy { $0.severity != .error }, "\(read.diagnostics.map(\.description))")
        #expect(manifest.pages.count >= 40 && manifest.bibliography == ["_static/quant-econ.bib"])
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-lectures-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: site) }
        var settings = RunSettings(outputDirectory: site, reproducible: true)
        settings.executesCode = false
        let outcome = CourseBuild(settings: settings, cacheMode: .off, jobs: ProcessInfo.processInfo.activeProcessorCount).build(manifest, display: "lectures")

        // Every page is there; errors are only the pictures the text-only copy lacks.
        let errors = outcome.diagnostics.filter { $0.severity == .error && !CorpusTests.isMissingImage($0) }
        #expect(errors.isEmpty, "\(errors.prefix(5).map(\.description))")
        for page in manifest.pages {
            #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent(CourseManifest.htmlPath(of: page.file)).path), "\(page.file)")
        }
        // Code cells shown as code.
        let source = try String(contentsOf: Self.folder.appendingPathComponent("cobweb.md"), encoding: .utf8)
        let cells = source.components(separatedBy: "```{code-cell}").count - 1
        let html = try String(contentsOf: site.appendingPathComponent("cobweb.html"), encoding: .utf8)
        #expect(cells > 5 && html.components(separatedBy: "class=\"nb-code-cell").count - 1 >= cells, "\(cells) code cells")
        // Citations come from _config.yml's bibtex_bibfiles.
        #expect(!outcome.diagnostics.contains { $0.message.contains("has no bibliography") })
        // A label some page defines is never left unresolved.
        let sources = try manifest.pages.map { try String(contentsOf: Self.folder.appendingPathComponent($0.file), encoding: .utf8) }
        let unresolved = Set(outcome.diagnostics.compactMap { diagnostic -> String? in
            guard diagnostic.message.hasPrefix("unknown label '") else { return nil }
            return diagnostic.message.dropFirst("unknown label '".count).prefix { $0 != "'" }.description
        })
        let defined = unresolved.filter { label in
            sources.contains { text in ["(\(label))=", ":label: \(label)\n", "name: \(label)\n", "\\label{\(label)}"].contains { text.contains($0) } }
        }
        #expect(defined.isEmpty, "labels defined in the series but not resolved: \(defined.sorted())")
        // A code cell's figure (`mystnb: figure: name:`) is a numbered figure, here and from other pages.
        let names = sources.joined().matches(of: /\n  figure:\n(?:    [a-z]+: .*\n)*?    name: ([^\n]+)\n/).map { String($0.1) }
        #expect(names.count >= 35, "\(names.count) code-cell figures")
        let pages = try manifest.pages.map { try String(contentsOf: site.appendingPathComponent(CourseManifest.htmlPath(of: $0.file)), encoding: .utf8) }.joined()
        let unnumbered = names.filter { !pages.contains("<figure class=\"nb-code-cell\" id=\"\(HTML.escape($0))\">\n<figcaption><span class=\"nb-figure-number\">Figure ") }
        #expect(unnumbered.isEmpty, "code-cell figures without their number: \(unnumbered)")
        let growth = try String(contentsOf: site.appendingPathComponent("long_run_growth.html"), encoding: .utf8)
        #expect(growth.contains(#"<figure class="nb-code-cell" id="gdp1">"#) && growth.contains(##"href="#gdp1">Figure "##), "gdp1")
        #expect(!growth.contains(##"href="#gdp1">Listing"##))
    }
}
