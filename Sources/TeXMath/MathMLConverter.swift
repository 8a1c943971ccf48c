/// Converts TeX math to MathML Core markup that browsers render natively.
///
/// Conversion never fails: unknown commands and unbalanced input are marked with `<merror>` in the
/// output and reported as ``MathWarning``s.
public struct MathMLConverter: Sendable {
    public init() {}

    /// Converts one formula; `display` selects block (`$$…$$`) or inline (`$…$`) math.
    public func convert(_ tex: String, display: Bool) -> MathMLResult {
        var macros = TeXMacros()
        return convert(tex, display: display, macros: &macros)
    }

    /// Converts one formula of a page whose macros so far are `macros`; the formula's own
    /// definitions are added to them, for the formulas after it.
    public func convert(_ tex: String, display: Bool, macros: inout TeXMacros) -> MathMLResult {
        let scalars = Array(tex.unicodeScalars)
        let expanded = TeXMacroExpander.expand(TeXTokenizer.tokenize(scalars), macros: &macros)
        let parser = TeXParser(tokens: expanded.tokens, display: display)
        parser.warnings = expanded.warnings
        let table = parser.parseRows(.table, capturesTags: true)
        var body: MathNode
        var inlineTags: [String] = []
        if table.isSingleCell && !table.hasTags {
            body = table.rows[0][0]
        } else {
            var table = table
            // Inline math has no equation column: a `\tag` is set after the formula, as `x (1)`.
            if !display && table.hasTags {
                inlineTags = table.tags.compactMap { $0 }
                table.tags = table.tags.map { _ in nil }
            }
            if table.isSingleCell && !table.hasTags {
                body = table.rows[0][0]
            } else {
                let aligned = table.rows.contains { $0.count > 1 }
                body = parser.buildTable(table, layout: aligned ? .align : .gather, displayStyle: display)
            }
        }
        if !inlineTags.isEmpty {
            body = MathNode.row([body] + inlineTags.flatMap { [MathNode.space("0.5em"), MathNode("mtext", text: $0)] })
        }
        if body.tag != "mrow" { body = MathNode.row([body]) }
        var out = "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\""
        out += display ? "block" : "inline"
        out += parser.hasTaggedRows ? "\" style=\"position:relative\"><semantics>" : "\"><semantics>"
        var truncated = false
        body.write(to: &out, truncated: &truncated)
        if truncated {
            parser.warn("formula nested too deeply to display in full", at: 0)
        }
        out += "<annotation encoding=\"application/x-tex\">"
        MathNode.escape(tex, into: &out)
        out += "</annotation></semantics></math>"
        let warnings = parser.warnings.sorted { $0.offset < $1.offset }
        return MathMLResult(mathML: out, warnings: warnings)
    }
}
