import Foundation
import Testing
@testable import NotebookRunner

/// Constructs of MyST, Jupyter Book, Quarto and d2l pages, each parsed and rendered as nbrun's
/// own registry reads them (`directives:` the standard names, as `nbrun render` does).
@Suite struct DialectPageTests {
    func parse(_ text: String, omitSolutions: Bool = false) throws -> Notebook {
        try NotebookParser.parse(SourceText(file: "nb.md", text: text), omitSolutions: omitSolutions,
                                 directives: DirectiveRegistry.standard.names)
    }

    func render(_ text: String, omitSolutions: Bool = false) throws -> String {
        let notebook = try parse(text, omitSolutions: omitSolutions)
        let run = Executor(registry: .standard, settings: testSettings()).run(notebook)
        return HTMLRenderer(reproducible: true, embedsFonts: false).render(run).html
    }

    @Test func frontMatterOfOtherToolsIsKeptAndAnUnknownKeyGetsADidYouMean() throws {
        let notebook = try parse("""
            ---
            jupytext:
              text_representation:
                extension: .md
            kernelspec: {name: python3, display_name: Python 3}
            numbering: {heading_1: true}
            aliases: [a, b]
            epochz: 3
            ---

            Text.
            """)
        #expect(notebook.frontMatter.metadata.map(\.key) == ["jupytext", "kernelspec", "numbering", "aliases"])
        let warnings = notebook.frontMatter.unknownKeyWarnings(known: DirectiveRegistry.standard.inheritableNames)
        #expect(warnings.count == 1)
        #expect(warnings.first?.hint?.hasPrefix("did you mean 'epochs'?") == true)
    }

    @Test func codeOfEveryDialectIsShownWithItsLanguageAndCounted() throws {
        let notebook = try parse("""
            ```{code-cell} ipython3
            :tags: [hide-input]
            import numpy as np
            ```

            ```{.python .input n=1}
            x = 1
            ```

            ```{r}
            #| label: fig-plot
            plot(x)
            ```

            ```{code-block} python
            :caption: A caption
            :linenos:
            :emphasize-lines: 2
            a = 1
            b = 2
            ```
            """)
        #expect(notebook.cells.isEmpty)
        #expect(notebook.codeCells.map(\.language) == ["ipython3", "python", "r", "python"])
        #expect(notebook.codeCells[2].code == "plot(x)")
        #expect(notebook.warnings.map(\.message) == ["4 code cells (3 Python, 1 R) shown, not run: nbrun runs its own directives"])
        let html = try render(notebook.prose.isEmpty ? "" : """
            ```{code-block} python
            :caption: A caption
            :linenos:
            :emphasize-lines: 2
            a = 1
            b = 2
            ```
            """)
        #expect(html.contains("<figcaption>A caption</figcaption>"))
        #expect(html.contains("<span class=\"nb-line nb-line-emphasized\"><span class=\"nb-line-number\" aria-hidden=\"true\">2</span>"))
    }

    @Test func colonFencesNestAndQuartoCalloutsAreAdmonitions() throws {
        let html = try render("""
            ::::{note} Outer
            :::{tip}
            Inner *tip*.
            :::
            ::::

            ::: {.callout-warning title="Careful"}
            Mind the gap.
            :::

            ```{tip}
            :class: dropdown
            Hidden.
            ```
            """)
        #expect(html.contains("<p class=\"nb-block-title\">Outer</p>"))
        #expect(html.contains("<aside class=\"nb-admonition nb-tip\">\n<p class=\"nb-block-title\">Tip</p>\n<p>Inner <em>tip</em>.</p>"))
        #expect(html.contains("<p class=\"nb-block-title\">Careful</p>\n<p>Mind the gap.</p>"))
        #expect(html.contains("<details class=\"nb-admonition nb-tip nb-dropdown\">"))
        #expect(!html.contains(":::"))
    }

