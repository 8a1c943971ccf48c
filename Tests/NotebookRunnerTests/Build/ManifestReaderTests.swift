import Foundation
import Testing
@testable import NotebookRunner

/// Reading `myst.yml` and `_toc.yml` + `_config.yml` as authors write them, and the located
/// errors of a bad manifest.
@Suite struct ManifestReaderTests {
    static let pages = ["intro.md": "# Intro\n", "a.md": "# A\n", "b.md": "# B\n", "sub/c.md": "# C\n"]

    func read(_ files: [String: String]) throws -> (ManifestReader.Result, TestCourse) {
        let course = try TestCourse(files: files)
        return (ManifestReader.read(folder: course.folder, display: "course"), course)
    }

    @Test func readsJupyterBook2Projects() throws {
        let (result, course) = try read(Self.pages.merging(["myst.yml": """
            version: 1
            project:
              title: My course
              authors:
                - name: A. Teacher
              numbering:
                continue: true
              toc:
                - file: intro.md
                - title: Basics
                  children:
                    - file: a.md
                      title: The A page
                      children:
                        - file: sub/c.md
                - file: b.md
            """]) { $1 })
        defer { course.remove() }
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        #expect(result.diagnostics.isEmpty)
        #expect(manifest.title == "My course" && manifest.authors == ["A. Teacher"])
        #expect(manifest.numbering == .continuous)
        #expect(manifest.pages.map(\.file) == ["intro.md", "a.md", "sub/c.md", "b.md"])
        #expect(manifest.pages.map(\.chapter) == [1, 2, 2, 3])
        #expect(manifest.pages.map(\.depth) == [0, 0, 1, 0])
        #expect(manifest.pages[1].title == "The A page")
        #expect(manifest.entries[1].title == "Basics" && manifest.entries[1].file == nil)
    }

    @Test func readsJupyterBook1TocAndConfig() throws {
        let (result, course) = try read(Self.pages.merging([
            "_toc.yml": """
            format: jb-book
            root: intro
            parts:
              - caption: Part one
                numbered: true
                chapters:
                  - file: a
                    sections:
                      - file: sub/c
              - caption: Part two
                chapters:
                  - file: b.md
            """,
            "_config.yml": """
            title: A book
            author: B. Teacher
            execute:
              execute_notebooks: "off"
            bibtex_bibfiles:
              - references.bib
            """]) { $1 })
        defer { course.remove() }
        let manifest = try #require(result.manifest, "\(result.diagnostics)")
        #expect(manifest.title == "A book" && manifest.authors == ["B. Teacher"])
        #expect(manifest.execution == .off && manifest.bibliography == ["references.bib"])
        #expect(manifest.numbering == .chapter)
        #expect(manifest.pages.map(\.file) == ["intro.md", "a.md", "sub/c.md", "b.md"])
        // The root is the front page, not a chapter.
        #expect(manifest.pages.map(\.chapter) == [nil, 1, 1, 2])
        #expect(manifest.entries.map(\.title) == [nil, "Part one", "Part two"])
    }

    func errors(_ toc: String, extra: [String: String] = [:]) throws -> [String] {
        let (result, course) = try read(Self.pages.merging(extra) { $1 }.merging(["myst.yml": toc]) { $1 })
        defer { course.remove() }
        #expect(result.manifest == nil)
        return result.diagnostics.filter { $0.severity == .error }.map(\.description)
    }

    @Test func aMissingPageIsLocatedWithTheNearestPage() throws {
        let found = try errors("project:\n  toc:\n    - file: intro.md\n    - file: sub/cc.md\n")
        #expect(found == ["course/myst.yml:4:13: error: no page 'sub/cc.md' in course\n  hint: did you mean 'sub/c.md'? paths are relative to the folder of course/myst.yml"])
    }

    @Test func aPathOutsideTheCourseIsRefused() throws {
        let found = try errors("project:\n  toc:\n    - file: ../secret.md\n    - file: /etc/passwd\n")
        #expect(found.count == 2)
        #expect(found[0].hasPrefix("course/myst.yml:3:13: error: '../secret.md' is outside the course folder"))
        #expect(found[1].hasPrefix("course/myst.yml:4:13: error: '/etc/passwd' is outside the course folder"))
    }

    @Test func aLinkLeadingOutOfTheCourseIsRefused() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-outside-\(UUID().uuidString).md")
        try "# Outside\n".write(to: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: outside) }
        let course = try TestCourse(files: Self.pages.merging(["myst.yml": "project:\n  toc:\n    - file: link.md\n"]) { $1 })
        defer { course.remove() }
        try FileManager.default.createSymbolicLink(at: course.folder.appendingPathComponent("link.md"), withDestinationURL: outside)
        let result = ManifestReader.read(folder: course.folder, display: "course")
        #expect(result.manifest == nil)
        #expect(result.diagnostics.first?.description.hasPrefix("course/myst.yml:3:13: error: 'link.md' leads outside the course folder") == true)
    }

    @Test func aPageListedTwiceOrInsideItselfIsAnError() throws {
        let found = try errors("""
            project:
              toc:
                - file: intro.md
                - file: a.md
                  children:
                    - file: a.md
                - file: intro
            """)
        #expect(found.count == 2)
        #expect(found[0].hasPrefix("course/myst.yml:6:17: error: a.md is listed inside itself (a cycle in the table of contents)"))
        #expect(found[1].hasPrefix("course/myst.yml:7:13: error: intro.md is listed twice (first at line 3)"))
    }

    @Test func invalidYAMLIsLocated() throws {
        let found = try errors("project:\n  toc:\n    - file: intro.md\n   - file: a.md\n")
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("course/myst.yml:4:"), "\(found)")
        #expect(found[0].contains("error: invalid YAML"))
    }

    @Test func aFolderWithoutManifestSaysWhatToWrite() throws {
        let (result, course) = try read(Self.pages)
        defer { course.remove() }
        #expect(result.diagnostics.map(\.description) == ["error: no myst.yml or _toc.yml in course\n  hint: write a Jupyter Book table of contents, e.g. myst.yml with project: toc: [{file: intro.md}, …]"])
    }

    @Test func eachPageLeftOutIsOneWarning() throws {
        let (result, course) = try read(Self.pages.merging(["myst.yml": "project:\n  toc:\n    - file: intro.md\n    - file: a.md\n",
                                                            ".hidden/x.md": "# hidden\n", "_build/y.md": "# built\n"]) { $1 })
        defer { course.remove() }
        #expect(result.manifest != nil)
        #expect(result.diagnostics.map(\.headline) == [
            "course/b.md:1:1: warning: b.md is not in the table of contents: it is not built",
            "course/sub/c.md:1:1: warning: sub/c.md is not in the table of contents: it is not built",
        ])
    }

    /// mystmd's `project.exclude` (paths or glob patterns) leaves pages out without a warning.
    @Test func excludedPagesAreNotWarnedAbout() throws {
        let (result, course) = try read(Self.pages.merging(["myst.yml": "project:\n  exclude: [b.md, 'sub/*.md']\n  toc:\n    - file: intro.md\n    - file: a.md\n"]) { $1 })
        defer { course.remove() }
        #expect(result.manifest?.pages.map(\.file) == ["intro.md", "a.md"])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }
}
