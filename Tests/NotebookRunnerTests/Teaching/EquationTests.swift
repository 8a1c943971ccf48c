import Foundation
import Testing
@testable import NotebookRunner

/// Numbered equations: every way to label one, references before and after, errors at the label.
@Suite struct EquationNumberingTests {
    static let notebook = """
    See {eq}`later` and {eq}`softmax`.

    $$\\sigma(A)_i = \\frac{e^{A_i}}{\\sum_j e^{A_j}}$$ (softmax)

    Unnumbered: $$a = b$$

    $$J = -\\ln P_y \\label{loss}$$

    $$\\begin{align} a &= b \\label{first} \\\\ c &= d \\label{second} \\\\ e &= f \\tag{*} \\label{star} \\end{align}$$

    ```{math}
    :label: later
    x = \\eqref{softmax} + \\ref{loss}
    ```

    Inline $x = \\eqref{first}$, and {eq}`star`.
    """

    @Test func numbersInDocumentOrderWithTagsOverriding() throws {
        let table = try parseNotebook(Self.notebook).equations
        #expect(table.diagnostics.isEmpty)
        #expect(table.equations.map(\.label) == ["softmax", "loss", "first", "second", "star", "later"])
        #expect(table.equations.map(\.number) == ["1", "2", "3", "4", "*", "5"])
        #expect(table.equations.map(\.row) == [nil, nil, 0, 1, 2, nil])
        // Each label is located where it is written.
        #expect(table.equation("softmax")?.location == SourceLocation(file: "nb.md", line: 3, column: 51))
        #expect(table.equation("loss")?.location == SourceLocation(file: "nb.md", line: 7, column: 16))
        #expect(table.equation("later")?.location == SourceLocation(file: "nb.md", line: 12, column: 9))
        #expect(table.roles.map(\.label) == ["later", "softmax", "star"])
        #expect(table.references.count == 6)
        #expect(table.references.filter { $0.mathIndex != nil }.map(\.style) == [.parenthesized, .bare, .parenthesized])
    }

    @Test func referencesAreLinksAndNumbersSitBesideTheFormula() throws {
        let notebook = try parseNotebook(Self.notebook)
        let run = Executor(registry: DirectiveRegistry([]), settings: testSettings()).run(notebook)
        let html = HTMLRenderer(reproducible: true, embedsFonts: false).render(run).html
        // {eq} to a label defined later in the notebook.
        #expect(html.contains("See <a class=\"nb-eqref\" href=\"#eq-later\" title=\"Equation (5): not checked by any cell\">(5)</a>"))
        #expect(html.contains("<span class=\"math-display nb-equation\" id=\"eq-softmax\"><span class=\"nb-equation-body\"><math"))
        #expect(html.contains("<span class=\"nb-equation-side\"><span class=\"nb-eqno\">(1)</span></span>"))
        // \eqref and \ref inside math; the annotation keeps the author's TeX.
        #expect(html.contains("<mtext><a class=\"nb-eqref\" href=\"#eq-softmax\" title=\"Equation (1): not checked by any cell\">(1)</a></mtext>"))
        #expect(html.contains("<mtext><a class=\"nb-eqref\" href=\"#eq-loss\" title=\"Equation (2): not checked by any cell\">2</a></mtext>"))
        #expect(html.contains("<annotation encoding=\"application/x-tex\">x = \\eqref{softmax} + \\ref{loss}</annotation>"))
        // Lines of an align numbered one by one through \tag; their anchors precede the formula.
        #expect(html.contains("<mtext>(3)</mtext>") && html.contains("<mtext>(4)</mtext>") && html.contains("<mtext>(*)</mtext>"))
        #expect(html.contains("id=\"eq-first\"><span id=\"eq-second\"></span><span id=\"eq-star\"></span>"))
        #expect(html.contains("6 equations, 0 checked, 0 failed"))
        #expect(!run.failed)
    }

    @Test func unknownAndDuplicateLabelsAreLocatedErrors() throws {
        let notebook = try parseNotebook("""
        $$a$$ (one)

        $$b$$ (one)

        As {eq}`onne` shows, and $\\eqref{two}$.
        """)
        let messages = notebook.errors.map(\.description)
        #expect(messages.count == 3)
        #expect(messages[0].hasPrefix("nb.md:3:8: error: equation label 'one' is already used at line 1"))
        #expect(messages[1].hasPrefix("nb.md:5:9: error: unknown equation label 'onne'"))
        #expect(messages[1].contains("did you mean 'one'?"))
        #expect(messages[2].hasPrefix("nb.md:5:27: error: unknown equation label 'two'"))
        let run = Executor(registry: DirectiveRegistry([]), settings: testSettings()).run(notebook)
        #expect(run.failed)
        let html = HTMLRenderer(reproducible: true, embedsFonts: false).render(run).html
        #expect(html.contains("<span class=\"nb-eqref-error\" title=\"unknown equation label 'onne'\">(??)</span>"))
    }

