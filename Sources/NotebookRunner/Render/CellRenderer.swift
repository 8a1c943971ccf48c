import Foundation

/// Renders one cell: a header line, its source (collapsible) and its outputs.
struct CellRenderer {
    var reproducible: Bool
    var strings = ReportStrings(language: "en")

    func render(_ result: CellResult, math: inout MathRenderer) -> String {
        let cell = result.cell
        var html = "<section class=\"nb-cell nb-cell-\(result.status.rawValue)\" id=\"cell-\(HTML.escape(SlugSet.slug(cell.label)))\" aria-label=\"\(HTML.escape(strings.cell(cell.label)))\">\n"
        var facts = ["<span class=\"nb-directive\">{\(HTML.escape(cell.directive))}</span>"]
        if !cell.arguments.isEmpty { facts.append("<span class=\"nb-args\">\(HTML.escape(cell.arguments.joined(separator: " ")))</span>") }
        facts.append("<span class=\"nb-label\">\(HTML.escape(cell.label))</span>")
        facts.append("<span class=\"nb-line\">\(strings.line(cell.location.line))</span>")
        var status = "<span class=\"nb-status\">\(strings.status(result.status))</span>"
        if !reproducible && (result.status == .ok || result.status == .error) {
            status += " <span class=\"nb-time\">\(Self.duration(result.seconds))</span>"
        }
        facts.append(status)
        html += "<details class=\"nb-source\" open><summary>\(facts.joined(separator: " "))</summary>\n"
        html += "<pre><code>\(HTML.escape(cell.source))</code></pre></details>\n"
        if result.status == .skipped {
            html += "<p class=\"nb-skipped\">\(strings.notRun)</p>\n"
        }
        if !result.outputs.isEmpty {
            html += "<div class=\"nb-outputs\">\n"
            for output in result.outputs { html += render(output, math: &math, location: cell.location) }
            html += "</div>\n"
        }
        return html + "</section>"
    }

    /// What a kernel showed for a code cell, under its code: its outputs, or that it was skipped.
    func render(_ run: CodeCellRun, of code: CodeCell, math: inout MathRenderer) -> String {
        var html = "<div class=\"nb-outputs nb-code-outputs nb-cell-\(run.status.rawValue)\">\n"
        if run.status == .skipped { html += "<p class=\"nb-skipped\">\(strings.notRun)</p>\n" }
        for output in run.outputs { html += render(output, math: &math, location: code.codeStart) }
        html += "</div>\n"
        if let injected = run.injected {
            // papermill's injected-parameters cell, shown after the parameters cell it overrides.
            var cell = code
            cell.code = injected.code
            cell.options = ["caption": strings.injectedParameters]
            html += CodeCellRenderer.html(cell).replacingOccurrences(of: "<figure class=\"nb-code-cell\">",
                                                                      with: "<figure class=\"nb-code-cell nb-injected-parameters\">") + "\n"
            html += "<div class=\"nb-outputs nb-code-outputs nb-cell-\(injected.status.rawValue)\">\n"
            for output in injected.outputs { html += render(output, math: &math, location: code.codeStart) }
            html += "</div>\n"
        }
        return html
    }

    func render(_ output: CellOutput, math: inout MathRenderer, location: SourceLocation) -> String {
        switch output {
        case .derivation(let table):
            return DerivationRenderer.html(table, math: &math, line: strings.line)
        case .text(let text):
            return "<pre class=\"nb-text\">\(HTML.escape(text))</pre>\n"
        case .table(let table):
            return render(table)
        case .images(let figures):
            let items = figures.map(render).joined(separator: "\n")
            return "<div class=\"nb-grid\">\n\(items)\n</div>\n"
        case .svg(let figure):
            return "<figure class=\"nb-chart\" role=\"img\" aria-label=\"\(HTML.escape(figure.title))\">\(figure.svg)</figure>\n"
        case .error(let diagnostic):
            return "<pre class=\"nb-error\" role=\"alert\">\(HTML.escape(diagnostic.description))</pre>\n"
        case .notice(let diagnostic):
            return "<pre class=\"nb-notice\">\(HTML.escape(diagnostic.description))</pre>\n"
        case .kernel(let display):
            return KernelDisplayRenderer(location: location).render(display, math: &math)
        }
    }

    private func render(_ table: Table) -> String {
        func cells(_ row: [String], tag: String) -> String {
            row.enumerated().map { index, text in
                let alignment = table.alignments.indices.contains(index) ? table.alignments[index] : .left
                let style = alignment == .left ? "" : " class=\"nb-\(alignment.rawValue)\""
                return "<\(tag)\(style)>\(HTML.escape(text))</\(tag)>"
            }.joined()
        }
        // The caption stands above the table at the full width of the cell, not squeezed to the table's.
        var html = "<div class=\"nb-table-wrap\">"
        if let caption = table.caption { html += "<p class=\"nb-caption\">\(HTML.escape(caption))</p>" }
        html += "<table class=\"nb-table\">"
        html += "<thead><tr>\(cells(table.header, tag: "th"))</tr></thead><tbody>\n"
        for row in table.rows { html += "<tr>\(cells(row, tag: "td"))</tr>\n" }
        return html + "</tbody></table></div>\n"
    }

    private func render(_ figure: Figure) -> String {
        let source = "data:image/png;base64," + Data(figure.png).base64EncodedString()
        let flagged = figure.flagged ? " nb-flagged" : ""
        return "<figure class=\"nb-figure\(flagged)\"><img src=\"\(source)\" width=\"\(figure.width * figure.displayScale)\" height=\"\(figure.height * figure.displayScale)\" alt=\"\(HTML.escape(figure.alt))\"><figcaption>\(HTML.escape(figure.caption))</figcaption></figure>"
    }

    /// `0.042` → `42 ms`, `3.2` → `3.20 s`.
    static func duration(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }
}
