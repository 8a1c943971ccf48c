import Foundation
import Testing
@testable import NotebookRunner

/// A notebook of about a megabyte — the shape `make bench-scale` times (speed is measured there):
/// every part still parsed, run, numbered, resolved and typeset as in a small one.
@Suite struct LargeNotebookTests {
    static let sections = 2500

    /// Section `k`: a heading, inline and display math, a labelled equation and a reference
    /// to it, inline values, a list, a pipe table, a Python block; every tenth opens with an `{eval}` cell,
    /// and every tenth another with a `{note}`.
    static func section(_ k: Int) -> String {
        let cell = k % 10 == 0 ? "```{eval}\n:label: s\(k)\nv = \(k) + 1\n```\n\n"
            : k % 10 == 5 ? "```{note} Remember\nSection \(k) has a note.\n```\n\n" : ""
        return """
            ## Section \(k)

            \(cell)The softmax $\\sigma(A)_i = e^{A_i} / \\sum_j e^{A_j}$ of $P \\in \\mathbb{R}^{N \\times 10}$ gives {eval}`\(k) * 10:d`, \
            and the cell above gave {eval}`s\(k - k % 10).v:d`.

            $$J_{\(k)} = -\\frac{1}{N}\\sum_{n=1}^{N} \\ln P_{y_n}(x_n)$$ (eq-\(k))

            By {eq}`eq-\(k)`:

            - a step of size $\\eta = 0.1$

            | symbol | shape |
            | --- | --- |
            | $X$ | $N \\times 784$ |

            ```python
            def step(W):  # section \(k)
                return W - 0.1
            ```


            """
    }

    static let text = "---\ntitle: Large\n---\n\n" + (0..<sections).map(section).joined()

    @Test func aMegabyteNotebookRendersCompletely() throws {
        #expect(Self.text.utf8.count > 900_000)
        let notebook = try NotebookParser.parse(SourceText(file: "large.md", text: Self.text))
        #expect(notebook.errors.isEmpty)
        #expect(notebook.cells.count == Self.sections / 10)
        #expect(notebook.blocks.count == Self.sections / 10 && notebook.blocks.allSatisfy { $0.name == "note" })
        #expect(notebook.equations.equations.count == Self.sections)
        #expect(notebook.equations.equation("eq-\(Self.sections - 1)")?.number == "\(Self.sections)")

        let executor = Executor(registry: .standard, settings: testSettings(), inlineEvaluator: InlineEvaluation.evaluate)
        let run = executor.run(notebook)
        #expect(run.cells.allSatisfy { $0.status == .ok })
        #expect(run.inlineValues.count == 2 * Self.sections)
        #expect(run.inlineValues[2 * (Self.sections - 1)].map { if case .value("\((Self.sections - 1) * 10)") = $0 { true } else { false } } == true)
        #expect(run.inlineValues[2 * Self.sections - 1].map { if case .value("\(Self.sections - 9)") = $0 { true } else { false } } == true)

        let (html, warnings) = HTMLRenderer(reproducible: true, version: "test", embedsFonts: true).render(run)
        #expect(warnings.isEmpty)
        let last = Self.sections - 1
        #expect(html.contains("<a class=\"nb-eqref\" href=\"#eq-eq-\(last)\" title=\"Equation (\(Self.sections)): not checked by any cell\">(\(Self.sections))</a>"))
        #expect(html.components(separatedBy: "<math ").count - 1 == 6 * Self.sections)
        #expect(html.components(separatedBy: "<span class=\"hl-c\"># section").count - 1 == Self.sections)
        #expect(html.components(separatedBy: "<table").count - 1 >= Self.sections)
        #expect(html.components(separatedBy: "<h2 id=").count - 1 == Self.sections)
        #expect(!html.contains("\u{E000}"))
        // The math font is cut to the glyphs used, double-struck R among them.
        #expect(html.contains("@font-face"))
        #expect(html.contains("ℝ"))
    }
}