    @Test func theoremsAndFiguresAreNumberedPerKind() throws {
        let notebook = try parse("""
            ```{prf:theorem} Pythagoras
            :label: pyth
            $a^2 + b^2 = c^2$.
            ```

            ```{prf:lemma}
            A lemma.
            ```

            ```{prf:theorem}
            Another.
            ```

            ```{prf:proof}
            Obvious.
            ```
            """)
        #expect(notebook.blocks.map(\.number) == [1, 1, 2, nil])
        let html = try render("```{prf:theorem} Pythagoras\n:label: pyth\nText.\n```\n")
        #expect(html.contains("<section class=\"nb-theorem nb-theorem\" id=\"pyth\">\n<p class=\"nb-block-title\">Theorem 1 <span class=\"nb-block-subtitle\">(Pythagoras)</span></p>"))
    }

    @Test func gatedExercisesAndSolutionsAndTheStudentEdition() throws {
        let page = """
            ```{exercise-start}
            :label: ex1
            ```

            Compute SECRETQUESTION.

            ```{exercise-end}
            ```

            ```{solution-start} ex1
            :class: dropdown
            ```

            The answer is GATEDANSWER.

            ```{code-cell} python
            print(42)
            ```

            ```{solution-end}
            ```

            ```{solution} ex1
            Also FENCEDANSWER.
            ```
            """
        let html = try render(page)
        #expect(html.contains("Exercise 1"))
        #expect(html.contains("Solution to Exercise 1"))
        #expect(html.contains("GATEDANSWER") && html.contains("FENCEDANSWER"))
        let student = try render(page, omitSolutions: true)
        #expect(student.contains("SECRETQUESTION"))
        #expect(!student.contains("GATEDANSWER") && !student.contains("FENCEDANSWER") && !student.contains("print(42)"))
    }

    @Test func unknownNamesAreBoxesButNamesNearNbrunsOwnAreErrors() throws {
        let notebook = try parse("```{youtube} abc\nA video.\n```\n\n```{youtube} def\n```\n\n```{gradchek}\n```\n")
        #expect(notebook.blocks.map(\.kind) == [.unknown, .unknown])
        #expect(notebook.warnings.count { $0.message.hasPrefix("unknown directive {youtube}") } == 1)
        #expect(notebook.cells.map(\.directive) == ["gradchek"])
        let error = try #require(throws: Diagnostic.self) { try DirectiveRegistry.standard.instantiate(notebook.cells[0], defaults: Defaults()) }
        #expect(error.hint?.hasPrefix("did you mean {gradcheck}?") == true)
    }

    @Test func commentsTargetsTitleMathAndListTables() throws {
        let notebook = try parse("""
            % a comment nobody sees
            (intro)=
            # The real title

            ```{math}
            :label: two

            a = 1

            b = 2
            ```

            ```{list-table} Things
            :header-rows: 1
            * - Name
              - Value
            * - x
              - 1
            ```

            > ```{note}
            > In a quote.
            > ```
            """)
        #expect(notebook.title == "The real title")
        #expect(notebook.math.map(\.tex) == ["a = 1", "b = 2"])
        #expect(notebook.errors.isEmpty)
        let html = try render("% SECRETCOMMENT\n# Title\n\n```{list-table}\n:header-rows: 1\n* - Name\n  - Value\n* - x\n  - 1\n```\n\n> ```{note}\n> In a quote.\n> ```\n")
        #expect(!html.contains("SECRETCOMMENT"))
        #expect(html.contains("<th>Name</th>") && html.contains("<td>x</td>"))
        #expect(html.contains("<p>In a quote.</p>"))
        #expect(html.components(separatedBy: ">Title</h1>").count == 2, "the title once, in the header")
    }

    /// MyST ends a code fence left open inside a block with the block: the page after it is prose.
    @Test func aCodeFenceLeftOpenInABlockEndsWithIt() throws {
        let notebook = try parse("````{solution} ex\n```{code-block} java\nint x;\n````\n\n```{exercise-start}\n```\n\nQ.\n\n```{exercise-end}\n```\n")
        #expect(notebook.errors.allSatisfy { !$0.message.contains("closes no") && !$0.message.contains("never closed") })
        #expect(notebook.blocks.map(\.name) == ["solution", "exercise"])
        #expect(notebook.codeCells.map(\.code) == ["int x;"])
    }
}
