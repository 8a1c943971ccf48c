import Foundation
import Testing
@testable import NotebookRunner

/// Numbers across a course beyond equations: exercises, figures and theorems carry their
/// chapter (Exercise 2.1, Figure 2.1) in their titles and in references from other pages, or
/// count on through the course; and the course's BibTeX files (`bibtex_bibfiles`) serve every page.
@Suite struct CourseNumberingTests {
    static let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><rect width=\"4\" height=\"4\"/></svg>\n"

    static func files(numbering: String) -> [String: String] {
        [
            "_toc.yml": """
                format: jb-book
                root: intro
                parts:
                  - caption: Chapters
                    numbered: \(numbering == "continuous" ? "false" : "true")
                    chapters:
                      - file: one
                      - file: two
                """,
            "_config.yml": """
                title: Numbered course
                bibtex_bibfiles:
                  - refs/course.bib
                """,
            "refs/course.bib": "@book{knuth, author = {Donald Knuth}, title = {The Art of Computer Programming}, year = {1968}}\n",
            "box.svg": svg,
            "intro.md": "# Introduction\n\nThe second chapter asks {numref}`ex-two`, and shows {numref}`fig-two`.\n",
            "one.md": """
                # One

                ```{figure} box.svg
                :name: fig-one
                A box.
                ```

                ```{exercise}
                :label: ex-one
                First question.
                ```

                As {cite:t}`knuth` wrote.
                """,
            "two.md": """
                # Two

                ```{figure} box.svg
                :name: fig-two
                Another box.
                ```

                ```{exercise}
                :label: ex-two
                Second question, after {numref}`ex-one`.
                ```

                ````{solution} ex-two
                The answer.
                ````
                """,
        ]
    }

    @Test func exercisesAndFiguresCarryTheirChapter() throws {
        let course = try TestCourse(files: Self.files(numbering: "chapter"))
        defer { course.remove() }
        let outcome = try course.build()
        #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")
        #expect(!outcome.diagnostics.contains { $0.severity == .warning }, "\(outcome.diagnostics.map(\.description))")
        let two = try course.read("two.html"), intro = try course.read("intro.html")
        #expect(two.contains(">Exercise 2.1</a>"), "\(two)")
        #expect(two.contains("Solution to Exercise 2.1"))
        #expect(two.contains("<span class=\"nb-figure-number\">Figure 2.1</span>"))
        #expect(two.contains(">Exercise 1.1</a>"), "a reference to the first chapter's exercise")
        #expect(intro.contains(">Exercise 2.1</a>") && intro.contains(">Figure 2.1</a>"), "\(intro)")
        #expect(try course.read("exercises.html").contains(">Exercise 2.1</a>"))
        // The course's bibliography, named in _config.yml, reaches a page that names none.
        #expect(try course.read("one.html").contains("The Art of Computer Programming"))
    }
}
