import Foundation

/// Recognises the inline reference syntax of MyST, d2l and Quarto in the prose scanner's scalars.
///
/// Each matcher looks at position `i` only and returns where the construct's parts are, or nil;
/// it never reads past the end, and stops at a blank line, so it is linear in what it consumes.
enum RoleSyntax {
    struct Match {
        /// The role's name (`ref`, `cite:t`, `numref`), `link`, `footnote` or `@` for Quarto.
        var name: String
        var dialect: Dialect
        /// Offsets of the content (between the backticks, the brackets, or after `@`).
        var contentStart: Int
        var contentEnd: Int
        /// Offset just past the construct.
        var end: Int
        /// A link's text.
        var linkText: String? = nil
    }

    enum Dialect { case myst, d2l, link, footnote, quarto, quartoBracket }

    /// d2l's roles (`:numref:`fig_x``); other `:word:` text is prose.
    static let d2lNames: Set<String> = ["numref", "label", "eqlabel", "eqref", "cite", "citet", "citep", "width", "height",
                                        "begin_tab", "end_tab", "ref"]

    static func match(_ s: [Unicode.Scalar], at i: Int) -> Match? {
        switch s[i] {
        case "{": return myst(s, at: i)
        case ":": return d2l(s, at: i)
        case "[": return footnote(s, at: i) ?? quartoBracket(s, at: i) ?? link(s, at: i)
        case "@": return quarto(s, at: i)
        default: return nil
        }
    }

