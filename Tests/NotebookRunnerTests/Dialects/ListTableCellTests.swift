import Foundation
import Testing
@testable import NotebookRunner

/// A `{list-table}` cell is Markdown like any list item: fences, lists, math and directives in it
/// render and register their targets as they do anywhere on the page.
@Suite struct ListTableCellTests {
    static let dot = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"></svg>\n"

    /// The HTML of the first table of `html`, from `<table` to its own `</table>` (nested ones inside).
    func table(in html: String, id: String? = nil) throws -> String {
        let opening = try #require(html.range(of: id.map { "<table class=\"nb-list-table\" id=\"\($0)\"" } ?? "<table"))
        var depth = 0
        var index = opening.lowerBound
        while index < html.endIndex {
            if html[index...].hasPrefix("<table") { depth += 1 }
            if html[index...].hasPrefix("</table>") {
                depth -= 1
                if depth == 0 { return String(html[opening.lowerBound..<html.index(index, offsetBy: 8)]) }
            }
            index = html.index(after: index)
        }
        Issue.record("the table does not end")
        return ""
    }

    @Test func aFigureAndAnImageInCellsAreNumberedTargets() throws {
        let page = try ReferencePage("""
            # Figures in a table

            ````{list-table}
            :header-rows: 1

            * - Source
              - Result
            * - `figure`
              - ```{figure} dot.svg
                :name: fig-dot

                A *small* dot.
                ```
            * - `image`
              - ```{image} dot.svg
                :name: img-dot
                ```
            ````

            See {numref}`fig-dot`, {ref}`the image <img-dot>` and {ref}`fig-dot`.
            """, files: ["dot.svg": Self.dot])
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        let table = try table(in: page.main)
        #expect(table.contains("<thead>\n<tr>\n<th>Source</th>\n<th>Result</th>\n</tr>\n</thead>"))
        #expect(table.contains("<td><code>figure</code></td>"))
        #expect(table.contains("<figure class=\"nb-figure\" id=\"fig-dot\">"))
        #expect(table.contains("<span class=\"nb-figure-number\">Figure 1</span> \n<p>A <em>small</em> dot.</p>"))
        #expect(table.contains("<figure class=\"nb-figure\" id=\"img-dot\">"))
        #expect(page.main.contains("href=\"#fig-dot\">Figure 1</a>"))
        #expect(page.main.contains("href=\"#img-dot\">the image</a>"))
        #expect(page.main.contains("href=\"#fig-dot\">A small dot.</a>"), "a reference shows the caption's text")
        #expect(!page.main.contains("```") && !page.main.contains(":name:"))
    }

    @Test func aLabelledMathBlockInACellIsANumberedEquation() throws {
        let page = try ReferencePage("""
            # Math in a table

            ``````{list-table}
            * - Math directives
              - This is a math directive with a
                label
                ```{math}
                :label: eq-norm

                z=\\sqrt{x^2+y^2}
                ```
            * - Dollars
              - $$
                a = b
                $$ (eq-ab)
            ``````

            Check {eq}`eq-norm`, {eq}`eq-ab` and {numref}`eq-norm`.
            """)
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        #expect(page.diagnostics.allSatisfy { $0.severity != .error }, "\(page.diagnostics)")
        let table = try table(in: page.main)
        #expect(table.contains("id=\"eq-eq-norm\"") || table.contains("id=\"eq-norm\""), "the equation's id is in its cell")
        #expect(table.contains("<msqrt>"))
        #expect(table.contains("<td>\n<p>This is a math directive with a\nlabel</p>"))
        #expect(page.main.contains("<a class=\"nb-eqref\" href=\"#\(EquationTable.anchor("eq-norm"))\""))
        #expect(page.main.contains("<a class=\"nb-eqref\" href=\"#\(EquationTable.anchor("eq-ab"))\""))
        #expect(page.main.contains("href=\"#\(EquationTable.anchor("eq-norm"))\">Equation 1</a>"))
    }

    @Test func aNestedListTableIsATableOfItsOwnWithItsName() throws {
        let page = try ReferencePage("""
            # Nested

            ``````{list-table} Outer
            :header-rows: 1
            :name: tab-outer

            * - Example
              - Result
            * - plain
              - ```{list-table} Inner *title*
                :header-rows: 1
                :name: tab-inner

                * - Training
                  - Validation
                * - 0
                  - 5
                ```
            ``````

            {numref}`tab-inner` sits in {numref}`tab-outer`; {ref}`tab-inner` is its title.
            """)
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        let outer = try table(in: page.main, id: "tab-outer")
        let inner = try table(in: page.main, id: "tab-inner")
        #expect(outer.contains(inner), "the inner table is in a cell of the outer one")
        #expect(outer.hasPrefix("<table class=\"nb-list-table\" id=\"tab-outer\">\n<caption><span class=\"nb-table-number\">Table 1</span> Outer</caption>"))
        #expect(inner.contains("<caption><span class=\"nb-table-number\">Table 2</span> Inner <em>title</em></caption>"))
        #expect(inner.contains("<thead>\n<tr>\n<th>Training</th>\n<th>Validation</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>0</td>\n<td>5</td>\n</tr>\n</tbody>"))
        #expect(page.main.contains("href=\"#tab-inner\">Table 2</a> sits in <a class=\"nb-ref nb-ref-table\" href=\"#tab-outer\">Table 1</a>"))
        #expect(page.main.contains("href=\"#tab-inner\">Inner title</a> is its title"))
        #expect(!page.main.contains("\u{E000}") && !page.main.contains("<!--"))
    }

