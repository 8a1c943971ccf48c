/// Syntax highlighting of the prose's code blocks at render time, without JavaScript:
/// tokens become `<span class="hl-…">` and the page's style colours them (light, dark,
/// print).
///
/// One small tokenizer serves every language, configured per family: keywords, line and
/// block comments, string quotes (triple quotes for Python), numbers, and a few extras
/// (YAML and JSON keys, shell variables, C preprocessor lines, Python decorators). No
/// Swift library in reach highlights code (the usual ones are JavaScript or Python), and a
/// report needs only these token kinds.
enum CodeHighlighter {
    struct Language {
        var keywords: Set<String>
        var literals: Set<String> = []
        var lineComments: [String] = []
        var blockComment: (open: String, close: String)?
        var quotes: [Character] = ["\"", "'"]
        var tripleQuotes = false
        /// `key:` at the start of a line (YAML) or `"key":` (JSON) is a key.
        var keys = false
        /// `$NAME`, `${…}` (shell).
        var variables = false
        /// `#include …` lines (C), `@decorator` (Python, Swift attributes).
        var directivePrefix: Character?
    }

    static let languages: [String: Language] = {
        let python = Language(
            keywords: ["and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
                       "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
                       "raise", "return", "try", "while", "with", "yield"],
            literals: ["True", "False", "None"], lineComments: ["#"], tripleQuotes: true, directivePrefix: "@")
        let swift = Language(
            keywords: ["associatedtype", "break", "case", "catch", "class", "continue", "default", "defer", "do", "else", "enum",
                       "extension", "fallthrough", "for", "func", "guard", "if", "import", "in", "init", "inout", "internal", "is",
                       "let", "mutating", "private", "protocol", "public", "repeat", "rethrows", "return", "self", "static", "struct",
                       "subscript", "super", "switch", "throw", "throws", "try", "var", "where", "while", "async", "await", "some", "any"],
            literals: ["true", "false", "nil"], lineComments: ["//"], blockComment: ("/*", "*/"), quotes: ["\""], directivePrefix: "@")
        let c = Language(
            keywords: ["auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
                       "float", "for", "goto", "if", "inline", "int", "long", "register", "return", "short", "signed", "sizeof",
                       "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "size_t", "uint8_t",
                       "int32_t", "uint32_t", "int64_t", "uint64_t", "bool"],
            literals: ["NULL", "true", "false"], lineComments: ["//"], blockComment: ("/*", "*/"), directivePrefix: "#")
        let shell = Language(
            keywords: ["if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "in", "function",
                       "return", "export", "local", "set", "echo", "cd", "exit", "sudo", "make", "apt-get", "pip", "python3", "nbrun"],
            lineComments: ["#"], variables: true)
        let json = Language(keywords: [], literals: ["true", "false", "null"], quotes: ["\""], keys: true)
        let yaml = Language(keywords: [], literals: ["true", "false", "null", "yes", "no", "on", "off", "~"], lineComments: ["#"], keys: true)
        return ["python": python, "py": python, "python3": python, "ipython": python, "ipython3": python, "swift": swift, "c": c, "h": c, "cpp": c, "c++": c,
                "sh": shell, "bash": shell, "shell": shell, "console": shell, "zsh": shell,
                "json": json, "yaml": yaml, "yml": yaml]
    }()