    @Test func checksMustNameAnEquation() throws {
        let notebook = try parseNotebook("""
        $$a$$ (one)

        ```{eval}
        :checks: one, tow
        1
        ```
        """)
        #expect(notebook.errors.map(\.description).first?.hasPrefix("nb.md:4:15: error: unknown equation label 'tow'") == true)
    }

    @Test func dollarsFollowedByOtherTextAreNotALabel() throws {
        let notebook = try parseNotebook("$$a$$ (not a label) and text\n\n$$b$$ (ok)\n")
        #expect(notebook.equations.equations.map(\.label) == ["ok"])
    }
}

/// Exercises, solutions and admonitions: prose-level blocks whose content is notebook content.
@Suite struct ProseBlockTests {
    static let notebook = """
    ```{note}
    A note with $x^2$.
    ```

    ```{exercise} The gradient
    :label: ex-grad
    Derive $\\partial J / \\partial W$.
    ```

    ````{solution} ex-grad
    The answer is SECRETPHRASE.
    ```{eval}
    :label: inside
    1 + 1
    ```
    ````

    ```{exercise}
    :label: ex-two
    Another.
    ```

    ```{tip} Remember
    Tips work too.
    ```
    """

    @Test func blocksAreNumberedAndTheirCellsAreCells() throws {
        let notebook = try parseNotebook(Self.notebook)
        #expect(notebook.errors.isEmpty)
        #expect(notebook.blocks.map(\.name) == ["note", "exercise", "solution", "exercise", "tip"])
        #expect(notebook.blocks.map(\.number) == [nil, 1, 1, 2, nil])
        #expect(notebook.blocks[1].argument == "The gradient")
        #expect(notebook.cells.map(\.label) == ["inside"])
        #expect(notebook.cells[0].location == SourceLocation(file: "nb.md", line: 12, column: 1))
        #expect(notebook.math.count == 2)
    }

    @Test func theDefaultBuildShowsSolutionsCollapsed() throws {
        let run = Executor(registry: .standard, settings: testSettings()).run(try parseNotebook(Self.notebook))
        let html = HTMLRenderer(reproducible: true, embedsFonts: false).render(run).html
        #expect(html.contains("<aside class=\"nb-admonition nb-note\">\n<p class=\"nb-block-title\">Note</p>"))
        #expect(html.contains("<section class=\"nb-exercise\" id=\"ex-ex-grad\">\n<p class=\"nb-block-title\"><a href=\"#ex-ex-grad\">Exercise 1</a> <span class=\"nb-block-subtitle\">The gradient</span></p>"))
        #expect(html.contains("<details class=\"nb-solution\">\n<summary>Solution to Exercise 1</summary>"))
        #expect(html.contains("SECRETPHRASE"))
        #expect(html.contains("<a href=\"#ex-ex-two\">Exercise 2</a>"))
        #expect(html.contains("<p class=\"nb-block-title\">Remember</p>"))
        #expect(run.cells.first?.status == .ok)
    }

    @Test func theStudentEditionLeavesSolutionsOut() throws {
        let notebook = try NotebookParser.parse(SourceText(file: "nb.md", text: Self.notebook), omitSolutions: true)
        #expect(notebook.cells.isEmpty)
        #expect(!notebook.prose.contains("SECRETPHRASE"))
        #expect(notebook.blocks.map(\.number) == [nil, 1, 2, nil])
    }

    @Test func aSolutionToNoExerciseIsAnError() throws {
        let notebook = try parseNotebook("```{exercise}\n:label: a\nQ\n```\n\n```{solution} b\nA\n```\n")
        #expect(notebook.errors.map(\.description).first?.hasPrefix("nb.md:6:15: error: {solution} answers an unknown exercise 'b'") == true)
    }

    @Test func anUnclosedBlockIsAnError() throws {
        let notebook = try parseNotebook("Text\n\n````{note}\nNever closed.\n")
        #expect(notebook.errors.map(\.headline) == ["nb.md:3:1: error: the {note} block opened here is never closed"])
    }
}
