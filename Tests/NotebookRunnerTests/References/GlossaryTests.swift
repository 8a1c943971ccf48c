import Foundation
import Testing
@testable import NotebookRunner

/// `{glossary}` as a definition list with an id per term, and `{term}` linking to it.
@Suite struct GlossaryTests {
    static let page = """
        A {term}`Loss` falls; the {term}`cost <loss>` too, and so does a {term}`gradiant`.

        ```{glossary}
        loss
        cost
          What training makes small, e.g. $L(w)$.

          A second paragraph of it.

        gradient : vector
            The direction of steepest ascent.
        ```
        """

    @Test func termsLinkToTheirEntriesAndAnUnknownTermGetsADidYouMean() throws {
        let page = try ReferencePage(Self.page)
        #expect(page.main.contains("A <a class=\"nb-ref nb-ref-term\" href=\"#term-loss\">Loss</a> falls; "
            + "the <a class=\"nb-ref nb-ref-term\" href=\"#term-loss\">cost</a> too"))
        #expect(page.main.contains("<section class=\"nb-glossary\">\n<dl>\n<dt id=\"term-loss\">loss</dt>\n<dt id=\"term-cost\">cost</dt>\n<dd>\n<p>What training makes small, e.g. <math"))
        #expect(page.main.contains("<p>A second paragraph of it.</p>\n</dd>\n<dt id=\"term-gradient\">gradient</dt>\n<dd>\n<p>The direction of steepest ascent.</p>\n</dd>\n</dl>\n</section>"))
        #expect(page.warnings == ["page.md:1:73: warning: 'gradiant' is not in the glossary"])
        #expect(page.diagnostics.first { $0.severity == .warning }?.hint == "did you mean 'gradient'? terms: loss, cost, gradient")
        #expect(!page.main.contains("<pre"), "an indented definition is prose, not code")
    }

    @Test func aTermRightAfterItsDefinitionAndTermsInAQuoteStillPair() throws {
        let page = try ReferencePage("""
            > ```{glossary}
            > epoch
            >   One pass over the data.
            > batch
            >   Examples read together.
            > ```

            See {term}`batch`.
            """)
        #expect(page.main.contains("<dt id=\"term-epoch\">epoch</dt>\n<dd>\n<p>One pass over the data.</p>\n</dd>\n<dt id=\"term-batch\">batch</dt>\n<dd>\n<p>Examples read together.</p>\n</dd>\n</dl>"))
        #expect(page.main.contains("See <a class=\"nb-ref nb-ref-term\" href=\"#term-batch\">batch</a>."))
        #expect(page.warnings.isEmpty)
    }
}