    private static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-" || c == ":" || c == "+" || c == "."
    }

    private static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_"
    }

    /// The offset of the run of exactly `n` backticks closing a content that starts at `start`,
    /// not crossing a blank line.
    private static func closingBackticks(_ s: [Unicode.Scalar], from start: Int, count n: Int) -> Int? {
        var k = start
        while k < s.count {
            if s[k] == "\n" {
                var j = k + 1
                while j < s.count, s[j] == " " || s[j] == "\t" { j += 1 }
                if j >= s.count || s[j] == "\n" { return nil }
            }
            if s[k] == "`" {
                var m = 0
                while k + m < s.count, s[k + m] == "`" { m += 1 }
                if m == n { return k }
                k += m
                continue
            }
            k += 1
        }
        return nil
    }

    /// `{name}` then a code span.
    private static func myst(_ s: [Unicode.Scalar], at i: Int) -> Match? {
        var k = i + 1
        while k < s.count, k - i <= 40, isNameScalar(s[k]) { k += 1 }
        guard k > i + 1, k < s.count, s[k] == "}", k + 1 < s.count, s[k + 1] == "`" else { return nil }
        let name = String(String.UnicodeScalarView(s[(i + 1)..<k]))
        guard name.first?.isLetter == true else { return nil }
        return backtickContent(s, name: name, dialect: .myst, from: k + 1)
    }

    private static func backtickContent(_ s: [Unicode.Scalar], name: String, dialect: Dialect, from open: Int) -> Match? {
        var n = 0
        while open + n < s.count, s[open + n] == "`" { n += 1 }
        guard let close = closingBackticks(s, from: open + n, count: n) else { return nil }
        return Match(name: name, dialect: dialect, contentStart: open + n, contentEnd: close, end: close + n)
    }

    /// `:name:` then a code span (or `:end_tab:` alone), for d2l's names only.
    private static func d2l(_ s: [Unicode.Scalar], at i: Int) -> Match? {
        if i > 0, isWordScalar(s[i - 1]) || s[i - 1] == ":" { return nil }
        var k = i + 1
        while k < s.count, k - i <= 12, ("a"..."z").contains(s[k]) || s[k] == "_" { k += 1 }
        guard k > i + 1, k < s.count, s[k] == ":" else { return nil }
        let name = String(String.UnicodeScalarView(s[(i + 1)..<k]))
        guard d2lNames.contains(name) else { return nil }
        if k + 1 < s.count, s[k + 1] == "`" { return backtickContent(s, name: name, dialect: .d2l, from: k + 1) }
        return name == "end_tab" ? Match(name: name, dialect: .d2l, contentStart: k + 1, contentEnd: k + 1, end: k + 1) : nil
    }

    /// `[^name]`, not a definition (`[^name]:` at the start of a line).
    private static func footnote(_ s: [Unicode.Scalar], at i: Int) -> Match? {
        guard i + 2 < s.count, s[i + 1] == "^" else { return nil }
        var k = i + 2
        while k < s.count, k - i < 64, s[k] != "]", s[k] != "\n", s[k] != " ", s[k] != "[" { k += 1 }
        guard k > i + 2, k < s.count, s[k] == "]" else { return nil }
        if k + 1 < s.count, s[k + 1] == ":" {
            var j = i - 1
            while j >= 0, s[j] == " " { j -= 1 }
            if j < 0 || s[j] == "\n" { return nil }
        }
        return Match(name: "footnote", dialect: .footnote, contentStart: i + 2, contentEnd: k, end: k + 1)
    }

    /// `[text](#label)`, the text one line without brackets, code or math (anything else is cmark's).
    private static func link(_ s: [Unicode.Scalar], at i: Int) -> Match? {
        if i > 0, s[i - 1] == "!" || s[i - 1] == "]" { return nil }
        var k = i + 1
        while k < s.count, k - i < 500, !["]", "[", "\n", "`", "$", "\\"].contains(s[k]) { k += 1 }
        guard k + 2 < s.count, s[k] == "]", s[k + 1] == "(", s[k + 2] == "#" else { return nil }
        var j = k + 3
        while j < s.count, j - k < 200, s[j] != ")", s[j] != " ", s[j] != "\n", s[j] != "(" { j += 1 }
        guard j < s.count, s[j] == ")", j > k + 3 else { return nil }
        return Match(name: "link", dialect: .link, contentStart: k + 3, contentEnd: j, end: j + 1,
                     linkText: String(String.UnicodeScalarView(s[(i + 1)..<k])))
    }

    private static func isKeyScalar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || ("0"..."9").contains(c) || "_:.#$%&-+?<>~/".unicodeScalars.contains(c)
    }

    /// `@key`, after a space, a line start or an opening bracket, the key not ending in punctuation.
    private static func quarto(_ s: [Unicode.Scalar], at i: Int) -> Match? {
        if i > 0, !(s[i - 1] == " " || s[i - 1] == "\n" || s[i - 1] == "\t" || s[i - 1] == "(" || s[i - 1] == "-") { return nil }
        guard i + 1 < s.count, s[i + 1].properties.isAlphabetic || s[i + 1] == "_" else { return nil }
        var k = i + 1
        while k < s.count, k - i < 100, isKeyScalar(s[k]) { k += 1 }
        while k > i + 1, ".:#$%&-+?<>~/".unicodeScalars.contains(s[k - 1]) { k -= 1 }
        return Match(name: "@", dialect: .quarto, contentStart: i + 1, contentEnd: k, end: k)
    }

    /// `[@a; @b]`: every `;`-separated part holds an `@key`; not a link's text.
    private static func quartoBracket(_ s: [Unicode.Scalar], at i: Int) -> Match? {
        guard i + 1 < s.count, s[i + 1] == "@" || s[i + 1] == "-" else { return nil }
        var k = i + 1
        while k < s.count, k - i < 500, s[k] != "]", s[k] != "[", s[k] != "\n" { k += 1 }
        guard k < s.count, s[k] == "]" else { return nil }
        if k + 1 < s.count, s[k + 1] == "(" || s[k + 1] == ":" || s[k + 1] == "[" { return nil }
        let content = String(String.UnicodeScalarView(s[(i + 1)..<k]))
        guard content.split(separator: ";").allSatisfy({ $0.contains("@") }) else { return nil }
        return Match(name: "@", dialect: .quartoBracket, contentStart: i + 1, contentEnd: k, end: k + 1)
    }

    /// `text <label>` → ("text", "label"); otherwise (nil, content).
    static func explicitText(_ content: String) -> (text: String?, target: String) {
        let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<"), open > trimmed.startIndex else { return (nil, trimmed) }
        let text = trimmed[..<open].trimmingCharacters(in: .whitespacesAndNewlines)
        let target = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        return text.isEmpty ? (nil, String(target)) : (text, String(target))
    }

    /// Quarto's keys of `[@a; see @b, p. 3]`: `a`, `b`.
    static func quartoKeys(_ content: String) -> [String] {
        content.split(separator: ";").compactMap { part in
            guard let at = part.firstIndex(of: "@") else { return nil }
            let key = part[part.index(after: at)...].prefix { $0.isLetter || $0.isNumber || "_:.#$%&-+?<>~/".contains($0) }
            let trimmed = String(key).trimmingCharacters(in: CharacterSet(charactersIn: ".:#$%&-+?<>~/"))
            return trimmed.isEmpty ? nil : trimmed
        }
    }
}
