import Foundation
import Testing
@testable import NotebookRunner

/// Real pages of MyST / Jupyter Book, d2l and Quarto projects render unchanged: every page
/// parses, and at least 99 % render with no error but an image missing from the copy (the
/// corpus holds the pages' text, not their pictures). `Tests/corpus/sample/` (committed, a
/// few pages under open licences) always runs; `Tests/corpus/pages/` (from
/// `Tests/corpus/fetch.sh`) runs when it is there.
@Suite(.serialized) struct CorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpus")

    /// The Markdown and Quarto pages under `folder` (files whose name starts with `_` are
    /// fragments other pages include).
    static func pages(in folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }
            .filter { ["md", "qmd"].contains($0.pathExtension) && !$0.lastPathComponent.hasPrefix("_")
                && !["README.md", "SOURCES.md", "LICENSE.md"].contains($0.lastPathComponent) }
            .sorted { $0.path < $1.path }
    }

    /// What rendering `page` found: nil when it is clean, else its errors (missing images left out).
    static func problems(rendering page: URL, output: URL) -> [Diagnostic]? {
        // The pages name kernels (kernelspec: python3) and import packages not installed here: their code is shown, not run.
        var settings = RunSettings(outputDirectory: output, reproducible: true)
        settings.executesCode = false
        let pipeline = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent), cacheMode: .off)
        let outcome = pipeline.render(page, file: page.path)
        let errors = outcome.diagnostics.filter { $0.severity == .error && !Self.isMissingImage($0) }
        return errors.isEmpty ? nil : errors
    }

    static func isMissingImage(_ diagnostic: Diagnostic) -> Bool {
        diagnostic.message.hasPrefix("image '") && diagnostic.message.contains("not found")
    }

    /// Renders every page of `folder`; returns (pages, clean, the failures' descriptions).
    static func renderAll(_ folder: URL) throws -> (total: Int, clean: Int, failures: [String]) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-corpus-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        var failures: [String] = []
        let pages = pages(in: folder)
        for page in pages {
            if let problems = problems(rendering: page, output: output) {
                failures.append(page.path + "\n    " + problems.prefix(3).map(\.headline).joined(separator: "\n    "))
            }
        }
        return (pages.count, pages.count - failures.count, failures)
    }

    @Test func theCommittedSamplePagesRenderClean() throws {
        let (total, clean, failures) = try Self.renderAll(Self.root.appendingPathComponent("sample"))
        #expect(total >= 15)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        print("corpus sample: \(clean) of \(total) pages render clean")
    }

    @Test func theFetchedCorpusRendersAtLeast99PercentClean() throws {
        let folder = Self.root.appendingPathComponent("pages")
        guard FileManager.default.fileExists(atPath: folder.path) else {
            print("corpus: skipped, \(folder.path) is absent (Tests/corpus/fetch.sh extracts it from git snapshots of the projects in Tests/corpus/SOURCES.md)")
            return
        }
        let (total, clean, failures) = try Self.renderAll(folder)
        print("corpus: \(clean) of \(total) pages render clean")
        for failure in failures { print("corpus failure: " + failure) }
        #expect(total >= 300)
        #expect(Double(clean) >= 0.99 * Double(total), "\(failures.joined(separator: "\n"))")
    }
}
