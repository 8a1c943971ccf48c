/// Reads BibTeX: `@type{key, field = value, …}` entries (or with parentheses), `@string`
/// abbreviations, `#` concatenation, values in braces, quotes or bare (numbers, abbreviations,
/// the month names `jan`…`dec`); `@comment`, `@preamble` and text between entries are skipped.
///
/// No Swift package reads BibTeX, so this is a small one. It never fails: what it cannot read is a
/// warning with its line and it goes on at the next `@`. Every loop advances, nesting is a counter
/// (no recursion), and values keep their braces for `BibName` and `LaTeXText` to read.
public struct BibTeXReader {
    public struct Problem: Sendable, Hashable {
        public var message: String
        public var line: Int
    }

    public private(set) var entries: [BibEntry] = []
    public private(set) var problems: [Problem] = []

    private let s: [Unicode.Scalar]
    private var i = 0
    private var line = 1
    private var strings: [String: String] = [
        "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
        "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
    ]

    /// Reads every entry of `text`.
    public init(_ text: String) {
        s = Array(text.unicodeScalars)
        while i < s.count {
            if s[i] == "@" { readItem() } else { advance() }
        }
    }

    private mutating func advance() {
        if s[i] == "\n" { line += 1 }
        i += 1
    }

    private mutating func skipSpace() {
        while i < s.count, s[i].properties.isWhitespace { advance() }
    }

    private static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
        !c.properties.isWhitespace && !"{}(),=\"#@%'".unicodeScalars.contains(c)
    }

    private mutating func name() -> String {
        var text = String.UnicodeScalarView()
        while i < s.count, Self.isNameScalar(s[i]) { text.append(s[i]); advance() }
        return String(text)
    }

    private mutating func problem(_ message: String) {
        problems.append(Problem(message: message, line: line))
    }

    /// One `@…` item, from its `@`.
    private mutating func readItem() {
        let startLine = line
        advance()
        skipSpace()
        let type = name().lowercased()
        skipSpace()
        guard !type.isEmpty, i < s.count, s[i] == "{" || s[i] == "(" else {
            if !type.isEmpty && type != "comment" { problem("@\(type) is not followed by { or (") }
            return
        }
        let closer: Unicode.Scalar = s[i] == "{" ? "}" : ")"
        switch type {
        case "comment", "preamble":
            skipBalanced()
            return
        case "string":
            advance()
            for (key, value) in fields(closer: closer) { strings[key.lowercased()] = value }
            return
        default:
            advance()
            skipSpace()
            var key = String.UnicodeScalarView()
            while i < s.count, s[i] != ",", s[i] != closer, !s[i].properties.isWhitespace { key.append(s[i]); advance() }
            skipSpace()
            if i < s.count, s[i] == "," { advance() }
            var entry = BibEntry(type: type, key: String(key), line: startLine)
            for (field, value) in fields(closer: closer) where entry.fields[field.lowercased()] == nil {
                entry.fields[field.lowercased()] = value
            }
            if entry.key.isEmpty { problem("@\(type) entry without a key") } else { entries.append(entry) }
        }
    }

    /// `name = value` pairs separated by commas, up to `closer`.
    private mutating func fields(closer: Unicode.Scalar) -> [(String, String)] {
        var found: [(String, String)] = []
        while i < s.count {
            skipSpace()
            guard i < s.count else { break }
            if s[i] == closer { advance(); return found }
            if s[i] == "," { advance(); continue }
            if s[i] == "@" { problem("entry not closed before the next @"); return found }
            let field = name()
            skipSpace()
            guard !field.isEmpty, i < s.count, s[i] == "=" else {
                problem(field.isEmpty ? "unexpected '\(i < s.count ? String(s[i]) : "end")' in an entry" : "field '\(field)' has no = value")
                while i < s.count, s[i] != ",", s[i] != closer, s[i] != "@" { advance() }
                continue
            }
            advance()
            found.append((field, value()))
        }
        problem("entry not closed at the end of the file")
        return found
    }

    /// A value: parts joined by `#`.
    private mutating func value() -> String {
        var result = ""
        while i < s.count {
            skipSpace()
            guard i < s.count else { break }
            switch s[i] {
            case "{": result += delimited()
            case "\"": result += quoted()
            default:
                let word = name()
                guard !word.isEmpty else { return result }
                result += word.allSatisfy(\.isNumber) ? word : (strings[word.lowercased()] ?? word)
            }
            skipSpace()
            guard i < s.count, s[i] == "#" else { return result }
            advance()
        }
        return result
    }

    /// `{…}` with nested braces; the outer pair dropped, inner ones kept.
    private mutating func delimited() -> String {
        let start = i + 1
        skipBalanced()
        let end = max(start, i - 1)
        return String(String.UnicodeScalarView(s[start..<min(end, s.count)]))
    }

    /// `"…"`, ended by a `"` outside braces.
    private mutating func quoted() -> String {
        advance()
        var depth = 0
        var text = String.UnicodeScalarView()
        while i < s.count {
            let c = s[i]
            if c == "\"" && depth == 0 { advance(); return String(text) }
            if c == "{" { depth += 1 }
            if c == "}" { depth = max(0, depth - 1) }
            if c == "\\", i + 1 < s.count { text.append(c); advance() }
            text.append(s[i])
            advance()
        }
        problem("a quoted value is not closed")
        return String(text)
    }

    /// From an opening `{` or `(` past its match (or to the end).
    private mutating func skipBalanced() {
        let open = s[i], close: Unicode.Scalar = open == "(" ? ")" : "}"
        var depth = 0
        while i < s.count {
            if s[i] == "\\", i + 1 < s.count { advance(); advance(); continue }
            if s[i] == open { depth += 1 } else if s[i] == close {
                depth -= 1
                if depth == 0 { advance(); return }
            }
            advance()
        }
        problem("a brace is not closed")
    }
}

/// One BibTeX entry: its type (`article`, `book`, …), key and fields, values as written (braces kept).
public struct BibEntry: Sendable, Hashable {
    public var type: String
    public var key: String
    /// Field names in lowercase.
    public var fields: [String: String] = [:]
    /// Where the entry starts in its file.
    public var line: Int

    /// A field's text with LaTeX accents and braces read (`{\"o}` → ö).
    public func text(_ field: String) -> String? {
        fields[field].map(LaTeXText.plain)
    }

    public var authors: [BibName] { BibName.list(fields["author"] ?? fields["editor"] ?? "") }

    /// The year, or the first four digits of `date`.
    public var year: String {
        if let year = text("year"), !year.isEmpty { return year }
        if let date = text("date") { return String(date.prefix(4)) }
        return "n.d."
    }
}
