import Foundation
import Testing
@testable import NotebookRunner

/// MyST cross-references: targets, `{ref}`, `{numref}`, `{prf:ref}`, `{doc}`, `[](#label)`, and the
/// located warnings for labels the page lacks.
@Suite struct MySTReferenceTests {
    static let page = """
    # Linear regression

    (sec-model)=
    ## The model

    See {ref}`sec-model`, {ref}`the section <sec-model>`, {numref}`sec-loss`, {numref}`Sec. %s <sec-loss>`,
    {numref}`{name} ({number}) <sec-loss>`, [](#sec-loss), [the loss](#sec-loss) and [](#the-model).

    (sec-loss)=
    ## The loss

    $$ L = \\sum_i (y_i - \\hat y_i)^2 $$ (eq-loss)

    Equation {numref}`eq-loss`, [](#eq-loss), {eq}`eq-loss`; unknown {ref}`sec-mdoel` and [x](#nowhere).
    """

    @Test func targetsAreNumberedSectionsWithTheirTitles() throws {
        let notebook = try parseNotebook(Self.page)
        let targets = notebook.references.targets
        #expect(targets.target("sec-model")?.number == "1")
        #expect(targets.target("sec-model")?.title == "The model")
        #expect(targets.target("sec-loss")?.numberedName == "Section 2")
        #expect(targets.target("sec-loss")?.location == SourceLocation(file: "nb.md", line: 9, column: 2))
        // Every heading is a target by its slug too; the page title is not numbered.
        #expect(targets.target("linear-regression")?.number == nil)
        #expect(targets.target("the-model")?.implicit == true)
        #expect(targets.target("eq-loss")?.anchor == "eq-eq-loss")
    }

