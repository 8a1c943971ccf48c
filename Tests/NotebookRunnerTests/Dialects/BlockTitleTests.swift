import Foundation
import Testing
@testable import NotebookRunner

/// The title of a block — an admonition, a dropdown, a theorem, an exercise, a tab, a card, a
/// table — is inline Markdown like the prose around it: code, emphasis, math and roles.
@Suite struct BlockTitleTests {
    /// (A backtick fence's info string holds no backtick, in CommonMark and MyST alike: titles with
    /// code go after colon fences.)
    @Test func titlesOfEveryKindOfBlockAreInlineMarkdown() throws {
        let page = try ReferencePage("""
            # Titles

            (sec-setup)=
            ## Setup

            :::{note} Using `jupytext`
            Body.
            :::

            ```{dropdown} A *hidden* $x^2$
            Body.
            ```

            ```{prf:theorem} Bound on $\\|A\\|$
            :label: thm-bound
            Body.
            ```

            ```{exercise} Read **this**
            :label: ex-read
            Body.
            ```

            ::::{tab-set}
            :::{tab-item} Tab `one`
            Body.
            :::
            ::::

            :::{admonition} See {ref}`sec-setup`
            Body.
            :::

            :::{card}
            :title: Card with `code`
            Body.
            :::

            :::{list-table} Rates $\\eta$ of `sgd`
            * - a
            :::

            Refer to {ref}`thm-bound` and {ref}`ex-read`.
            """)
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        let main = page.main
        #expect(main.contains("<p class=\"nb-block-title\">Using <code>jupytext</code></p>"))
        #expect(!main.contains("`jupytext`"))
        #expect(main.contains("<summary class=\"nb-block-title\">A <em>hidden</em> <math"))
        #expect(main.contains("<span class=\"nb-block-subtitle\">(Bound on <math"))
        #expect(main.contains("Exercise 1</a> <span class=\"nb-block-subtitle\">Read <strong>this</strong></span>"))
        #expect(main.contains("<p class=\"nb-block-title\">Tab <code>one</code></p>"))
        #expect(main.contains("<p class=\"nb-block-title\">See <a class=\"nb-ref nb-ref-section\" href=\"#sec-setup\">"))
        #expect(main.contains("<p class=\"nb-block-title\">Card with <code>code</code></p>"))
        #expect(main.contains("<caption>Rates <math"), "a list table's title too")
        #expect(main.contains("of <code>sgd</code></caption>"))
        // A reference shows the title's text: math set, no Markdown syntax.
        #expect(main.contains("href=\"#thm-bound\">Bound on <math"))
        #expect(main.contains("href=\"#ex-ex-read\">Read this</a>"))
    }

    @Test func titleMathIsScannedWhereItStands() throws {
        let notebook = try NotebookParser.parse(SourceText(file: "nb.md", text: "```{note} The $\\alpha$ title\nBody.\n```\n"),
                                                directives: DirectiveRegistry.standard.names)
        #expect(notebook.math.map(\.tex) == ["\\alpha"])
        #expect(notebook.math.first?.location == SourceLocation(file: "nb.md", line: 1, column: 15))
        #expect(notebook.blocks.first?.title == "The " + Placeholder.token(.math, 0) + " title")
    }
}
