import Foundation
import Testing
@testable import NotebookRunner

/// The BibTeX reader: entries, braces, quotes, `@string`, `#`, accents, names; never stuck on bad input.
@Suite struct BibTeXReaderTests {
    static let bib = #"""
    Text before the entries is a comment.
    @string{mit = "MIT Press"}
    @comment{ignored {nested} }
    @book{goodfellow2016deep,
      title={Deep {Learning}},
      author={Goodfellow, Ian and Bengio, Yoshua and Courville, Aaron},
      publisher=mit # { (Cambridge)},
      year={2016}
    }
    @ARTICLE(vaswani2017,
      author = "Ashish Vaswani and Noam {Shazeer}",
      title = "Attention Is {"}All{"} You Need",
      volume = 30, year = 2017, month = dec)
    @inproceedings{erdos, author = {P. Erd{\H{o}}s and Johannes Diderik van der Waals and {Barnes and Noble} and others},
      title = "A {\"u}ber " # "test---{\'e}t\'e \c{c}a \ss{} \o", year = 1950}
    """#

    @Test func readsEntriesStringsAndConcatenation() {
        let reader = BibTeXReader(Self.bib)
        #expect(reader.problems.isEmpty)
        #expect(reader.entries.map(\.key) == ["goodfellow2016deep", "vaswani2017", "erdos"])
        #expect(reader.entries.map(\.type) == ["book", "article", "inproceedings"])
        let book = reader.entries[0]
        #expect(book.text("title") == "Deep Learning")
        #expect(book.text("publisher") == "MIT Press (Cambridge)")
        #expect(book.line == 4)
        #expect(reader.entries[1].text("month") == "December")
        #expect(reader.entries[1].year == "2017")
        #expect(reader.entries[2].text("title") == "A über test—été ça ß ø")
    }

    @Test func namesSplitIntoFirstVonLast() {
        let names = BibTeXReader(Self.bib).entries[2].authors
        #expect(names.map(\.surname) == ["Erdős", "van der Waals", "Barnes and Noble", ""])
        #expect(names[1].first == "Johannes Diderik")
        #expect(names[3].isOthers)
        #expect(BibName.list("Goodfellow, Ian and de la Fontaine, Jean, Jr.").map(\.listed) == ["Goodfellow, I.", "de la Fontaine, J."])
        #expect(BibName.list("von Last, Jr, First").first?.jr == "Jr")
        #expect(Bibliography.authorText(BibTeXReader(Self.bib).entries[2]) == "Erdős et al.")
        #expect(Bibliography.authorText(BibTeXReader(Self.bib).entries[1]) == "Vaswani and Shazeer")
    }

    @Test func badInputIsAProblemWithItsLineAndReadingGoesOn() {
        let reader = BibTeXReader("@book{a, title = {Open\n\n@article{b, title = \"x\", year = 2020}\n@misc{, title = 1}\n@book{c, = 3, year 4, note = \"unclosed")
        #expect(reader.entries.map(\.key).contains("a"))
        #expect(!reader.problems.isEmpty)
        #expect(reader.problems.allSatisfy { $0.line >= 1 && $0.line <= 5 })
        // Hostile shapes end promptly: deep braces, lone @, runs of # and quotes.
        for text in [String(repeating: "{", count: 50_000), String(repeating: "@a{", count: 20_000), "@", "@x",
                     "@string{a = b # # # }", String(repeating: "\"", count: 10_001), "@book{k, a = {\\}", "@book{k, author = { and and , , }}"] {
            let entries = BibTeXReader(text).entries
            for entry in entries { _ = entry.authors.map(\.listed); _ = entry.fields.values.map(LaTeXText.plain) }
        }
    }
}

/// `{cite}` and friends with a bibliography beside the page, and the reference list at the end.
@Suite struct CitationTests {
    static let files = ["references.bib": BibTeXReaderTests.bib]

    @Test func citationsReadAuthorYearAndLinkToTheList() throws {
        let page = try ReferencePage("""
            As {cite:t}`goodfellow2016deep` and {cite}`goodfellow2016deep,vaswani2017`; {cite:p}`erdos`, {cite:ps}`vaswani2017`, {cite:ts}`erdos`.
            d2l: :cite:`vaswani2017` and :citet:`erdos`. Unknown {cite}`nokey,vaswani2071`.
            """, files: Self.files)
        let expected = [
            "As <a class=\"nb-cite\" href=\"#cite-goodfellow2016deep\">Goodfellow et al. (2016)</a> and ",
            "(<a class=\"nb-cite\" href=\"#cite-goodfellow2016deep\">Goodfellow et al., 2016</a>; <a class=\"nb-cite\" href=\"#cite-vaswani2017\">Vaswani and Shazeer, 2017</a>); ",
            "(<a class=\"nb-cite\" href=\"#cite-erdos\">Erdős et al., 1950</a>), (<a class=\"nb-cite\" href=\"#cite-vaswani2017\">Vaswani and Shazeer, 2017</a>), ",
            "<a class=\"nb-cite\" href=\"#cite-erdos\">Erdős, van der Waals, Barnes and Noble, and others (1950)</a>.\n",
            "d2l: (<a class=\"nb-cite\" href=\"#cite-vaswani2017\">Vaswani and Shazeer, 2017</a>) and <a class=\"nb-cite\" href=\"#cite-erdos\">Erdős et al. (1950)</a>.",
        ]
        #expect(page.main.contains(expected.joined()))
        #expect(page.main.contains("<section class=\"nb-references\" id=\"nb-references\">\n<h2>References</h2>\n<ol class=\"nb-bibliography\">\n"
            + "<li id=\"cite-erdos\">Erdős, P., van der Waals, J. D., &amp; Barnes and Noble et al. (1950). <em>A über test—été ça ß ø</em>.</li>\n"
            + "<li id=\"cite-goodfellow2016deep\">Goodfellow, I., Bengio, Y., &amp; Courville, A. (2016). <em>Deep Learning</em>. MIT Press (Cambridge).</li>\n"
            + "<li id=\"cite-vaswani2017\">Vaswani, A., &amp; Shazeer, N. (2017). <em>Attention Is &quot;All&quot; You Need</em>.</li>"))
        #expect(page.warnings == ["page.md:2:61: warning: unknown citation key 'nokey'", "page.md:2:67: warning: unknown citation key 'vaswani2071'"])
        #expect(page.diagnostics.last?.hint == "did you mean 'vaswani2017'? the keys come from references.bib")
    }

    @Test func frontMatterNamesTheBibliographyAsTextOrList() throws {
        for matter in ["bibliography: refs/my.bib", "bibliography: [refs/my.bib]", "bibliography:\n  - refs/my.bib"] {
            let page = try ReferencePage("---\n\(matter)\n---\nSee {cite:t}`vaswani2017`.\n", files: ["refs/my.bib": BibTeXReaderTests.bib])
            #expect(page.main.contains("See <a class=\"nb-cite\" href=\"#cite-vaswani2017\">Vaswani and Shazeer (2017)</a>."), "\(matter)")
            #expect(page.warnings.isEmpty)
        }
    }

    @Test func aCitationWithoutABibliographyWarnsAndShowsTheKey() throws {
        let page = try ReferencePage("See {cite}`smith2020`.\n")
        #expect(page.main.contains("See (<span class=\"nb-ref-unknown\" title=\"unknown citation key 'smith2020'\">smith2020?</span>)."))
        #expect(page.warnings == ["page.md:1:12: warning: citation of 'smith2020' but the page has no bibliography"])
    }
}

/// Where the reference list goes, and author–year text when authors repeat.
@Suite struct CitationPlacementTests {
    static let bib = """
        @book{smith2019a, author = {Smith, Ann}, title = {Zeta}, year = 2019}
        @book{smith2019b, author = {Smith, Ann}, title = {Alpha}, year = 2019}
        @article{smith2020, author = {Smith, Ann}, title = {Later}, journal = {J}, year = 2020}
        @misc{jones, author = {Jones, Bo and Lee, Cy}, title = {Undated}}
        """

    @Test func theListStandsWhereTheBibliographyDirectiveIs() throws {
        let page = try ReferencePage("""
            # Page

            As {cite:t}`jones` showed.

            ## References

            ```{bibliography}
            :style: plain
            ```

            ## Appendix

            After the list.
            """, files: ["references.bib": Self.bib])
        let list = try #require(page.main.range(of: "<section class=\"nb-references\""))
        let appendix = try #require(page.main.range(of: "<h2 id=\"appendix\">"))
        #expect(list.lowerBound < appendix.lowerBound)
        #expect(page.main.components(separatedBy: "<section class=\"nb-references\"").count == 2, "listed once")
        #expect(page.main.contains("<a class=\"nb-cite\" href=\"#cite-jones\">Jones and Lee (n.d.)</a> showed."))
    }

    @Test func worksOfTheSameAuthorsShareTheirNamesAndSameYearsGetLetters() throws {
        let page = try ReferencePage("""
            {cite:p}`smith2019a,smith2019b,smith2020,jones` and {cite:t}`smith2019b,smith2020`; alone {cite}`smith2019a`.
            d2l :citet:`smith2020`.
            """, files: ["references.bib": Self.bib])
        let link = { (key: String, text: String) in "<a class=\"nb-cite\" href=\"#cite-\(key)\">\(text)</a>" }
        #expect(page.main.contains("(Smith, " + link("smith2019a", "2019b") + ", " + link("smith2019b", "2019a") + ", "
            + link("smith2020", "2020") + "; " + link("jones", "Jones and Lee, n.d.") + ") and Smith ("
            + link("smith2019b", "2019a") + ", " + link("smith2020", "2020") + "); alone (" + link("smith2019a", "Smith, 2019b") + ")."))
        #expect(page.main.contains("d2l " + link("smith2020", "Smith (2020)") + "."))
        // The letters follow the list's order (by title within an author and year).
        #expect(page.main.contains("<li id=\"cite-smith2019b\">Smith, A. (2019a). <em>Alpha</em>.</li>\n<li id=\"cite-smith2019a\">Smith, A. (2019b). <em>Zeta</em>.</li>"))
        #expect(page.main.hasSuffix("</ol>\n</section>\n\n") || page.main.contains("</ol>\n</section>\n"), "listed at the end without {bibliography}")
        #expect(page.warnings.isEmpty)
    }
}
