import Foundation
import Testing
@testable import NotebookRunner

/// d2l's `:numref:`, `:label:`, `:eqlabel:`, `:eqref:`, `:width:` and tabs.
@Suite struct D2LReferenceTests {
    static let page = """
    # Softmax Regression
    :label:`sec_softmax`

    As :numref:`fig_softmaxreg` shows, :numref:`sec_softmax` says, see :eqref:`eq_softmax` and :numref:`tab_data`.

    ![Softmax regression is a single-layer neural network.](net.svg)
    :width:`400px`
    :label:`fig_softmaxreg`

    $$\\hat{y} = \\mathrm{softmax}(o)$$
    :eqlabel:`eq_softmax`

    | a | b |
    |---|---|
    | 1 | 2 |
    :label:`tab_data`

    :begin_tab:`pytorch`
    PyTorch text.
    :end_tab:

    :begin_tab:`mxnet, tensorflow`
    Other text.
    :end_tab:

    Unknown :numref:`fig_nope`.
    """

    static let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><rect width=\"4\" height=\"4\"/></svg>"

    @Test func labelsAttachToTheBlockBeforeThem() throws {
        let notebook = try parseNotebook(Self.page)
        let targets = notebook.references.targets
        #expect(targets.target("sec_softmax")?.kind == .section)
        #expect(targets.target("fig_softmaxreg")?.numberedName == "Figure 1")
        #expect(targets.target("fig_softmaxreg")?.title == "Softmax regression is a single-layer neural network.")
        #expect(targets.target("eq_softmax")?.number == "1")
        #expect(notebook.equations.equation("eq_softmax")?.location == SourceLocation(file: "nb.md", line: 11, column: 11))
        #expect(targets.target("tab_data")?.numberedName == "Table 1")
        #expect(notebook.references.imageWidths == ["net.svg": "400px"])
    }

    @Test func referencesFiguresWidthsAndTabsRender() throws {
        let page = try ReferencePage(Self.page, files: ["net.svg": Self.svg])
        let links = [
            "As <a class=\"nb-ref nb-ref-figure\" href=\"#fig_softmaxreg\">Figure 1</a> shows, ",
            "<a class=\"nb-ref nb-ref-section\" href=\"#sec_softmax\">Softmax Regression</a> says, see <a class=\"nb-ref nb-ref-equation\" href=\"#eq-eq_softmax\">(1)</a>",
        ]
        #expect(page.main.contains(links.joined()))
        #expect(page.main.contains("and <a class=\"nb-ref nb-ref-table\" href=\"#tab_data\">Table 1</a>."))
        #expect(page.main.contains("alt=\"Softmax regression is a single-layer neural network.\" style=\"width: 400px\" />"))
        #expect(page.main.contains("<span class=\"nb-caption\" id=\"fig_softmaxreg\"><span class=\"nb-caption-number\">Figure 1</span>: "
            + "Softmax regression is a single-layer neural network.</span>"))
        #expect(page.main.contains("<span class=\"math-display nb-equation\" id=\"eq-eq_softmax\">"))
        #expect(page.main.contains("<div class=\"nb-tab\" data-tab=\"pytorch\">\n<p class=\"nb-tab-title\">PyTorch</p>\n<p>PyTorch text.</p>\n</div>"))
        #expect(page.main.contains("<div class=\"nb-tab\" data-tab=\"mxnet, tensorflow\">\n<p class=\"nb-tab-title\">MXNet · TensorFlow</p>\n<p>Other text.</p>\n</div>"))
        #expect(!page.main.contains(":numref:") && !page.main.contains(":label:") && !page.main.contains(":width:") && !page.main.contains("_tab:"))
        #expect(page.warnings == ["page.md:26:18: warning: unknown label 'fig_nope'"])
    }
}

/// Quarto's `{#fig-x}`, `{#sec-x}`, `{#eq-x}` labels, `@fig-x` cross-references and `[@key]` citations.
@Suite struct QuartoReferenceTests {
    static let page = """
    ---
    title: Quarto page
    ---

    ## Intro {#sec-intro}

    ## Method

    See @fig-net, @eq-mass and @sec-intro; cite @vaswani2017 and [@vaswani2017; @erdos]. Mail me@example.com, @someone, @fig-missing.

    ![A network](net.svg){#fig-net}

    $$E = mc^2$$ {#eq-mass}
    """

    @Test func crossReferencesAndCitations() throws {
        let page = try ReferencePage(Self.page, files: ["net.svg": D2LReferenceTests.svg, "references.bib": BibTeXReaderTests.bib])
        #expect(page.main.contains("<h2 id=\"intro\">\nIntro<span class=\"nb-target\" id=\"sec-intro\"></span>\n</h2>"))
        let expected = [
            "See <a class=\"nb-ref nb-ref-figure\" href=\"#fig-net\">Figure 1</a>, <a class=\"nb-ref nb-ref-equation\" href=\"#eq-eq-mass\">Equation 1</a> ",
            "and <a class=\"nb-ref nb-ref-section\" href=\"#sec-intro\">Section 1</a>; cite <a class=\"nb-cite\" href=\"#cite-vaswani2017\">Vaswani and Shazeer (2017)</a> ",
            "and (<a class=\"nb-cite\" href=\"#cite-vaswani2017\">Vaswani and Shazeer, 2017</a>; <a class=\"nb-cite\" href=\"#cite-erdos\">Erdős et al., 1950</a>). ",
            "Mail me@example.com, @someone, <span class=\"nb-ref-unknown\" title=\"unknown label 'fig-missing'\">Figure ??</span>.",
        ]
        #expect(page.main.contains(expected.joined()))
        #expect(page.main.contains("<img data-nb-image=\"0\" alt=\"A network\" />"))
        #expect(page.main.contains("<span class=\"nb-caption\" id=\"fig-net\"><span class=\"nb-caption-number\">Figure 1</span>: A network</span>"))
        #expect(page.main.contains("id=\"eq-eq-mass\""))
        #expect(page.warnings == ["page.md:9:118: warning: unknown label 'fig-missing'"])
    }

    @Test func withoutABibliographyAtWordsStayText() throws {
        let page = try ReferencePage("Follow @someone or [@them]; see @fig-a.\n\n![A](a.svg){#fig-a}\n", files: ["a.svg": D2LReferenceTests.svg])
        #expect(page.main.contains("Follow @someone or [@them]; see <a class=\"nb-ref nb-ref-figure\" href=\"#fig-a\">Figure 1</a>."))
        #expect(page.warnings.isEmpty)
    }
}
