/// A MyST `{list-table}` — rows as a bullet list of bullet lists:
///
///     ```{list-table} Title
///     :header-rows: 1
///     * - header 1
///       - header 2
///     * - a
///       - ```{math}
///         :label: eq-b
///         b
///         ```
///     ```
///
/// The rows stay in the prose as the list they are, so a cell holds whatever a list item holds —
/// paragraphs, code, math, nested lists, directives and cells, with their labels — and is parsed
/// with the rest of the page. The reader turns only the fences into marks: the opening one into
/// a `Placeholder.Kind.table` paragraph naming the table's `Layout`, the closing one into an HTML
/// comment holding the same token (an HTML block ends the list, so a list after the table stays
/// apart); the renderer turns the bullet list after the mark into the table (`CommonMark`).
enum ListTable {
    /// How a list table is laid out beyond its cells.
    struct Layout: Sendable, Hashable {
        /// The title after `{list-table}`, inline Markdown (with the page's placeholder tokens once scanned).
        var caption: String?
        /// Where the title starts.
        var captionLocation: SourceLocation?
        /// Relative column widths (`:widths: 1 2 2`), as percentages; nil: `auto` or not given.
        var widths: [Int]?
        var headerRows = 0
        /// How many leading columns are row headings (`<th scope="row">`).
        var stubColumns = 0
        /// `left`, `center` or `right`: where the table stands.
        var align: String?
        /// `:width:` of the whole table, e.g. `80%` or `400px`.
        var width: String?
        /// `:name:` (or `:label:`): the table's id, a target of references.
        var label: String?
        /// Where the `{list-table}` fence starts (set by the reader).
        var location: SourceLocation?
        /// "3" in "Table 3", from the page's targets (set before rendering).
        var number: String?
    }

    /// The closing mark of table `index`: an HTML block, which ends the list of rows before it.
    static func closingLine(_ index: Int) -> String {
        "<!--" + Placeholder.token(.table, index) + "-->"
    }

    /// The layout the option lines at the start of `body` give, and how many lines they are.
    static func layout(options body: [String]) -> (layout: Layout, optionLines: Int) {
        var layout = Layout()
        var count = 0
        for line in body {
            guard let option = CellParser.parseOption(line, at: SourceLocation(file: "", line: 1)) else { break }
            read(option.key, option.value, into: &layout)
            count += 1
        }
        return (layout, count)
    }

    /// Reads one option of the table into `layout` (others are the block's ordinary options).
    private static func read(_ key: String, _ value: String, into layout: inout Layout) {
        switch key {
        case "header-rows": layout.headerRows = max(0, Int(value) ?? 0)
        case "stub-columns": layout.stubColumns = max(0, Int(value) ?? 0)
        case "name", "label": layout.label = value.isEmpty ? nil : value
        case "align": layout.align = ["left", "center", "right"].contains(value.lowercased()) ? value.lowercased() : nil
        case "width": layout.width = value.allSatisfy { $0.isNumber || $0 == "." || $0 == "%" || $0.isLetter } && !value.isEmpty ? value : nil
        case "widths":
            let numbers = value.split { $0 == " " || $0 == "," }.compactMap { Int($0) }.filter { $0 > 0 }
            let total = numbers.reduce(0, +)
            guard value.lowercased() != "auto", !numbers.isEmpty, total > 0 else { layout.widths = nil; return }
            layout.widths = numbers.map { ($0 * 100 + total / 2) / total }
        default: break
        }
    }
}

extension ListTable.Layout {
    /// The HTML that opens the table, up to its first row: the scrolling wrapper, `<table>` with its
    /// id, classes and width, the caption ("Table 3" and the title, `inline` turning its Markdown into
    /// HTML) and the column widths (ignored unless there is one per column).
    func openingHTML(columns: Int, inline: (String) -> String) -> String {
        var classes = ["nb-list-table"]
        if let align { classes.append("nb-align-\(align)") }
        let widths = widths.flatMap { $0.count == columns ? $0 : nil }
        if widths != nil { classes.append("nb-colwidths-given") }
        let style = width.map { " style=\"width: \(HTML.escape($0.allSatisfy(\.isNumber) ? $0 + "px" : $0))\"" } ?? ""
        let id = label.map { " id=\"\(HTML.escape($0))\"" } ?? ""
        var html = "<div class=\"nb-table-wrap\">\n<table class=\"\(classes.joined(separator: " "))\"\(id)\(style)>\n"
        let numberHTML = number.map { "<span class=\"nb-table-number\">Table \(HTML.escape($0))</span>" }
        let captionHTML = caption.flatMap { $0.isEmpty ? nil : inline($0) }
        if numberHTML != nil || captionHTML != nil {
            html += "<caption>" + [numberHTML, captionHTML].compactMap { $0 }.joined(separator: " ") + "</caption>\n"
        }
        if let widths {
            html += "<colgroup>" + widths.map { "<col style=\"width: \($0)%\">" }.joined() + "</colgroup>\n"
        }
        return html
    }

    /// The HTML before row `row`: `<thead>` before the first header row, `<tbody>` before the first
    /// body row (after closing the head), then `<tr>`.
    func rowOpening(_ row: Int) -> String {
        let opening = row == 0 && headerRows > 0 ? "<thead>\n" : row == headerRows ? (row > 0 ? "</thead>\n" : "") + "<tbody>\n" : ""
        return opening + "<tr>"
    }

    /// The HTML after the last of `count` rows: the section, the table and the wrapper closed.
    func closingHTML(rows count: Int) -> String {
        (count > headerRows ? "</tbody>\n" : count > 0 ? "</thead>\n" : "") + "</table>\n</div>"
    }

    /// The tag of cell `column` of row `row`: a heading in a header row or a stub column.
    func cellTag(row: Int, column: Int) -> (open: String, close: String) {
        if row < headerRows { return ("<th>", "</th>\n") }
        if column < stubColumns { return ("<th scope=\"row\">", "</th>\n") }
        return ("<td>", "</td>\n")
    }
}
