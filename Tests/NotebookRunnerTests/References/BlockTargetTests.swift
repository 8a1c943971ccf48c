import Foundation
import Testing
@testable import NotebookRunner

/// Labelled blocks of every kind are targets with the number and title MyST gives them, and
/// labels keep their place after math that spans lines.
struct BlockTargetTests {
    @Test func listTablesTablesAndCodeAreNumberedTargets() throws {
        let page = try ReferencePage("""
            # Tables

            ```{list-table} Fruit
            :header-rows: 1
            :name: tab-fruit

            * - name
              - colour
            * - apple
              - red
            ```

            ```{table} Sizes
            :name: tab-size

            | a | b |
            | --- | --- |
            | 1 | 2 |
            ```

            ```{code-block} python
            :caption: The loop
            :name: code-loop

            for i in range(3): pass
            ```

            See {numref}`tab-fruit`, {numref}`tab-size`, [](#code-loop) and {ref}`tab-size`.
            """)
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        #expect(page.main.contains("<table class=\"nb-list-table\" id=\"tab-fruit\">"))
        #expect(page.main.contains("<caption><span class=\"nb-table-number\">Table 1</span> Fruit</caption>"))
        #expect(page.main.contains("<figure class=\"nb-table-block\" id=\"tab-size\">\n<figcaption><span class=\"nb-table-number\">Table 2</span> Sizes</figcaption>"))
        #expect(page.main.contains("<figure class=\"nb-code-cell\" id=\"code-loop\">"))
        #expect(page.main.contains("Listing 1</span> The loop</figcaption>"))
        #expect(page.main.contains("href=\"#tab-fruit\">Table 1</a>"))
        #expect(page.main.contains("href=\"#tab-size\">Table 2</a>"))
        #expect(page.main.contains("href=\"#code-loop\">The loop</a>"))
        #expect(page.main.contains("href=\"#tab-size\">Sizes</a>"))
    }

    @Test func solutionsAndLabelsBeforeABlockAreTargets() throws {
        let page = try ReferencePage("""
            # Exercises

            ```{exercise}
            :label: ex-one

            Do it.
            ```

            ```{solution} ex-one
            :label: sol-one

            Done.
            ```

            (thm-alias)=
            ```{prf:theorem} Bound
            :label: thm-bound

            True.
            ```

            See {ref}`sol-one`, {ref}`thm-alias` and {numref}`thm-alias`.
            """)
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        #expect(page.main.contains("<details class=\"nb-solution\" id=\"sol-one\">"))
        #expect(page.main.contains("href=\"#sol-one\">Solution to Exercise 1</a>"))
        #expect(page.main.contains("href=\"#thm-alias\">Bound</a>"))
        #expect(page.main.contains("href=\"#thm-alias\">Theorem 1</a>"))
    }

    /// `(x)=` on the line above a block whose own `:label:` (or `:name:`) is `x` is one target
    /// spelt twice: no warning, one id on the page, references reach the block with its number.
    @Test func aLabelAboveABlockOfTheSameLabelIsOneTarget() throws {
        let page = try ReferencePage("""
            # Same label

            (neumann_series_lemma)=
            ```{prf:Theorem} Neumann Series Lemma
            :label: neumann_series_lemma

            True.
            ```

            (tab-same)=
            ```{list-table} Same
            :name: tab-same
            * - a
            ```

            (fig-same)=
            :::{figure} dot.svg
            :name: fig-same

            A dot.
            :::

            (code-same)=
            ```{code-block} python
            :name: code-same
            :caption: Same code

            x = 1
            ```

            See {prf:ref}`neumann_series_lemma`, {numref}`tab-same`, {numref}`fig-same` and {ref}`code-same`.
            """, files: ["dot.svg": ListTableCellTests.dot])
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        for id in ["neumann_series_lemma", "tab-same", "fig-same", "code-same"] {
            #expect(page.main.components(separatedBy: "id=\"\(id)\"").count == 2, "one element has the id \(id)")
        }
        #expect(page.main.contains("href=\"#neumann_series_lemma\">Theorem 1</a>"))
        #expect(page.main.contains("href=\"#tab-same\">Table 1</a>"))
        #expect(page.main.contains("href=\"#fig-same\">Figure 1</a>"))
        #expect(page.main.contains("href=\"#code-same\">Same code</a>"))
    }

