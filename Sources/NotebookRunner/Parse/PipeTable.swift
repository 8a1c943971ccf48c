/// A GFM pipe table found in the lines of a paragraph cmark has parsed (GFM spec, "Tables"):
///
///     table     := header NL delimiter { NL row }
///     header    := row with at least one unescaped `|`
///     delimiter := cells of `:?-+:?` only, as many as the header has (else: not a table)
///     row       := [ "|" ] cell { "|" cell } [ "|" ]    -- `\|` is a pipe inside a cell
///
/// Lines before the header stay a paragraph. The table ends where cmark ended the paragraph
/// (a blank line or the start of another block). Rows with fewer cells are padded with empty
/// ones, extra cells are dropped. Cells are inline Markdown, rendered by the caller.
struct PipeTable: Equatable {
    enum Alignment: Equatable { case none, left, center, right }

    /// Lines before the header row (a paragraph of their own), possibly none.
    var leadingLines: [String]
    var header: [String]
    var alignments: [Alignment]
    var rows: [[String]]

    /// The table in `lines` (one paragraph's source lines), or nil if they do not form one.
    init?(lines: [String]) {
        guard lines.count >= 2 else { return nil }
        for index in 1..<lines.count {
            guard let alignments = Self.delimiterRow(lines[index]) else { continue }
            let header = Self.cells(of: lines[index - 1])
            guard header.hasPipe, header.cells.count == alignments.count else { return nil }
            leadingLines = Array(lines[..<(index - 1)])
            self.header = header.cells
            self.alignments = alignments
            rows = lines[(index + 1)...].map { line in
                var cells = Self.cells(of: line).cells
                if cells.count > alignments.count { cells.removeLast(cells.count - alignments.count) }
                while cells.count < alignments.count { cells.append("") }
                return cells
            }
            return
        }
        return nil
    }

    /// The table as GFM renders it; `inline` turns a cell's Markdown into HTML.
    func html(inline: (String) -> String) -> String {
        var out = "<table>\n"
        func cell(_ tag: String, _ text: String, _ column: Int) {
            switch alignments[column] {
            case .none: out += "<\(tag)>"
            case .left: out += "<\(tag) align=\"left\">"
            case .center: out += "<\(tag) align=\"center\">"
            case .right: out += "<\(tag) align=\"right\">"
            }
            out += inline(text)
            out += "</\(tag)>\n"
        }
        out += "<thead>\n<tr>\n"
        for (column, text) in header.enumerated() { cell("th", text, column) }
        out += "</tr>\n</thead>\n"
        if !rows.isEmpty {
            out += "<tbody>\n"
            for row in rows {
                out += "<tr>\n"
                for (column, text) in row.enumerated() { cell("td", text, column) }
                out += "</tr>\n"
            }
            out += "</tbody>\n"
        }
        out += "</table>\n"
        return out
    }

    /// The cells of a row, trimmed, with `\|` turned into `|`; whether it had an unescaped pipe.
    static func cells(of line: String) -> (cells: [String], hasPipe: Bool) {
        var cells: [String] = []
        var current = ""
        var hasPipe = false
        var scalars = line.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if scalar == "\\" {
                guard let next = scalars.next() else { current.unicodeScalars.append(scalar); break }
                if next != "|" { current.unicodeScalars.append(scalar) }
                current.unicodeScalars.append(next)
            } else if scalar == "|" {
                hasPipe = true
                cells.append(current)
                current = ""
            } else {
                current.unicodeScalars.append(scalar)
            }
        }
        cells.append(current)
        cells = cells.map { $0.trimmingCharacters(in: .whitespaces) }
        // A leading and a trailing pipe open and close the row; they do not make empty cells.
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if hasPipe, trimmed.hasPrefix("|") { cells.removeFirst() }
        if hasPipe, trimmed.hasSuffix("|"), !trimmed.hasSuffix("\\|"), cells.last == "" { cells.removeLast() }
        return (cells, hasPipe)
    }

    /// The alignments a delimiter row states, or nil if `line` is not one.
    static func delimiterRow(_ line: String) -> [Alignment]? {
        guard line.contains("-") else { return nil }
        let (cells, _) = cells(of: line)
        var alignments: [Alignment] = []
        for cell in cells {
            let left = cell.hasPrefix(":"), right = cell.hasSuffix(":") && cell.count > 1
            let dashes = cell.dropFirst(left ? 1 : 0).dropLast(right ? 1 : 0)
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
            alignments.append(left && right ? .center : left ? .left : right ? .right : .none)
        }
        return alignments.isEmpty ? nil : alignments
    }
}
