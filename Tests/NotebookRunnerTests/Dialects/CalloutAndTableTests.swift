import Foundation
import Testing
@testable import NotebookRunner

/// Quarto callouts (titles, kinds, collapse) and MyST list tables (widths, header rows, row headings, placement).
@Suite struct CalloutAndTableTests {
    func render(_ text: String) throws -> String {
        let notebook = try NotebookParser.parse(SourceText(file: "nb.md", text: text), directives: DirectiveRegistry.standard.names)
        #expect(notebook.errors.isEmpty, "\(notebook.errors)")
        let run = Executor(registry: .standard, settings: testSettings()).run(notebook)
        return HTMLRenderer(reproducible: true, embedsFonts: false).render(run).html
    }

    @Test func calloutsTakeTheirTitleFromTheAttributeOrAFirstHeadingAndCollapse() throws {
        let html = try render("""
            # Page

            ::: {.callout-tip}
            ## Tip with a heading
            Body one.
            :::

            ::: {.callout-caution collapse="true" title="Hidden"}
            Body two.
            :::

            ::: {.callout-important collapse=false}
            ### Open one
            Body three.
            :::

            ::: {.callout-note}
            No heading here.
            :::

            ::: {.callout-warning}
            Careful.
            :::
            """)
        #expect(html.contains("<aside class=\"nb-admonition nb-tip\">\n<p class=\"nb-block-title\">Tip with a heading</p>\n<p>Body one.</p>"))
        #expect(!html.contains("<h2 id=\"tip-with-a-heading\""), "the heading became the title, not a section")
        #expect(html.contains("<details class=\"nb-admonition nb-caution nb-dropdown\">\n<summary class=\"nb-block-title\">Hidden</summary>\n<p>Body two.</p>"))
        #expect(html.contains("<details class=\"nb-admonition nb-important nb-dropdown\" open>\n<summary class=\"nb-block-title\">Open one</summary>"))
        #expect(html.contains("<aside class=\"nb-admonition nb-note\">\n<p class=\"nb-block-title\">Note</p>\n<p>No heading here.</p>"))
        #expect(html.contains("<aside class=\"nb-admonition nb-warning\">\n<p class=\"nb-block-title\">Warning</p>"))
        // Each of the five kinds has its own colour.
        #expect(html.contains(".nb-admonition > .nb-block-title { color: var(--note); }"))
        for kind in ["tip", "warning", "important", "caution"] {
            #expect(html.contains(".nb-admonition.nb-\(kind) > .nb-block-title { color: var(--\(kind)); }"), "\(kind)")
        }
    }

    @Test func listTablesKeepWidthsHeaderRowsStubColumnsAndAlignment() throws {
        let html = try render("""
            ```{list-table} Learning *rates*
            :widths: 1 3 1
            :header-rows: 2
            :stub-columns: 1
            :align: center
            * - Name
              - Value
              - Unit
            * - (sub)
              - (sub)
              - (sub)
            * - lr
              - $10^{-3}$
              - 1
            ```

            ```{list-table}
            :widths: auto
            * - a
              - b
            ```
            """)
        #expect(html.contains("<table class=\"nb-list-table nb-align-center nb-colwidths-given\">\n<caption>Learning <em>rates</em></caption>\n"
            + "<colgroup><col style=\"width: 20%\"><col style=\"width: 60%\"><col style=\"width: 20%\"></colgroup>\n<thead>\n<tr>\n<th>Name</th>"))
        #expect(html.contains("<tr>\n<th>(sub)</th>\n<th>(sub)</th>\n<th>(sub)</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<th scope=\"row\">lr</th>\n<td><math"))
        // No header rows: no empty header; `auto` widths: none given.
        #expect(html.contains("<table class=\"nb-list-table\">\n<tbody>\n<tr>\n<td>a</td>\n<td>b</td>"))
        #expect(!html.contains("TABL"))
    }
}
