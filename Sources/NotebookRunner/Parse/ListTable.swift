/// A MyST `{list-table}` — rows as a bullet list of bullet lists — as the lines of a GFM pipe
/// table, which the prose's table support then renders:
///
///     * - header 1          | header 1 | header 2 |
///       - header 2    →     | --- | --- |
///     * - a                 | a | b |
///       - b
///
/// A cell's continuation lines join its text with spaces; `|` in a cell is escaped. Without
/// `:header-rows:` the header row is empty.
enum ListTable {
    /// The table's lines, or nil when the rows do not fit in `lineCount` lines (they always do
    /// for a list table of one line per cell: each row is at least one line, and the fences two more).
    static func pipeTable(body: [String], lineCount: Int) -> [String]? {
        var headerRows = 0
        var rows: [[String]] = []
        var rowIndent: Int?
        for line in body {
            let trimmed = line.drop { $0 == " " }
            let indent = line.count - trimmed.count
            if rows.isEmpty, trimmed.hasPrefix(":header-rows:") {
                headerRows = Int(trimmed.dropFirst(13).trimmingCharacters(in: .whitespaces)) ?? 0
                continue
            }
            if trimmed.hasPrefix(":") && rows.isEmpty { continue }
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
        guard let width = rows.map(\.count).max(), width > 0 else { return [] }
        func line(_ cells: [String]) -> String {
            let padded = cells + Array(repeating: "", count: width - cells.count)
            return "| " + padded.map { $0.replacingOccurrences(of: "|", with: "\\|").trimmingCharacters(in: .whitespaces) }
                .joined(separator: " | ") + " |"
        }
        let header = headerRows > 0 ? rows.removeFirst() : []
        let table = [line(header), "|" + String(repeating: " --- |", count: width)] + rows.map(line)
        return table.count <= lineCount ? table : nil
    }
}
