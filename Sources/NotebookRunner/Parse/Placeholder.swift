/// The tokens parse and render talk through, defined here once.
///
/// What the parser sets aside from the prose — a cell, a math span, an inline value, an
/// equation reference, a block's fence — becomes a token that cmark passes through as
/// text, and the renderer swaps each token for its HTML. A token is the private-use
/// character U+E000, a kind, an index and U+E001 (`\u{E000}MATH3\u{E001}`): cmark neither
/// escapes nor interprets these, and they are neither letters nor digits, so a heading's
/// anchor ignores them. Author text can never forge one: a U+E000 already in the notebook
/// is itself set aside (`literal`) before anything else is and written back as it was
/// (on such a line, later columns count it as its token; no real notebook has one).
enum Placeholder {
    enum Kind: String, CaseIterable {
        case cell = "CELL", math = "MATH", eval = "EVAL", reference = "EQRF"
        case blockStart = "BLKS", blockEnd = "BLKE", literal = "LIT"
        /// An `InlineReference` (role, link, citation, footnote mark) and an `Anchor` (a label's id).
        case xref = "XREF", anchor = "ANCH", tab = "TAB"
        case code = "CODE", insert = "INSR"
        /// The marks around the rows of a `{list-table}`, naming its `ListTable.Layout`.
        case table = "TABL"
        /// A term of a `{glossary}` (`GlossaryTerm`), which may lead its definition's paragraph.
        case term = "TERM"
    }

    // Scalars, not Characters: an author's combining mark after a token must not hide it.
    static let open: Unicode.Scalar = "\u{E000}"
    static let close: Unicode.Scalar = "\u{E001}"

    /// The token for item `index` of `kind`.
    static func token(_ kind: Kind, _ index: Int) -> String {
        "\(open)\(kind.rawValue)\(index)\(close)"
    }

    /// The index of `text` when it is exactly one token of `kind`.
    static func index(of kind: Kind, in text: String) -> Int? {
        let scalars = text.unicodeScalars
        guard scalars.first == open, scalars.last == close, scalars.count > kind.rawValue.count + 2 else { return nil }
        let body = String(String.UnicodeScalarView(scalars.dropFirst().dropLast()))
        guard body.hasPrefix(kind.rawValue) else { return nil }
        return Int(body.dropFirst(kind.rawValue.count))
    }

    /// `text` with every U+E000 the author wrote set aside, so no token can be forged.
    static func escaping(_ text: String) -> String {
        guard text.unicodeScalars.contains(open) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == open { result.append(contentsOf: token(.literal, 0).unicodeScalars) } else { result.append(scalar) }
        }
        return String(result)
    }

    /// `text` with every token removed (for anchors made from headings).
    static func removingTokens(from text: String) -> String {
        guard text.unicodeScalars.contains(open) else { return text }
        var result = String.UnicodeScalarView()
        var inToken = false
        for scalar in text.unicodeScalars {
            if scalar == open { inToken = true } else if scalar == close && inToken { inToken = false } else if !inToken { result.append(scalar) }
        }
        return String(result)
    }

    /// Replaces every token in `html` by `replacement(kind, index, wholeParagraph)`; a token
    /// that is a whole paragraph (`<p>…</p>`) is replaced with its paragraph, so blocks do
    /// not end up inside `<p>`. A literal token becomes the U+E000 it stood for; a token
    /// `replacement` returns nil for stays as it is. One pass, linear in the length of `html`.
    static func replaceTokens(in html: String, _ replacement: (Kind, Int, Bool) -> String?) -> String {
        var result = ""
        result.reserveCapacity(html.utf8.count)
        var rest = Substring(html)
        while let start = rest.unicodeScalars.firstIndex(of: open) {
            var before = rest[..<start]
            let body = rest.unicodeScalars[rest.unicodeScalars.index(after: start)...]
            guard let end = body.prefix(16).firstIndex(of: close),
                  let kind = Kind.allCases.first(where: { String(body[..<end]).hasPrefix($0.rawValue) }),
                  let index = Int(String(body[body.index(body.startIndex, offsetBy: kind.rawValue.count)..<end])) else {
                let next = rest.unicodeScalars.index(after: start)
                result += rest[..<next]
                rest = rest[next...]
                continue
            }
            var cursor = rest.unicodeScalars.index(after: end)
            if kind == .literal {
                result += before
                result.unicodeScalars.append(open)
                rest = rest[cursor...]
                continue
            }
            let wholeParagraph = before.hasSuffix("<p>") && rest[cursor...].hasPrefix("</p>")
            guard let replacement = replacement(kind, index, wholeParagraph) else {
                result += rest[..<cursor]
                rest = rest[cursor...]
                continue
            }
            // A glossary term that shares a paragraph with its definition (no blank line between
            // them) splits the paragraph: the term stands between its parts.
            if kind == .term, !wholeParagraph {
                if before.hasSuffix("<p>") {
                    result += before.dropLast(3)
                } else if before.isEmpty, result.hasSuffix("<p>") {
                    result.removeLast(3)
                } else {
                    while before.hasSuffix("\n") { before = before.dropLast() }
                    result += before + "</p>\n"
                }
                result += replacement
                if rest[cursor...].hasPrefix("</p>") {
                    cursor = rest.unicodeScalars.index(cursor, offsetBy: 4)
                } else {
                    result += "\n<p>"
                    if cursor < rest.endIndex, rest.unicodeScalars[cursor] == "\n" { cursor = rest.unicodeScalars.index(after: cursor) }
                }
                rest = rest[cursor...]
                continue
            }
            if wholeParagraph {
                before = before.dropLast(3)
                cursor = rest.unicodeScalars.index(cursor, offsetBy: 4)
                if cursor < rest.endIndex, rest.unicodeScalars[cursor] == "\n" { cursor = rest.unicodeScalars.index(after: cursor) }
            }
            result += before
            result += replacement
            if wholeParagraph { result += "\n" }
            rest = rest[cursor...]
        }
        result += rest
        return result
    }
}
