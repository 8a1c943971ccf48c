/// Typesets a `{derive}` chain: one table row per line — the left side right-aligned, `=` and
/// the expression left-aligned, so the equals signs line up as in an `aligned` environment —
/// and the line's verdict in a third column. The first false line is shaded and marked.
enum DerivationRenderer {
    /// `line` words a row's source line in the page's language ("line 12").
    static func html(_ table: DerivationTable, math: inout MathRenderer,
                     line lineText: (Int) -> String) -> String {
        var html = "<div class=\"nb-table-wrap\">"
        if let caption = table.caption { html += "<p class=\"nb-caption\">\(HTML.escape(caption))</p>" }
        html += "<table class=\"nb-derive\"><tbody>\n"
        for (index, row) in table.rows.enumerated() {
            func typeset(_ tex: String) -> String {
                guard !tex.isEmpty else { return "" }
                let span = MathSpan(tex: "\\displaystyle " + tex, display: false, opening: "", closing: "",
                                    location: row.location, texLocation: row.location)
                return math.typeset(span, tex: span.tex) { max(0, $0 - 14) }
            }
            let equals = index == 0 && row.lhs.isEmpty ? "" : "= "
            var classes = "nb-derive-\(row.verdict == .holds ? "ok" : row.verdict == .caught ? "caught" : row.verdict == .start ? "start" : "failed")"
            if row.isFirstFailure { classes += " nb-derive-first-failure" }
            let mark = row.mark.isEmpty ? "" : "<span title=\"\(HTML.escape(row.detail))\">\(HTML.escape(row.mark))</span>"
            let line = "<span class=\"nb-derive-line\">\(lineText(row.location.line))</span>"
            html += "<tr class=\"\(classes)\"><td class=\"nb-derive-lhs\">\(typeset(row.lhs))</td>"
            html += "<td class=\"nb-derive-rhs\">\(typeset(index == 0 && row.lhs.isEmpty ? row.rhs : "{} " + equals + row.rhs))</td>"
            html += "<td class=\"nb-derive-mark\">\(mark) \(line)</td></tr>\n"
        }
        return html + "</tbody></table></div>\n"
    }
}