    /// The page's cmark HTML with every `<pre><code class="language-X">` block of a known
    /// language highlighted.
    static func highlightBlocks(in html: String) -> String {
        let opening = "<pre><code class=\"language-"
        guard html.contains(opening) else { return html }
        var out = ""
        var rest = html[...]
        while let start = range(of: opening, in: rest) {
            out += rest[..<start.lowerBound]
            guard let quote = rest[start.upperBound...].firstIndex(of: "\""),
                  let tagEnd = rest[quote...].firstIndex(of: ">"),
                  let close = range(of: "</code></pre>", in: rest[tagEnd...]) else {
                out += rest[start.lowerBound...]
                return out
            }
            let name = String(rest[start.upperBound..<quote]).lowercased()
            let code = String(rest[rest.index(after: tagEnd)..<close.lowerBound])
            out += rest[start.lowerBound...tagEnd]
            if let language = languages[name] {
                out += highlight(HTML.unescape(code), as: language)
            } else {
                out += code
            }
            out += "</code></pre>"
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// The first occurrence of the ASCII `tag` in `html`, comparing UTF-8 bytes: linear in the
    /// bytes searched (Foundation's `range(of:)` on a substring counts UTF-16 offsets from the
    /// start of the whole page on every call, which made a page of many code blocks quadratic).
    private static func range(of tag: String, in html: Substring) -> Range<String.Index>? {
        let bytes = html.utf8, needle = tag.utf8
        guard let first = needle.first else { return nil }
        var from = bytes.startIndex
        while let start = bytes[from...].firstIndex(of: first) {
            if bytes[start...].starts(with: needle) { return start..<bytes.index(start, offsetBy: needle.count) }
            from = bytes.index(after: start)
        }
        return nil
    }

    /// `code` (plain text) as escaped HTML with token spans.
    static func highlight(_ code: String, as language: Language) -> String {
        let chars = Array(code)
        var out = ""
        var i = 0
        var lineStart = true
        func emit(_ kind: String?, _ text: String) {
            let escaped = HTML.escape(text)
            if let kind { out += "<span class=\"hl-\(kind)\">\(escaped)</span>" } else { out += escaped }
        }
        func starts(_ prefix: String, at index: Int) -> Bool {
            let p = Array(prefix)
            return index + p.count <= chars.count && Array(chars[index..<index + p.count]) == p
        }
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "-" && language.variables }
        while i < chars.count {
            let c = chars[i]
            if c == "\n" { out += "\n"; i += 1; lineStart = true; continue }
            let atLineStart = lineStart
            if !c.isWhitespace { lineStart = false }
            // Comments.
            if let comment = language.lineComments.first(where: { starts($0, at: i) }),
               comment != "#" || i == 0 || chars[i - 1].isWhitespace {
                var j = i
                while j < chars.count, chars[j] != "\n" { j += 1 }
                emit("c", String(chars[i..<j])); i = j; continue
            }
            if let block = language.blockComment, starts(block.open, at: i) {
                var j = i + block.open.count
                while j < chars.count, !starts(block.close, at: j) { j += 1 }
                j = min(chars.count, j + block.close.count)
                emit("c", String(chars[i..<j])); i = j; continue
            }
            // Preprocessor lines and decorators.
            if let prefix = language.directivePrefix, c == prefix, prefix == "#" ? atLineStart : true,
               i + 1 < chars.count, chars[i + 1].isLetter {
                var j = i + 1
                while j < chars.count, prefix == "#" ? chars[j] != "\n" : isWord(chars[j]) { j += 1 }
                emit("d", String(chars[i..<j])); i = j; continue
            }
            // Strings.
            if language.quotes.contains(c) {
                let triple = language.tripleQuotes && starts(String(repeating: c, count: 3), at: i)
                let delimiter = triple ? String(repeating: c, count: 3) : String(c)
                var j = i + delimiter.count
                while j < chars.count {
                    if chars[j] == "\\" { j += 2; continue }
                    if starts(delimiter, at: j) { j += delimiter.count; break }
                    if !triple && chars[j] == "\n" { break }
                    j += 1
                }
                j = min(j, chars.count)
                let text = String(chars[i..<j])
                // A JSON string followed by a colon is a key.
                var k = j
                while k < chars.count, chars[k] == " " { k += 1 }
                emit(language.keys && k < chars.count && chars[k] == ":" ? "k" : "s", text)
                i = j; continue
            }
            // Shell variables.
            if language.variables, c == "$", i + 1 < chars.count, chars[i + 1] == "{" || chars[i + 1].isLetter || chars[i + 1] == "_" {
                var j = i + 1
                if chars[j] == "{" { while j < chars.count, chars[j] != "}" { j += 1 }; j = min(chars.count, j + 1) }
                else { while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 } }
                emit("v", String(chars[i..<j])); i = j; continue
            }
            // Numbers.
            if c.isNumber, i == 0 || !isWord(chars[i - 1]) {
                var j = i
                while j < chars.count, chars[j].isNumber || chars[j] == "." || chars[j] == "_" || chars[j].isLetter { j += 1 }
                emit("n", String(chars[i..<j])); i = j; continue
            }
            // Words: keywords, literals, keys.
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, isWord(chars[j]) { j += 1 }
                let word = String(chars[i..<j])
                var k = j
                while k < chars.count, chars[k] == " " { k += 1 }
                if language.keys && atLineStart && k < chars.count && chars[k] == ":" {
                    emit("k", word)
                } else if language.keywords.contains(word) {
                    emit("w", word)
                } else if language.literals.contains(word) {
                    emit("n", word)
                } else {
                    emit(nil, word)
                }
                i = j; continue
            }
            emit(nil, String(c))
            i += 1
        }
        return out
    }
}
