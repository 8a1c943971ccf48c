/// A `CodeCell` as the page shows it: highlighted, its language named, not run.
///
///     <figure class="nb-code-cell" id="label">              -- :name: / :label:
///       <figcaption>Listing 1 caption</figcaption>          -- :caption:, the target's number
///       <pre data-language="python"><code class="language-python">…</code></pre>
///     </figure>
///
/// With `:linenos:` each line is numbered and `:emphasize-lines:` marks lines; those lines are
/// highlighted one by one (a string spanning lines loses its colour there).
enum CodeCellRenderer {
    /// `target`: the page's target that the cell's label names (its number goes before the caption).
    static func html(_ cell: CodeCell, target: Target? = nil) -> String {
        let language = HTML.escape(cell.language)
        let highlighter = CodeHighlighter.languages[cell.language]
        func highlighted(_ code: String) -> String {
            highlighter.map { CodeHighlighter.highlight(code, as: $0) } ?? HTML.escape(code)
        }
        let emphasized = cell.emphasizedLines
        let body: String
        if cell.numbersLines || !emphasized.isEmpty {
            body = cell.code.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { offset, line in
                let number = cell.numbersLines ? "<span class=\"nb-line-number\" aria-hidden=\"true\">\(offset + 1)</span>" : ""
                let mark = emphasized.contains(offset + 1) ? " nb-line-emphasized" : ""
                return "<span class=\"nb-line\(mark)\">\(number)\(highlighted(String(line)))</span>"
            }.joined(separator: "\n")
        } else {
            body = highlighted(cell.code)
        }
        let number = target?.numberedName.map { "<span class=\"nb-figure-number\">\(HTML.escape($0))</span>" }
        let text = (target?.title ?? cell.options["caption"]).map(HTML.escape)
        let captionText = [number, text].compactMap { $0 }.joined(separator: " ")
        let caption = captionText.isEmpty ? "" : "<figcaption>\(captionText)</figcaption>\n"
        let id = target.map { " id=\"\(HTML.escape($0.anchor))\"" } ?? ""
        let error = cell.error.map { "<pre class=\"nb-error\" role=\"alert\">\(HTML.escape($0.description))</pre>\n" } ?? ""
        let tag = cell.language.isEmpty ? "" : "<span class=\"nb-code-language\">\(language)</span>"
        return "<figure class=\"nb-code-cell\"\(id)>\n\(error)\(caption)\(tag)<pre data-language=\"\(language)\"><code class=\"language-\(language)\">\(body)</code></pre>\n</figure>"
    }
}
