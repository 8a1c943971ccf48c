/// A MyST `{list-table}` — rows as a bullet list of bullet lists — as the lines of a GFM pipe
/// table, which the prose's table support then renders:
///
///     * - header 1          | header 1 | header 2 |
///       - header 2    →     | --- | --- |
///     * - a                 | a | b |
///       - b
///
/// A cell's continuation lines join its text with spaces; `|` in a cell is escaped. Without
/// `:header-rows:` the header row is empty (and left out of the page). What a pipe table cannot
/// say — `:widths:`, more than one header row, `:stub-columns:`, `:align:`, `:width:`, the title —
/// is a `Layout`, named by a placeholder line before the table.
enum ListTable {
    /// How a list table is laid out beyond its cells.
    struct Layout: Sendable, Hashable {
        /// The title after `{list-table}`, inline Markdown.
        var caption: String?
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

    /// The table's lines and its layout, or nil when the rows do not fit in `lineCount` lines (they
    /// always do for a list table of one line per cell: each row is at least one line, and the fences
    /// two more). `layoutLine` is the line that names the layout, written before the table when it fits.
    static func pipeTable(body: [String], lineCount: Int, layoutLine: String) -> (lines: [String], layout: Layout?)? {
        var layout = Layout()
        var rows: [[String]] = []
        var rowIndent: Int?
        var optionsGiven = false
        for line in body {
            let trimmed = line.drop { $0 == " " }
            let indent = line.count - trimmed.count
            if rows.isEmpty, trimmed.hasPrefix(":"), let option = CellParser.parseOption(String(trimmed), at: SourceLocation(file: "", line: 1)) {
                optionsGiven = true
                read(option.key, option.value, into: &layout)
                continue
            }
            if trimmed.isEmpty { continue }
            if let marker = trimmed.first, marker == "*" || marker == "-", trimmed.dropFirst().first == " ",
               rowIndent == nil || indent <= rowIndent! {
                rowIndent = indent
                rows.append([])
                let rest = trimmed.dropFirst(2).drop { $0 == " " }
                if rest.hasPrefix("- ") || rest == "-" { rows[rows.count - 1].append(String(rest.dropFirst(2))) }
            } else if (trimmed.hasPrefix("- ") || trimmed == "-"), !rows.isEmpty {
                rows[rows.count - 1].append(String(trimmed.dropFirst(2)))
            } else if !rows.isEmpty, !rows[rows.count - 1].isEmpty {
                let last = rows[rows.count - 1].count - 1
                rows[rows.count - 1][last] += " " + trimmed
            }
        }
        guard let width = rows.map(\.count).max(), width > 0 else { return ([], nil) }
        func line(_ cells: [String]) -> String {
            let padded = cells + Array(repeating: "", count: width - cells.count)
            return "| " + padded.map { $0.replacingOccurrences(of: "|", with: "\\|").trimmingCharacters(in: .whitespaces) }
                .joined(separator: " | ") + " |"
        }
        layout.headerRows = min(layout.headerRows, rows.count)
        if let widths = layout.widths, widths.count != width { layout.widths = nil }
        let header = layout.headerRows > 0 ? rows.removeFirst() : []
        let table = [line(header), "|" + String(repeating: " --- |", count: width)] + rows.map(line)
        if optionsGiven || layout.headerRows == 0, table.count < lineCount { return ([layoutLine] + table, layout) }
        return table.count <= lineCount ? (table, nil) : nil
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
