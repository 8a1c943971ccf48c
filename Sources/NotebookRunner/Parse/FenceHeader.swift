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
        // Read on bytes: everything up to the info string is ASCII (so byte and scalar columns
        // agree there), and most lines open no fence, which one byte tells.
        var k = Self.prefixLength(of: line)
        let backtick = UInt8(ascii: "`"), tilde = UInt8(ascii: "~")
        guard let first = line.utf8.dropFirst(k).first, first == backtick || first == tilde else { return nil }
        let bytes = Array(line.utf8)
        func isBlank(_ index: Int) -> Bool { bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") }
        column = k + 1
        var length = 0
        while k < bytes.count, bytes[k] == first { k += 1; length += 1 }
        guard length >= 3 else { return nil }
        character = Character(Unicode.Scalar(first))
        self.length = length
        while k < bytes.count, isBlank(k) { k += 1 }
        infoColumn = k + 1
        info = String(decoding: bytes[k...], as: UTF8.self).trimmingTrailingWhitespace()
        name = ""
        argument = ""
        argumentColumn = infoColumn
        guard k < bytes.count, bytes[k] == UInt8(ascii: "{"), let close = bytes[k...].firstIndex(of: UInt8(ascii: "}")) else { return }
        name = String(decoding: bytes[(k + 1)..<close], as: UTF8.self).trimmingWhitespace()
        // `{important .dropdown}`: a name followed by classes (and an id, `#fig-table`).
        let words = name.split(separator: " ")
        if words.count > 1, Self.isDirectiveName(String(words[0])), words.dropFirst().allSatisfy({ $0.hasPrefix(".") || $0.hasPrefix("#") }) {
            name = String(words[0])
            classes = words.dropFirst().filter { $0.hasPrefix(".") }.map { String($0.dropFirst()) }
            id = words.dropFirst().first { $0.hasPrefix("#") && $0.count > 1 }.map { String($0.dropFirst()) }
        }
        var a = close + 1
        while a < bytes.count, isBlank(a) { a += 1 }
        // The name may hold non-ASCII letters: the argument's column counts scalars, not bytes.
        argumentColumn = bytes[..<a].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } + 1
        argument = String(decoding: bytes[min(a, bytes.count)...], as: UTF8.self).trimmingTrailingWhitespace()
    }

    /// Whether `line` closes this fence: the same character, at least as many, nothing else.
    func isClosed(by line: String) -> Bool {
        let text = Self.stripContainer(line).trimmingTrailingWhitespace()
        return text.count >= length && text.allSatisfy { $0 == character }
    }

    /// `line` without its container prefix: leading blanks, `>` quote markers and list markers.
    static func stripContainer(_ line: String) -> String {
        let length = prefixLength(of: line)
        return length == 0 ? line : String(Substring(line.utf8.dropFirst(length)))
    }

    /// The container prefix of `line` (indentation, `>` markers, list markers `- ` `* ` `1. `)
    /// with trailing blanks kept.
    static func containerPrefix(_ line: String) -> String {
        String(Substring(line.utf8.prefix(prefixLength(of: line))))
    }

    /// The container prefix with its list markers turned into blanks: the prefix of the lines that
    /// continue the item the fence opened.
    static func continuationPrefix(_ line: String) -> String {
        String(containerPrefix(line).map { $0 == " " || $0 == "\t" || $0 == ">" ? $0 : " " })
    }

    /// How many bytes (and scalars: they are ASCII) of `line` are container prefix: blanks, `>`,
    /// and list markers each followed by a blank (`-`, `*`, `+`, or digits and `.` or `)`).
    static func prefixLength(of line: String) -> Int {
        var line = line
        return line.withUTF8 { prefixLength($0) }
    }

    private static func prefixLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        var k = 0
        while k < bytes.count {
            let c = bytes[k]
            if c == space || c == tab || c == UInt8(ascii: ">") { k += 1; continue }
            var marker = k
            if c == UInt8(ascii: "-") || c == UInt8(ascii: "*") || c == UInt8(ascii: "+") {
                marker += 1
            } else {
                while marker < bytes.count, marker - k < 9, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[marker]) { marker += 1 }
                guard marker > k, marker < bytes.count, bytes[marker] == UInt8(ascii: ".") || bytes[marker] == UInt8(ascii: ")") else { break }
                marker += 1
            }
            guard marker < bytes.count, bytes[marker] == space || bytes[marker] == tab else { break }
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