    @Test func referencesAreLinksWithTitlesNumbersAndTemplates() throws {
        let page = try ReferencePage(Self.page)
        #expect(page.main.contains("<span class=\"nb-target\" id=\"sec-model\"></span>\n<h2 id=\"the-model\">"))
        let links: [String] = [
            "See <a class=\"nb-ref nb-ref-section\" href=\"#sec-model\">The model</a>, ",
            "<a class=\"nb-ref nb-ref-section\" href=\"#sec-model\">the section</a>, ",
            "<a class=\"nb-ref nb-ref-section\" href=\"#sec-loss\">Section 2</a>, ",
            "<a class=\"nb-ref nb-ref-section\" href=\"#sec-loss\">Sec. 2</a>,\n",
            "<a class=\"nb-ref nb-ref-section\" href=\"#sec-loss\">The loss (2)</a>, ",
            "<a class=\"nb-ref nb-ref-section\" href=\"#sec-loss\">The loss</a>, ",
            "<a class=\"nb-ref nb-ref-section\" href=\"#sec-loss\">the loss</a> and ",
            "<a class=\"nb-ref nb-ref-section\" href=\"#the-model\">The model</a>.",
        ]
        #expect(page.main.contains(links.joined()))
        #expect(page.main.contains("Equation <a class=\"nb-ref nb-ref-equation\" href=\"#eq-eq-loss\">Equation 1</a>, "
            + "<a class=\"nb-ref nb-ref-equation\" href=\"#eq-eq-loss\">(1)</a>, <a class=\"nb-eqref\""))
        #expect(page.main.contains("unknown <span class=\"nb-ref-unknown\" title=\"unknown label 'sec-mdoel'\">sec-mdoel</span> and "
            + "<a href=\"#nowhere\">x</a>."))
        #expect(!page.main.contains("{ref}") && !page.main.contains("{numref}") && !page.main.contains("](#"))
    }

    @Test func unknownLabelsAreLocatedWarningsWithDidYouMean() throws {
        let page = try ReferencePage(Self.page)
        #expect(page.warnings == ["page.md:14:72: warning: unknown label 'sec-mdoel'", "page.md:14:92: warning: unknown label 'nowhere'"])
        let first = try #require(page.diagnostics.first { $0.message == "unknown label 'sec-mdoel'" })
        #expect(first.hint?.hasPrefix("did you mean 'sec-model'? labels: sec-model, sec-loss, eq-loss") == true)
        // Warnings: the page still renders and the run succeeds.
        #expect(!page.diagnostics.contains { $0.severity == .error })
    }

    @Test func linksToCellsExercisesAndTheAuthorsHTMLIdsAreKnown() throws {
        let text = """
        <span id="raw-anchor"></span>

        ```{exercise}
        Unlabelled.
        ```

        See [the cell](#cell-data), [](#exercise-1), [raw](#raw-anchor) and [](#raw-anchor).

        ```{eval}
        :label: data
        1 + 1
        ```
        """
        let page = try ReferencePage(text)
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        #expect(page.main.contains("See <a class=\"nb-ref nb-ref-code\" href=\"#cell-data\">the cell</a>, "
            + "<a class=\"nb-ref nb-ref-exercise\" href=\"#exercise-1\">Exercise 1</a>, <a href=\"#raw-anchor\">raw</a> and "
            + "<a href=\"#raw-anchor\">raw-anchor</a>."))
    }

    @Test func numrefOfAnUnnumberedTargetWarns() throws {
        let page = try ReferencePage("(para)=\nA paragraph.\n\nSee {numref}`para` and {ref}`para`.\n")
        #expect(page.warnings == ["page.md:4:14: warning: 'para' has no number"])
        #expect(page.main.contains("<span class=\"nb-target\" id=\"para\"></span>"))
        #expect(page.main.contains("See <a class=\"nb-ref nb-ref-generic\" href=\"#para\">para</a>"))
    }

    @Test func prfRefAndExercisesShareTheTable() throws {
        let text = """
        ```{exercise} Gradients
        :label: ex-grad
        Derive it.
        ```

        Try {numref}`ex-grad`, {prf:ref}`ex-grad` and {ref}`ex-grad`.
        """
        let page = try ReferencePage(text)
        #expect(page.main.contains("Try <a class=\"nb-ref nb-ref-exercise\" href=\"#ex-ex-grad\">Exercise 1</a>, "
            + "<a class=\"nb-ref nb-ref-exercise\" href=\"#ex-ex-grad\">Exercise 1</a> and "
            + "<a class=\"nb-ref nb-ref-exercise\" href=\"#ex-ex-grad\">Gradients</a>."))
        #expect(page.main.contains("id=\"ex-ex-grad\""))
    }

    @Test func registeringATargetNumbersItInDocumentOrderPerCounter() {
        var table = TargetTable()
        var warnings: [Diagnostic] = []
        let at = { (line: Int) in SourceLocation(file: "nb.md", line: line, column: 1) }
        table.register(Target(label: "lem-b", kind: .theorem, name: "Lemma", location: at(20)), into: &warnings)
        table.register(Target(label: "thm-a", kind: .theorem, location: at(5)), into: &warnings)
        table.register(Target(label: "lem-a", kind: .theorem, name: "Lemma", location: at(10)), into: &warnings)
        table.register(Target(label: "fig-a", kind: .figure, title: "A net", location: at(30)), into: &warnings)
        table.register(Target(label: "fig-a", kind: .figure, location: at(31)), into: &warnings)
        table.finish()
        #expect(table.target("lem-a")?.numberedName == "Lemma 1")
        #expect(table.target("lem-b")?.numberedName == "Lemma 2")
        #expect(table.target("thm-a")?.numberedName == "Theorem 1")
        #expect(table.target("fig-a")?.numberedName == "Figure 1")
        #expect(warnings.map(\.headline) == ["nb.md:31:1: warning: label 'fig-a' is already used at line 30"])
        #expect(table.unknown("lem-c", at: at(40)).description
            == "nb.md:40:1: warning: unknown label 'lem-c'\n  hint: did you mean 'lem-b'? labels: lem-b, thm-a, lem-a, fig-a")
    }
}

/// Roles that are not references: each becomes its HTML, unknown ones their text with one warning per name.
@Suite struct RoleTests {
    @Test func inlineRolesBecomeTheirElements() throws {
        let page = try ReferencePage("Press {kbd}`Ctrl+C`; H{sub}`2`O; x{sup}`2`; {abbr}`CPU (Central Processing Unit)`; {index}`regression`; {code}`a<b`; {math}`x^2`.\n")
        #expect(page.main.contains("Press <kbd>Ctrl+C</kbd>; H<sub>2</sub>O; x<sup>2</sup>; <abbr title=\"Central Processing Unit\">CPU</abbr>; regression; <code>a&lt;b</code>; <math"))
        #expect(page.warnings.isEmpty)
    }

