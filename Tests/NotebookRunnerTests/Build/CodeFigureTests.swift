import Foundation
import Testing
@testable import NotebookRunner

/// A code cell whose output is a figure (MyST-NB's `mystnb: figure: name:`/`caption:`, in block
/// or flow style) is a numbered, captioned figure, counted with the page's `{figure}`s and
/// reached from other pages — also when no kernel runs its code.
@Suite struct CodeFigureTests {
    static let files: [String: String] = [
        "_toc.yml": """
            format: jb-book
            root: intro
            defaults:
              numbered: true
            chapters:
              - file: plots
              - file: cites
            """,
        "_config.yml": """
            title: Figures
            execute:
              execute_notebooks: "off"
            """,
        "intro.md": "# Intro\n\nA book of figures.\n",
        "plots.md": """
            # Plots

            ```{code-cell} ipython3
            ---
            mystnb:
              figure:
                caption: GDP in the early industrialization era
                name: gdp1
            tags: [hide-input]
            ---
            fig, ax = plt.subplots()
            ```

            ```{figure} pic.svg
            :name: drawn
            A drawn figure.
            ```

            ```{code-cell} ipython3
            ---
            mystnb: {figure: {name: "fig:flow", caption: "Flow style"}}
            ---
            plt.show()
            ```

            Here {numref}`gdp1` comes before {numref}`drawn`.
            """,
        "cites.md": """
            # Cites

            The first plot is {numref}`gdp1`, the flow-style one [](#fig:flow), and {ref}`gdp1` by its caption.
            """,
        "pic.svg": #"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>"#,
    ]

    @Test func codeCellFiguresAreNumberedTargetsAcrossPages() throws {
        let course = try TestCourse(files: Self.files)
        defer { course.remove() }
        let outcome = try course.build()
        let unknown = outcome.diagnostics.filter { $0.message.contains("unknown label") || $0.message.contains("no number") }
        #expect(unknown.isEmpty, "\(unknown.map(\.description))")
        #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")

        let plots = try course.read("plots.html")
        // One count for the page's figures, in order: the code cell, the {figure}, the flow-style cell.
        #expect(plots.contains(#"<figure class="nb-code-cell" id="gdp1">"#))
        #expect(plots.contains(#"<figcaption><span class="nb-figure-number">Figure 1.1</span> GDP in the early industrialization era</figcaption>"#), "\(plots)")
        #expect(plots.contains("Figure 1.2"))
        #expect(plots.contains(#"<span class="nb-figure-number">Figure 1.3</span> Flow style"#))
        #expect(plots.contains("fig, ax = plt.subplots()"))

        let cites = try course.read("cites.html")
        #expect(cites.contains(#"href="plots.html#gdp1">Figure 1.1</a>"#), "\(cites)")
        #expect(cites.contains("plots.html#fig:flow"))
        #expect(cites.contains("GDP in the early industrialization era"))
    }

    @Test func nestedOptionsAreReadByTheirPath() {
        let options = CodeCellOptions.read("mystnb:\n  figure:\n    caption: A: b\n    name: x\ntags: [hide-input, remove-stderr]")
        // Not YAML (`A: b` inside a value): read line by line, as before.
        #expect(options["name"] == "x" && options["tags"] == "[hide-input, remove-stderr]")
        #expect(options["mystnb.figure.name"] == "x" && options["mystnb.figure.caption"] == "A: b")
        let yaml = CodeCellOptions.read("mystnb:\n  figure:\n    caption: 'A, b'\n    name: x\nname: own\ntags: [hide-input, remove-stderr]")
        #expect(yaml["mystnb.figure.name"] == "x" && yaml["mystnb.figure.caption"] == "A, b")
        #expect(yaml["name"] == "own" && yaml["caption"] == "A, b" && yaml["tags"] == "[hide-input, remove-stderr]")
    }
}
