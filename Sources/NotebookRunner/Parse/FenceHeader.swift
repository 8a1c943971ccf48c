/// The opening line of a fenced block, read the same way at the top level, in a `>` quote
/// and in a list item:
///
///     line      := container fence { " " } info
///     container := { " " | "\t" | ">" }            -- list indentation, quote markers
///     fence     := "```…" | "~~~…"                  -- three or more
///     info      := "{" name "}" argument            -- a directive: {load}, {prf:theorem}, {code-cell}
///                | "{" "." class … "}"              -- pandoc attributes: {.python .input n=1}
///                | word …                           -- a plain code block: python
struct FenceHeader: Sendable, Hashable {
    var character: Character
    var length: Int
    /// The info string after the fence, trailing blanks removed.
    var info: String
    /// Between the braces (`prf:theorem`, `.python .input n=1`), or "" when the info is not braced.
    var name: String
    /// Classes written after the name, `{important .dropdown}` → `dropdown`.
    var classes: [String] = []
    /// An id written after the name, `{div #fig-table}` → `fig-table` (a pandoc div's).
    var id: String?
    /// What follows the closing brace, trimmed.
    var argument: String
    /// 1-based columns of the fence, of the info string and of the argument.
    var column: Int
    var infoColumn: Int
    var argumentColumn: Int

    init?(line: String) {
        let scalars = Array(line.unicodeScalars)
        var k = Self.prefixLength(scalars)
        guard k < scalars.count, scalars[k] == "`" || scalars[k] == "~" else { return nil }
        let fence = scalars[k]
        column = k + 1
        var length = 0
        while k < scalars.count, scalars[k] == fence { k += 1; length += 1 }
        guard length >= 3 else { return nil }
        character = Character(fence)
        self.length = length
        while k < scalars.count, scalars[k] == " " || scalars[k] == "\t" { k += 1 }
        infoColumn = k + 1
        info = String(String.UnicodeScalarView(scalars[k...])).trimmingTrailingWhitespace()
        name = ""
        argument = ""
        argumentColumn = infoColumn
        guard k < scalars.count, scalars[k] == "{", let close = scalars[k...].firstIndex(of: "}") else { return }
        name = String(String.UnicodeScalarView(scalars[(k + 1)..<close])).trimmingCharacters(in: .whitespaces)
        // `{important .dropdown}`: a name followed by classes (and an id, `#fig-table`).
        let words = name.split(separator: " ")
        if words.count > 1, Self.isDirectiveName(String(words[0])), words.dropFirst().allSatisfy({ $0.hasPrefix(".") || $0.hasPrefix("#") }) {
            name = String(words[0])
            classes = words.dropFirst().filter { $0.hasPrefix(".") }.map { String($0.dropFirst()) }
            id = words.dropFirst().first { $0.hasPrefix("#") && $0.count > 1 }.map { String($0.dropFirst()) }
        }
        var a = close + 1
        while a < scalars.count, scalars[a] == " " || scalars[a] == "\t" { a += 1 }
        argumentColumn = a + 1
        argument = String(String.UnicodeScalarView(scalars[min(a, scalars.count)...])).trimmingTrailingWhitespace()
    }

    /// Whether `line` closes this fence: the same character, at least as many, nothing else.
    func isClosed(by line: String) -> Bool {
        let text = Self.stripContainer(line).trimmingTrailingWhitespace()
        return text.count >= length && text.allSatisfy { $0 == character }
    }

    /// `line` without its container prefix: leading blanks, `>` quote markers and list markers.
    static func stripContainer(_ line: String) -> String {
        let scalars = Array(line.unicodeScalars)
        return String(String.UnicodeScalarView(scalars[prefixLength(scalars)...]))
    }

    /// The container prefix of `line` (indentation, `>` markers, list markers `- ` `* ` `1. `)
    /// with trailing blanks kept.
    static func containerPrefix(_ line: String) -> String {
        let scalars = Array(line.unicodeScalars)
        return String(String.UnicodeScalarView(scalars[..<prefixLength(scalars)]))
    }

    /// The container prefix with its list markers turned into blanks: the prefix of the lines that
    /// continue the item the fence opened.
    static func continuationPrefix(_ line: String) -> String {
        String(containerPrefix(line).map { $0 == " " || $0 == "\t" || $0 == ">" ? $0 : " " })
    }

    /// How many scalars of `scalars` are container prefix: blanks, `>`, and list markers each
    /// followed by a blank (`-`, `*`, `+`, or digits and `.` or `)`).
    static func prefixLength(_ scalars: [Unicode.Scalar]) -> Int {
        var k = 0
        while k < scalars.count {
            let c = scalars[k]
            if c == " " || c == "\t" || c == ">" { k += 1; continue }
            var marker = k
            if c == "-" || c == "*" || c == "+" {
                marker += 1
            } else {
                while marker < scalars.count, marker - k < 9, ("0"..."9").contains(scalars[marker]) { marker += 1 }
                guard marker > k, marker < scalars.count, scalars[marker] == "." || scalars[marker] == ")" else { break }
                marker += 1
            }
            guard marker < scalars.count, scalars[marker] == " " || scalars[marker] == "\t" else { break }
            k = marker
        }
        return k
    }

    /// Whether the braces hold pandoc attributes (`.python .input`, `#id`, `=html`) rather than a name.
    /// `{{python}}` (Quarto's chunk shown verbatim) and `{}` count as attributes too.
    var isPandocAttributes: Bool {
        name.first.map { $0 == "." || $0 == "#" || $0 == "=" || $0 == "{" } ?? true || name.contains("=")
    }

    /// The first `.class` of pandoc attributes, e.g. `python` in `{.python .input n=1}`.
    var pandocClass: String? {
        if name.hasPrefix("{") { return String(name.dropFirst().prefix { $0.isLetter || $0.isNumber }) }
        return name.split(separator: " ").first { $0.hasPrefix(".") }.map { String($0.dropFirst()) }
    }

    /// Whether a name is a well-formed directive name: a letter, then letters, digits, `-`, `_`, `:`, `.`.
    static func isDirectiveName(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ":" || $0 == "." }
    }
}
