import Foundation

/// Typesets math with its equation numbers and references.
///
/// MathML Core has no element for an equation number, so a numbered display is a flex row:
/// the `<math>` in the middle, the number (and its check mark) at the right, the row's `id`
/// the anchor references link to. Lines of an `align` labelled one by one get their number
/// as a `\tag`, which the converter places at the right of their row. `\eqref{…}`/`\ref{…}`
/// become links inside the formula (an HTML `<a>` in an `<mtext>`).
struct EquationRenderer {
    let notebook: Notebook
    let checks: EquationChecks
    var strings = ReportStrings(language: "en")

    private var table: EquationTable { notebook.equations }

    /// Math span `index`, numbered and with its references resolved.
    func render(_ index: Int, math: inout MathRenderer) -> String {
        let span = notebook.math[index]
        let equations = span.display ? table.equations(inMath: index) : []
        let references = table.references(inMath: index)
        guard !equations.isEmpty || !references.isEmpty else { return math.render(span) }

        // Rewrite the TeX: a \tag after each \label of a numbered line, a marker for each reference.
        let scan = TeXLabelScan(span.tex)
        var edits: [(offset: Int, removed: Int, text: String)] = []
        let source = Array(span.tex.unicodeScalars)
        for equation in equations where equation.row != nil && !equation.tagged {
            guard let label = scan.labels.first(where: { $0.label == equation.label && $0.row == equation.row }) else { continue }
            edits.append((label.offset, 0, "\\tag{\(equation.number)}"))
        }
        var links: [String: String] = [:]
        for (k, reference) in scan.references.enumerated() {
            var end = reference.offset
            while end < source.count, source[end] != "}" { end += 1 }
            let marker = "NBRUNQ\(k)Q"
            links[marker] = link(reference.label, style: reference.parenthesized ? .parenthesized : .bare)
            edits.append((reference.offset, end + 1 - reference.offset, "\\text{\(marker)}"))
        }
        edits.sort { $0.offset < $1.offset }
        var tex = String.UnicodeScalarView()
        var map: [(rewritten: Int, source: Int)] = []
        var cursor = 0
        for edit in edits {
            tex.append(contentsOf: source[cursor..<edit.offset])
            map.append((tex.count, edit.offset))
            tex.append(contentsOf: edit.text.unicodeScalars)
            cursor = edit.offset + edit.removed
            map.append((tex.count, cursor))
        }
        tex.append(contentsOf: source[cursor...])
        var mathML = math.typeset(span, tex: String(tex)) { offset in
            guard let anchor = map.last(where: { $0.rewritten <= offset }) else { return offset }
            return anchor.source + (offset - anchor.rewritten)
        }
        for (marker, html) in links { mathML = mathML.replacingOccurrences(of: marker, with: html) }
        // The annotation keeps the author's TeX, not the rewriting.
        if let start = mathML.range(of: "<annotation encoding=\"application/x-tex\">"),
           let end = mathML.range(of: "</annotation>", range: start.upperBound..<mathML.endIndex) {
            mathML.replaceSubrange(start.upperBound..<end.lowerBound, with: HTML.escape(span.tex))
        }
        guard span.display else { return mathML }
        return numberedDisplay(mathML, equations: equations)
    }

    private func numberedDisplay(_ mathML: String, equations: [Equation]) -> String {
        guard let first = equations.first else { return "<span class=\"math-display\">\(mathML)</span>" }
        var anchors = ""
        for equation in equations.dropFirst() { anchors += "<span id=\"\(HTML.escape(EquationTable.anchor(equation.label)))\"></span>" }
        var side = ""
        for equation in equations {
            let number = equation.row == nil && !equation.tagged ? "(\(HTML.escape(equation.number)))" : ""
            let mark = checks.mark(equation.label, strings: strings).map {
                "<span class=\"nb-eqcheck nb-eqcheck-\($0.symbol == "✔" ? "ok" : "failed")\" title=\"\(HTML.escape($0.tooltip))\">\(HTML.escape($0.text))</span>"
            } ?? ""
            guard !number.isEmpty || !mark.isEmpty else { continue }
            let prefix = equation.row != nil || equation.tagged ? "(\(HTML.escape(equation.number))) " : ""
            side += "<span class=\"nb-eqno\">\(number)\(mark.isEmpty ? "" : (number.isEmpty ? prefix : " ") + mark)</span>"
        }
        return "<span class=\"math-display nb-equation\" id=\"\(HTML.escape(EquationTable.anchor(first.label)))\">\(anchors)"
            + "<span class=\"nb-equation-body\">\(mathML)</span><span class=\"nb-equation-side\">\(side)</span></span>"
    }

    /// The link a reference shows: "(3)" or "3", its tooltip saying whether a check proved it.
    func link(_ label: String, style: EquationReference.Style) -> String {
        guard let equation = table.equation(label) else {
            return "<span class=\"nb-eqref-error\" title=\"unknown equation label '\(HTML.escape(label))'\">(??)</span>"
        }
        let text = style == .parenthesized ? "(\(equation.number))" : equation.number
        // Another page's equation: its check is shown there (this page's run knows nothing of it).
        let title = equation.page != nil
            ? strings.equation(equation.number).trimmingCharacters(in: CharacterSet(charactersIn: ":： "))
            : strings.equation(equation.number) + (checks.mark(label, strings: strings).map { "\($0.symbol) \($0.tooltip)" } ?? strings.notChecked)
        return "<a class=\"nb-eqref\" href=\"\(HTML.escape(equation.href))\" title=\"\(HTML.escape(title))\">\(HTML.escape(text))</a>"
    }

    /// The `{eq}` role `index` of the prose.
    func renderRole(_ index: Int) -> String {
        index < table.roles.count ? link(table.roles[index].label, style: .parenthesized) : ""
    }
}
