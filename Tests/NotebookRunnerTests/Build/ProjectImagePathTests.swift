import Foundation
import Testing
@testable import NotebookRunner

/// An image path starting with `/` starts at the project's folder (Sphinx and Jupyter Book's
/// convention), never at the filesystem's root: the course's folder in a build, the folder
/// holding the page's manifest when one page is rendered, else a located error. No image is
/// read from outside the project, by `..` or through a symbolic link.
@Suite struct ProjectImagePathTests {
    static let svg = #"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>"#
    static let svgURI = "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString()

    @Test func aCourseReadsAbsolutePathsFromItsFolder() throws {
        let outside = try DataFixtures.temporaryDirectory("outside-images")
        defer { try? FileManager.default.removeItem(at: outside) }
        try Self.svg.write(to: outside.appendingPathComponent("secret.svg"), atomically: true, encoding: .utf8)
        let course = try TestCourse(files: [
            "myst.yml": "version: 1\nproject:\n  title: Images\n  toc:\n    - file: ch/page.md\n    - file: escapes.md\n",
            "ch/page.md": "# Page\n\nThe net: ![net](/_static/net.svg)\n",
            "escapes.md": "# Escapes\n\n![up](../\(outside.lastPathComponent)/secret.svg)\n\n![linked](/_static/link.svg)\n",
            "_static/net.svg": Self.svg,
        ])
        defer { course.remove() }
        try FileManager.default.createSymbolicLink(atPath: course.folder.appendingPathComponent("_static/link.svg").path,
                                                   withDestinationPath: outside.appendingPathComponent("secret.svg").path)
        // The course folder sits beside `outside` in the temporary folder.
        #expect(course.folder.deletingLastPathComponent().standardizedFileURL == outside.deletingLastPathComponent().standardizedFileURL)
        let outcome = try course.build()
        #expect(try course.read("ch/page.html").contains(Self.svgURI))
        let errors = outcome.diagnostics.filter { $0.severity == .error }.map(\.description)
        #expect(errors.count == 2, "\(errors)")
        #expect(errors.allSatisfy { $0.hasPrefix("course/escapes.md:") && $0.contains("is outside the project folder") && $0.contains("hint: ") }, "\(errors)")
        #expect(!(try course.read("escapes.html")).contains(Self.svgURI))
    }

    /// Renders `page.md` in `folder` (its files beside it) as `render` does.
    func render(_ text: String, in folder: URL, at path: String = "page.md") throws -> (Pipeline.Outcome, String) {
        let notebook = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: notebook.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: notebook, atomically: true, encoding: .utf8)
        let settings = RunSettings(outputDirectory: folder.appendingPathComponent("out"), reproducible: true)
        let outcome = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)).render(notebook, file: path)
        return (outcome, try String(contentsOf: outcome.report, encoding: .utf8))
    }

    @Test func onePageReadsThemFromItsProjectsFolder() throws {
        let folder = try DataFixtures.temporaryDirectory("project-images")
        defer { try? FileManager.default.removeItem(at: folder) }
        try "title: Book\n".write(to: folder.appendingPathComponent("_config.yml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("_static"), withIntermediateDirectories: true)
        try Self.svg.write(to: folder.appendingPathComponent("_static/net.svg"), atomically: true, encoding: .utf8)
        let (outcome, html) = try render("# Page\n\n![net](/_static/net.svg)\n", in: folder, at: "lectures/page.md")
        #expect(outcome.diagnostics.isEmpty, "\(outcome.diagnostics.map(\.description))")
        #expect(html.contains(Self.svgURI))
        // A missing one names the project's folder as where the path starts.
        let (missing, _) = try render("# Page\n\n![gone](/_static/gone.svg)\n", in: folder, at: "lectures/gone.md")
        #expect(missing.diagnostics.map(\.description).contains { $0.contains("lectures/gone.md:3:1: error: image '/_static/gone.svg'")
            && $0.contains("a path starting with / starts at the project's folder (\(folder.standardizedFileURL.path))") },
                "\(missing.diagnostics.map(\.description))")
    }

    @Test func onePageOfNoProjectGetsALocatedError() throws {
        let folder = try DataFixtures.temporaryDirectory("no-project-images")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (outcome, html) = try render("# Page\n\nSee ![passwd](/etc/passwd).\n", in: folder)
        #expect(outcome.failed)
        #expect(outcome.diagnostics.map(\.description) == ["""
            page.md:3:5: error: image '/etc/passwd' starts at the project's folder, and the page is in no project
              hint: a path starting with / is read from the folder holding myst.yml, _toc.yml or _config.yml (as Jupyter Book does); none is above \(folder.standardizedFileURL.path): give the path from the notebook's folder
            """])
        #expect(!html.contains("root:"))
    }
}
