import Foundation
@testable import NotebookRunner

/// Renders a page through the whole pipeline in a fresh folder holding `files` beside it, and
/// returns its `<main>` and every diagnostic.
struct ReferencePage {
    var main: String
    var diagnostics: [Diagnostic]
    var warnings: [String] { diagnostics.filter { $0.severity == .warning }.map(\.headline) }

    init(_ text: String, name: String = "page.md", files: [String: String] = [:]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-refs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (file, content) in files {
            let url = folder.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        let settings = RunSettings(outputDirectory: folder.appendingPathComponent("out"), reproducible: true)
        let outcome = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)).render(url, file: name)
        let html = try String(contentsOf: outcome.report, encoding: .utf8)
        let start = html.range(of: "<main>")?.upperBound ?? html.startIndex
        let end = html.range(of: "</main>")?.lowerBound ?? html.endIndex
        main = String(html[start..<end])
        diagnostics = outcome.diagnostics
    }
}
