import Foundation
import Synchronization
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

    /// The fetched corpus: `Tests/corpus/pages`, or the folder `NBRUN_CORPUS` names (another
    /// corpus of the same kinds of pages, or a part of this one).
    static var fetchedPages: URL {
        ProcessInfo.processInfo.environment["NBRUN_CORPUS"].map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("pages")
    }

    /// The Markdown and Quarto pages under `folder` (files whose name starts with `_` are
    /// fragments other pages include).
    static func pages(in folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }
            .filter { ["md", "qmd"].contains($0.pathExtension) && !$0.lastPathComponent.hasPrefix("_")
                && !["README.md", "SOURCES.md", "LICENSE.md"].contains($0.lastPathComponent) }
            .sorted { $0.path < $1.path }
    }

    /// What rendering one page found.
    struct PageResult: Sendable {
        /// Its errors, missing images left out (empty: it renders clean).
        var errors: [Diagnostic]
        /// Its references to labels defined on the page that do not resolve (`CorpusReferences`).
        var unresolved: [String]
    }

    /// Renders `page` into `output` and judges the result.
    static func result(rendering page: URL, output: URL) -> PageResult {
        // The pages name kernels (kernelspec: python3) and import packages not installed here: their code is shown, not run.
        var settings = RunSettings(outputDirectory: output, reproducible: true)
        settings.executesCode = false
        let pipeline = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent), cacheMode: .off)
        let outcome = pipeline.render(page, file: page.path)
        let errors = outcome.diagnostics.filter { $0.severity == .error && !Self.isMissingImage($0) }
        guard let notebook = outcome.run?.notebook, let html = try? String(contentsOf: outcome.report, encoding: .utf8),
              let source = try? SourceText(contentsOf: page, file: page.path) else {
            return PageResult(errors: errors, unresolved: [])
        }
        let defined = CorpusReferences.definedLabels(source.lines, codeLines: CorpusReferences.codeLines(of: notebook))
        return PageResult(errors: errors, unresolved: CorpusReferences.unresolved(notebook, defined: defined,
                                                                                   diagnostics: outcome.diagnostics, html: html))
    }

    static func isMissingImage(_ diagnostic: Diagnostic) -> Bool {
        // (A page copied without its book's manifest has no project folder for `/_static/…`.)
        diagnostic.message.hasPrefix("image '") && (diagnostic.message.contains("not found") || diagnostic.message.contains("and the page is in no project"))
    }

    /// Every page of a folder rendered once: (page, what it found), in path order.
    typealias FolderResult = [(page: URL, result: PageResult)]

    /// Renders every page of `folder` once per test run (both tests read the same renders).
    static func renderAll(_ folder: URL) -> FolderResult {
        if let done = rendered.withLock({ $0[folder.path] }) { return done }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-corpus-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let results = pages(in: folder).map { ($0, result(rendering: $0, output: output)) }
        rendered.withLock { $0[folder.path] = results }
        return results
    }

    private static let rendered = Mutex<[String: FolderResult]>([:])

    /// The pages that do not render clean, each with its first errors.
    static func failures(_ results: FolderResult) -> [String] {
        results.filter { !$0.result.errors.isEmpty }.map { page, result in
            page.path + "\n    " + result.errors.prefix(3).map(\.headline).joined(separator: "\n    ")
        }
    }

    /// The references to same-page labels that do not resolve, one line each.
    static func unresolved(_ results: FolderResult) -> [String] {
        results.flatMap { page, result in result.unresolved.map { page.path + ":" + $0 } }
    }

    @Test func theCommittedSamplePagesRenderClean() throws {
        let results = Self.renderAll(Self.root.appendingPathComponent("sample"))
        let failures = Self.failures(results)
        #expect(results.count >= 15)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        print("corpus sample: \(results.count - failures.count) of \(results.count) pages render clean")
    }

    @Test func theCommittedSamplePagesResolveEveryReferenceToTheirOwnLabels() throws {
        let unresolved = Self.unresolved(Self.renderAll(Self.root.appendingPathComponent("sample")))
        #expect(unresolved.isEmpty, "\(unresolved.joined(separator: "\n"))")
    }

    @Test func theFetchedCorpusRendersAtLeast99PercentClean() throws {
        let folder = Self.fetchedPages
        guard FileManager.default.fileExists(atPath: folder.path) else {
            print("corpus: skipped, \(folder.path) is absent (Tests/corpus/fetch.sh extracts it from git snapshots of the projects in Tests/corpus/SOURCES.md)")
            return
        }
        let results = Self.renderAll(folder)
        let failures = Self.failures(results)
        let (total, clean) = (results.count, results.count - failures.count)
        print("corpus: \(clean) of \(total) pages render clean (\(String(format: "%.1f", 100 * Double(clean) / Double(max(total, 1)))) %)")
        for failure in failures { print("corpus failure: " + failure) }
        #expect(total >= 300 || ProcessInfo.processInfo.environment["NBRUN_CORPUS"] != nil)
        #expect(Double(clean) >= 0.99 * Double(total), "\(failures.joined(separator: "\n"))")
    }

    /// Every `{eq}`, `{numref}`, `{ref}`, `{prf:ref}`, `[](#x)`, d2l `:numref:`/`:eqref:` and Quarto
    /// `@x` whose label the page itself defines resolves: a link to the target, with its number or title.
    @Test func theFetchedCorpusResolvesEveryReferenceToItsOwnPage() throws {
        let folder = Self.fetchedPages
        guard FileManager.default.fileExists(atPath: folder.path) else {
            print("corpus references: skipped, \(folder.path) is absent (Tests/corpus/fetch.sh)")
            return
        }
        let results = Self.renderAll(folder)
        let unresolved = Self.unresolved(results)
        let pages = Set(unresolved.map { $0.prefix { $0 != ":" } }).count
        print("corpus references: \(unresolved.count) unresolved same-page references on \(pages) of \(results.count) pages")
        for line in unresolved { print("corpus unresolved: " + line) }
        #expect(unresolved.isEmpty, "\(unresolved.prefix(40).joined(separator: "\n"))")
    }
}
