/// Turns a math span into HTML for the report, collecting warnings with source locations.
struct MathRenderer {
    private(set) var warnings: [Diagnostic] = []

    mutating func render(_ span: MathSpan) -> String {
        let kind = span.display ? "math-display" : "math-inline"
        return "<span class=\"\(kind)\">\(HTML.escape(span.source))</span>"
    }
}
