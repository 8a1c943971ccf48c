import Foundation

/// Renders what a Jupyter kernel showed for a code cell, safely and within bounds: text escaped
/// (ANSI colours as spans, long text folded, very long text cut with a note), PNG and JPEG as
/// data URIs (checked to be such images), SVG and HTML through `HTMLSanitizer`, Markdown through
/// cmark and the sanitiser, LaTeX through the TeX→MathML converter. Nothing a kernel sends can
/// put script in the page or grow it past the caps below.
struct KernelDisplayRenderer {
    /// Text longer than this many lines is folded after them.
    static let foldLines = 40
    /// Text, HTML, SVG and Markdown longer than this many bytes are cut (text) or not shown (markup).
    static let textLimit = 256 * 1024
    static let markupLimit = 1024 * 1024
    /// Images larger than this (base64 bytes) are not embedded.
    static let imageLimit = 8 * 1024 * 1024

    /// Where the cell is, for the math converter's warnings.
    var location: SourceLocation

    func render(_ display: KernelDisplay, math: inout MathRenderer) -> String {
        switch display {
        case .stream(let name, let text, let truncated):
            let note = truncated > 0 ? "\(truncated) more bytes were printed and not kept" : nil
            return textBlock(text, classes: "nb-text nb-stream" + (name == "stderr" ? " nb-stderr" : ""), extraNote: note)
        case .text(let text):
            return textBlock(text, classes: "nb-text nb-result", extraNote: nil)
        case .traceback(_, _, let lines):
            return textBlock(lines.joined(separator: "\n"), classes: "nb-error nb-traceback", extraNote: nil)
        case .image(let mimeType, let base64):
            return image(mimeType: mimeType, base64: base64)
        case .svg(let svg):
            guard svg.utf8.count <= Self.markupLimit else { return tooLarge("SVG image", svg.utf8.count) }
            return "<figure class=\"nb-kernel-svg\">\(HTMLSanitizer.sanitize(svg))</figure>\n"
        case .html(let html):
            guard html.utf8.count <= Self.markupLimit else { return tooLarge("HTML output", html.utf8.count) }
            return "<div class=\"nb-kernel-html\">\(HTMLSanitizer.sanitize(html))</div>\n"
        case .markdown(let markdown):
            guard markdown.utf8.count <= Self.markupLimit else { return tooLarge("Markdown output", markdown.utf8.count) }
            let html = CommonMark.renderHTML(markdown).html
            return "<div class=\"nb-kernel-markdown\">\(HTMLSanitizer.sanitize(html))</div>\n"
        case .latex(let latex):
            guard latex.utf8.count <= Self.textLimit else { return tooLarge("LaTeX output", latex.utf8.count) }
            return "<div class=\"nb-kernel-latex\">\(typeset(latex, math: &math))</div>\n"
        case .note(let text):
            return "<p class=\"nb-notice\">\(HTML.escape(text))</p>\n"
        }
    }

    /// Preformatted text with its colours; past `foldLines` lines the rest is folded, past
    /// `textLimit` bytes it is cut with a note.
    func textBlock(_ text: String, classes: String, extraNote: String?) -> String {
        var kept = text
        var notes: [String] = []
        if text.utf8.count > Self.textLimit {
            kept = String(decoding: text.utf8.prefix(Self.textLimit), as: UTF8.self)
            notes.append("\(text.utf8.count - kept.utf8.count) more bytes not shown (the report keeps \(Self.textLimit / 1024) KB of each output)")
        }
        if let extraNote { notes.append(extraNote) }
        let lines = kept.split(separator: "\n", omittingEmptySubsequences: false)
        var html: String
        if lines.count > Self.foldLines + 5 {
            let head = lines.prefix(Self.foldLines).joined(separator: "\n")
            let rest = lines.dropFirst(Self.foldLines).joined(separator: "\n")
            html = "<pre class=\"\(classes)\">\(ANSIText.html(head))</pre>\n"
                + "<details class=\"nb-fold\"><summary>\(lines.count - Self.foldLines) more lines</summary>"
                + "<pre class=\"\(classes)\">\(ANSIText.html(rest))</pre></details>\n"
        } else {
            html = "<pre class=\"\(classes)\">\(ANSIText.html(kept))</pre>\n"
        }
        for note in notes { html += "<p class=\"nb-notice\">\(HTML.escape(note))</p>\n" }
        return html
    }

    /// An `<img>` with a data URI, when `base64` decodes to an image of the type it claims.
    func image(mimeType: String, base64: String) -> String {
        guard base64.utf8.count <= Self.imageLimit else { return tooLarge("image", base64.utf8.count) }
        let compact = base64.filter { !$0.isWhitespace }
        guard let bytes = Data(base64Encoded: compact) else {
            return "<p class=\"nb-notice\">an \(HTML.escape(mimeType)) output that is not base64 was not shown</p>\n"
        }
        let signature: [UInt8] = mimeType == "image/png" ? [0x89, 0x50, 0x4E, 0x47] : [0xFF, 0xD8, 0xFF]
        guard bytes.starts(with: signature) else {
            return "<p class=\"nb-notice\">an output labelled \(HTML.escape(mimeType)) that is not one was not shown</p>\n"
        }
        return "<figure class=\"nb-kernel-image\"><img src=\"data:\(mimeType);base64,\(compact)\" alt=\"\"></figure>\n"
    }

    /// `$…$`, `$$…$$`, `\[…\]`, `\(…\)` or bare TeX, as display math.
    func typeset(_ latex: String, math: inout MathRenderer) -> String {
        var tex = latex.trimmingCharacters(in: .whitespacesAndNewlines)
        for (open, close) in [("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")]
        where tex.hasPrefix(open) && tex.hasSuffix(close) && tex.count >= open.count + close.count {
            tex = String(tex.dropFirst(open.count).dropLast(close.count))
            break
        }
        let span = MathSpan(tex: tex, display: true, opening: "", closing: "", location: location, texLocation: location)
        return math.render(span)
    }

    func tooLarge(_ what: String, _ bytes: Int) -> String {
        "<p class=\"nb-notice\">a \(HTML.escape(what)) of \(bytes / 1024) KB was not shown (larger than the report takes)</p>\n"
    }
}