    @Test func codeFencesAndNestedListsInCellsKeepTheirLines() throws {
        let page = try ReferencePage("""
            # Code

            ``````{list-table}
            :header-rows: 1
            :widths: 20 20

            * - Example
              - Result
            * - ```md
                1. First item
                2. Second item
                ```
              - 1. First item
                2. Second item
                   * a sub-item
            * - ```python
                x = 1
                y = 2
                ```
              - plain text
            ``````

            * an ordinary list after the table
            """)
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        let table = try table(in: page.main)
        #expect(table.contains("<colgroup><col style=\"width: 50%\"><col style=\"width: 50%\"></colgroup>"))
        #expect(table.contains("1. First item\n2. Second item\n</code></pre>"), "the fence keeps its lines")
        #expect(table.contains("<ol>\n<li>First item</li>\n<li>Second item\n<ul>\n<li>a sub-item</li>"))
        #expect(table.contains("<td>\n<pre><code class=\"language-python\">x = <span class=\"hl-n\">1</span>\ny = "), "the Python code is shown as code")
        #expect(table.contains("<td>plain text</td>"))
        #expect(page.main.contains("</table>\n</div>\n<ul>\n<li>an ordinary list after the table</li>"), "the list after the table stays apart")
    }

    @Test func colonFencedDirectivesInCellsAreBlocksWithTheirLabels() throws {
        let page = try ReferencePage("""
            # Colon fences

            ````{list-table}
            * - :::{note} A `note`
                :name: note-cell
                Inside a **cell**.
                :::
              - :::{prf:theorem} Bound
                :label: thm-cell
                $x \\le 1$
                :::
            ````

            See {ref}`note-cell` and {prf:ref}`thm-cell`.
            """)
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        let table = try table(in: page.main)
        #expect(table.contains("<aside class=\"nb-admonition nb-note\" id=\"note-cell\">\n<p class=\"nb-block-title\">A <code>note</code></p>"))
        #expect(table.contains("<strong>cell</strong>"))
        #expect(table.contains("<section class=\"nb-theorem nb-theorem\" id=\"thm-cell\">"))
        #expect(page.main.contains("href=\"#note-cell\">A note</a>"))
        #expect(page.main.contains("href=\"#thm-cell\">Theorem 1</a>"))
    }

    @Test func tablesInAListItemOrAQuoteAndStubColumnsKeepTheirPlace() throws {
        let page = try ReferencePage("""
            # Containers

            - An item holding a table:

              ```{list-table}
              :stub-columns: 1
              * - row
                - $a^2$
              ```

            > ```{list-table}
            > * - quoted
            > ```
            """)
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        #expect(page.main.contains("<li>\n<p>An item holding a table:</p>\n<div class=\"nb-table-wrap\">\n<table class=\"nb-list-table\">\n<tbody>\n<tr>\n<th scope=\"row\">row</th>\n<td><math"))
        #expect(page.main.contains("<blockquote>\n<div class=\"nb-table-wrap\">\n<table class=\"nb-list-table\">\n<tbody>\n<tr>\n<td>quoted</td>"))
    }
    @Test func aPipeTableInACellIsATable() throws {
        let page = try ReferencePage("""
            ````{list-table}
            :header-rows: 1

            * - Name
              - Values
            * - squares
              - | n | n² |
                |---|---:|
                | 2 | 4 |
                | 3 | 9 |
            ````
            """)
        #expect(page.warnings.isEmpty, "\(page.warnings)")
        let outer = try table(in: page.main)
        #expect(outer.contains("<td><table>\n<thead>\n<tr>\n<th>n</th>\n<th align=\"right\">n²</th>")
                || outer.contains("<td>\n<div class=\"nb-table-wrap\">\n<table>\n<thead>\n<tr>\n<th>n</th>\n<th align=\"right\">n²</th>"), "\(outer)")
        #expect(outer.contains("<td>3</td>\n<td align=\"right\">9</td>"))
        #expect(!outer.contains("|---"))
    }
}