    @Test func unknownRolesShowTheirTextWithOneWarningPerName() throws {
        let page = try ReferencePage("A {foo}`bar`, {foo}`baz` and {dco}`other`.\n")
        #expect(page.main.contains("<p>A bar, baz and other.</p>"))
        #expect(page.warnings == ["page.md:1:3: warning: unknown role {foo}: its text is shown plainly",
                                  "page.md:1:30: warning: unknown role {dco}: its text is shown plainly"])
        #expect(page.diagnostics.last?.hint?.hasPrefix("did you mean {doc}?") == true)
    }

    @Test func termWithoutAGlossaryIsTextWithOneWarning() throws {
        let page = try ReferencePage("A {term}`loss` and a {term}`gradient <grad>`.\n")
        #expect(page.main.contains("A <span class=\"nb-term\">loss</span> and a <span class=\"nb-term\">gradient</span>."))
        #expect(page.warnings == ["page.md:1:3: warning: {term} 'loss' has no glossary on this page: shown as text"])
    }

    @Test func mathAndCodeAreLeftAlone() throws {
        let notebook = try parseNotebook("Math $a_{ref} + {b}$ and `{ref}`, ``{ref}`x` ``; display $$\\text{@fig-a [^n]}$$\n")
        #expect(notebook.references.inline.isEmpty)
        #expect(notebook.math.map(\.tex) == ["a_{ref} + {b}", "\\text{@fig-a [^n]}"])
        #expect(notebook.prose.contains("`{ref}`, ``{ref}`x` ``"))
    }

    @Test func docLinksToTheOtherPagesHTMLWithItsTitle() throws {
        let page = try ReferencePage("Read {doc}`other`, {doc}`the intro <intro.md>`, {doc}`sub/plain` and {doc}`missing`.\n",
                                     files: ["other.md": "---\ntitle: The Other Page\n---\nHi.\n", "intro.md": "# Intro\n", "sub/plain.md": "text\n"])
        #expect(page.main.contains("Read <a class=\"nb-ref nb-ref-doc\" href=\"other.html\">The Other Page</a>, "
            + "<a class=\"nb-ref nb-ref-doc\" href=\"intro.html\">the intro</a>, <a class=\"nb-ref nb-ref-doc\" href=\"sub/plain.html\">plain</a> and "
            + "<span class=\"nb-ref-unknown\">missing</span>."))
        #expect(page.warnings == ["page.md:1:76: warning: {doc} names no page 'missing'"])
    }

    @Test func downloadEmbedsSmallFilesAndNamesMissingOnes() throws {
        let page = try ReferencePage("Get {download}`data.csv` or {download}`the data <data.csv>` or {download}`gone.csv`.\n", files: ["data.csv": "a,b\n"])
        #expect(page.main.contains("Get <a class=\"nb-ref nb-ref-download\" href=\"data:text/plain;base64,YSxiCg==\" download=\"data.csv\">data.csv</a> or "
            + "<a class=\"nb-ref nb-ref-download\" href=\"data:text/plain;base64,YSxiCg==\" download=\"data.csv\">the data</a> or "
            + "<span class=\"nb-ref-unknown\">gone.csv</span>."))
        #expect(page.warnings.count == 1 && page.warnings[0].hasPrefix("page.md:1:75: warning: {download}: download file 'gone.csv'"))
    }
}

/// `[^name]` footnotes: numbered by first reference, listed at the end with links back.
@Suite struct FootnoteTests {
    @Test func footnotesAreNumberedInOrderOfFirstReference() throws {
        let text = """
        A[^b] and B[^a] and A again[^b], and [^nope].

        [^a]: The a note with $x^2$.
        [^b]: The b note,
            on two lines.
        [^unused]: Never referenced.
        """
        let page = try ReferencePage(text)
        #expect(page.main.contains("<p>A<sup class=\"nb-fnref\" id=\"fnref-b\"><a href=\"#fn-b\">1</a></sup> and "
            + "B<sup class=\"nb-fnref\" id=\"fnref-a\"><a href=\"#fn-a\">2</a></sup> and A again<sup class=\"nb-fnref\"><a href=\"#fn-b\">1</a></sup>, "
            + "and <sup class=\"nb-ref-unknown\" title=\"undefined footnote\">[nope]</sup>.</p>"))
        #expect(page.main.contains("<li id=\"fn-b\"><p>The b note,\non two lines. <a class=\"nb-fnback\" href=\"#fnref-b\" aria-label=\"back\">↩</a></p></li>\n"
            + "<li id=\"fn-a\"><p>The a note with <math"))
        #expect(!page.main.contains("Never referenced") && !page.main.contains("[^"))
        #expect(page.warnings == ["page.md:1:40: warning: footnote [^nope] is not defined"])
    }
}