    /// Two different blocks with one label, or a label above a block of another label that a second
    /// block takes, are still a warning each.
    @Test func twoBlocksWithOneLabelStillWarn() throws {
        let page = try ReferencePage("""
            # Twice

            ```{prf:theorem} One
            :label: thm-twice
            A.
            ```

            ```{prf:lemma} Two
            :label: thm-twice
            B.
            ```

            (thm-other)=
            ```{prf:theorem} Three
            :label: thm-three
            C.
            ```

            ```{note}
            :name: thm-other
            D.
            ```
            """)
        #expect(page.warnings.filter { $0.contains("label 'thm-twice' is already used") }.count == 1, "\(page.warnings)")
        #expect(page.warnings.filter { $0.contains("label 'thm-other' is already used") }.count == 1, "\(page.warnings)")
    }

    /// Math spanning lines becomes one word in the scanned prose: a label after it still finds its
    /// heading, and a block fence after it no longer takes the place of the text that followed the math.
    @Test func labelsAndBlocksAfterMathSpanningLinesKeepTheirPlace() throws {
        let page = try ReferencePage("""
            # Title

            ```{exercise}
            :label: ex-a

            The model

            $$
            m = 1
            + 2
            $$ (eq-model)

            We'll endow each type with {eq}`eq-model`.

             * The agents share it
             * they differ
            ```

            Text $x$ and

            $$
            y = 2
            \\quad \\text{and} \\quad
            z
            $$

            (sec-moments)=
            ### Moments

            See {ref}`sec-moments`.
            """)
        #expect(page.main.contains("endow each type"))
        #expect(page.main.contains("The agents share it"))
        #expect(page.main.contains("href=\"#sec-moments\">Moments</a>"))
        #expect(page.warnings.isEmpty, "\(page.warnings)")
    }

    @Test func d2lLabelsAfterMultiLineCaptionsAndBlankLines() throws {
        let page = try ReferencePage("""
            # Chapter

            $$f'(x) = \\lim_{h \\rightarrow 0} \\frac{f(x+h) - f(x)}{h}.$$

            :eqlabel:`eq_derivative`

            ![The attention mechanism
            over values.](../img/qkv.svg)
            :label:`fig_qkv`

            :Word-word co-occurrence probabilities
            :label:`tab_glove`

            |a|b|
            |:--|:--|
            |1|2|

            See :eqref:`eq_derivative`, :numref:`fig_qkv` and :numref:`tab_glove`.
            """)
        #expect(page.main.contains("href=\"#eq-eq_derivative\">(1)</a>"))
        #expect(page.main.contains("href=\"#fig_qkv\">Figure 1</a>"))
        #expect(page.main.contains("href=\"#tab_glove\">Table 1</a>"))
    }

    @Test func quartoCrossReferenceDivsAndSphinxStyleEquationLabels() throws {
        let page = try ReferencePage("""
            ---
            title: Divs
            ---

            ::: {#fig-table}
            | a | b |
            |---|---|
            | 1 | 2 |

            A table as a figure
            :::

            ::: {#credit-roles .callout-tip collapse="true"}
            ## Roles
            Text.
            :::

            $$ a = b $$ (kf1&2)

            See @fig-table, [the roles](#credit-roles) and {eq}`kf1&2`.
            """, name: "page.qmd")
        #expect(page.main.contains("id=\"fig-table\""))
        #expect(page.main.contains("href=\"#fig-table\">Figure 1</a>"))
        #expect(page.main.contains("id=\"credit-roles\""))
        #expect(page.main.contains("href=\"#eq-kf1&amp;2\" title=\"Equation (1): not checked by any cell\">(1)</a>"))
        #expect(!page.diagnostics.contains { $0.severity == .error }, "\(page.diagnostics.map(\.headline))")
    }
}
