/// Line-level syntax of MyST, Jupytext and Quarto pages that CommonMark does not have,
/// rewritten outside code blocks before cmark reads the page (each line keeps its number):
///
///     comment  := "%" text                       -- MyST comment: left out
///     break    := "+++" [ json ]                 -- Jupytext cell break: left out
///     (MyST's `(label)=` targets are `ReferenceLines`': they label the heading or block below.)
///     colon    := ":::…" ( "{" name "}" args | "{" pandoc-attributes "}" | class )  NL … ":::…"
///                 -- a MyST colon fence (or a pandoc div) becomes the backtick fence of the same
///                 -- directive; a closing line closes the innermost open fence (MyST's longer
///                 -- outer fences and pandoc's nested divs alike). Six backticks and one more per
///                 -- level nested inside keep code fences and inner blocks literal until it is opened
///                 -- (tildes when the title holds a backtick, which a backtick fence's info may not).
///                 -- `{.callout-note title="…"}` is `{callout-note} …` (without a title, a first
///                 -- `#` heading inside is the title; `collapse="true"` makes it a collapsed
///                 -- dropdown, `collapse="false"` an open one); any other div is `{div}`.
enum DialectLines {
    /// Rewrites `lines` in place, skipping the 1-based line ranges of the code blocks among
    /// `blocks`; returns whether anything changed. (HTML blocks are not skipped: cmark may read
    /// `<iframe …>` under a colon fence as one that runs on over the fence's closing line.)
    static func normalize(_ lines: inout [String], outside blocks: [CommonMark.Block]) -> Bool {
        var skipped = [Bool](repeating: false, count: lines.count)
        var codeStart = [Int](repeating: -1, count: lines.count)
        for block in blocks where block.kind == .fencedOrIndentedCode {
            // A code fence left open inside a colon fence ends where that fence does (as in MyST):
            // cmark ran it to the end of its container, over the colon fence's closing line.
            if let header = FenceHeader(line: lines[block.startLine - 1]),
               !(block.endLine > block.startLine && header.isClosed(by: lines[block.endLine - 1])) { continue }
            for line in block.startLine...max(block.startLine, block.endLine) where line - 1 < lines.count {
                skipped[line - 1] = true
                codeStart[line - 1] = block.startLine - 1
            }
        }
        var changed = false
        // Colon fences pair up like pandoc divs (a closing line closes the innermost open one);
        // each becomes a backtick fence longer than every fence inside it, so cmark nests them too.
        var open: [(line: Int, info: String, inner: Int, colons: Int)] = []
        var fences: [(open: Int, info: String, close: Int?, height: Int)] = []
        func pop(closingAt close: Int?) {
            let top = open.removeLast()
            fences.append((top.line, top.info, close, top.inner))
            if !open.isEmpty { open[open.count - 1].inner = max(open[open.count - 1].inner, top.inner + 1) }
        }
        for index in lines.indices {
            if skipped[index] {
                // MyST reads a colon fence up to its closing line before anything inside it: a code
                // fence opened inside and not closed before that line ends there (cmark closed it
                // later, at a fence further down the page).
                guard let top = open.last, codeStart[index] > top.line, isCloser(lines[index], colons: top.colons) else { continue }
                var line = index
                while line < lines.count, codeStart[line] == codeStart[index] { skipped[line] = false; line += 1 }
            }
            let line = lines[index]
            // Most lines start with none of `%`, `+`, `:`: tell from one byte before copying.
            guard let byte = line.utf8.dropFirst(FenceHeader.prefixLength(of: line)).first,
                  byte == UInt8(ascii: "%") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ":") else { continue }
            let text = FenceHeader.stripContainer(line).trimmingTrailingWhitespace()
            guard let first = text.unicodeScalars.first else { continue }
            let prefix = FenceHeader.containerPrefix(line)
            let pluses = text.prefix { $0 == "+" }.count
            if (first == "%" && line.hasPrefix("%"))
                || (pluses == 3 && text.dropFirst(3).trimmingCharacters(in: .whitespaces).first.map { $0 == "{" } ?? true) {
                lines[index] = prefix.trimmingTrailingWhitespace()
                changed = true
            } else if first == ":" {
                let colons = text.prefix { $0 == ":" }.count
                guard colons >= 3 else { continue }
                let rest = text.dropFirst(colons).trimmingCharacters(in: .whitespaces)
                if rest.isEmpty {
                    if open.isEmpty { lines[index] = prefix.trimmingTrailingWhitespace() } else { pop(closingAt: index) }
                    changed = true
                } else if var info = info(rest) {
                    if info.hasPrefix("{callout-"), !info.contains("} "), let heading = calloutHeading(lines, after: index) {
                        info += " " + heading.title
                        lines[heading.line] = FenceHeader.containerPrefix(lines[heading.line]).trimmingTrailingWhitespace()
                    }
                    open.append((index, info, 0, colons))
                    changed = true
                }
            }
        }
        while !open.isEmpty { pop(closingAt: nil) }
        for fence in fences {
            // A backtick fence's info may not hold a backtick (a title with code): tildes then.
            let backticks = String(repeating: fence.info.contains("`") ? "~" : "`", count: 6 + fence.height)
            lines[fence.open] = FenceHeader.containerPrefix(lines[fence.open]) + backticks + fence.info
            if let close = fence.close { lines[close] = FenceHeader.containerPrefix(lines[close]) + backticks }
        }
        return changed
    }

    /// The backtick info string for what follows a colon fence, or nil when it opens nothing.
    private static func info(_ rest: String) -> String? {
        if rest.hasPrefix("{") {
            guard let close = rest.firstIndex(of: "}") else { return nil }
            let inside = rest[rest.index(after: rest.startIndex)..<close].trimmingCharacters(in: .whitespaces)
            return FenceHeader.isDirectiveName(inside) ? rest : pandocDiv(inside)
        }
        // `::: callout-tip` or `::: warning`: a bare class.
        guard let first = rest.first, first.isLetter, !rest.contains(" ") else { return nil }
        return pandocDiv("." + rest)
    }

    /// Pandoc div attributes as a directive: a Quarto callout, or a plain `{div}`.
    private static func pandocDiv(_ attributes: String) -> String {
        let classes = attributes.split(separator: " ").filter { $0.hasPrefix(".") }.map { $0.dropFirst() }
        let title = attribute("title", in: attributes) ?? ""
        // `{#fig-table}`: the div is a target (Quarto numbers `fig-`, `tbl-`, … divs).
        let id = attributes.split(separator: " ").first { $0.hasPrefix("#") && $0.count > 1 && !$0.contains("=") }.map { " " + $0 } ?? ""
        if let callout = classes.first(where: { $0.hasPrefix("callout-") }) {
            let collapse = switch attribute("collapse", in: attributes)?.lowercased() {
            case "true"?: " .dropdown"
            case "false"?: " .dropdown .open"
            default: ""
            }
            return "{\(callout)\(collapse)\(id)} \(title)".trimmingTrailingWhitespace()
        }
        return "{div\(id)} \(classes.joined(separator: " "))".trimmingTrailingWhitespace()
    }

    /// Whether `line` is a bare colon fence of at least `colons` colons.
    private static func isCloser(_ line: String, colons: Int) -> Bool {
        let text = FenceHeader.stripContainer(line).trimmingTrailingWhitespace()
        return text.count >= max(3, colons) && text.allSatisfy { $0 == ":" }
    }

    /// The first line inside a callout opened on line `index` (0-based), when it is an ATX heading:
    /// Quarto titles a callout without `title=` by it.
    private static func calloutHeading(_ lines: [String], after index: Int) -> (line: Int, title: String)? {
        guard let line = lines.indices.dropFirst(index + 1).first(where: {
            !FenceHeader.stripContainer(lines[$0]).trimmingCharacters(in: .whitespaces).isEmpty
        }) else { return nil }
        let text = FenceHeader.stripContainer(lines[line])
        let hashes = text.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), text.dropFirst(hashes).first == " " else { return nil }
        let title = NotebookParser.headingText(String(text.dropFirst(hashes - 1)))
        return title.isEmpty ? nil : (line, title)
    }

    /// `key="value"`, `key='value'` or `key=value` in pandoc attributes.
    private static func attribute(_ key: String, in attributes: String) -> String? {
        for quote in ["\"", "'"] {
            guard let start = attributes.range(of: key + "=" + quote) else { continue }
            let rest = attributes[start.upperBound...]
            return rest.firstIndex(of: Character(quote)).map { String(rest[..<$0]) }
        }
        guard let start = attributes.range(of: key + "="),
              start.lowerBound == attributes.startIndex || attributes[attributes.index(before: start.lowerBound)] == " " else { return nil }
        let value = attributes[start.upperBound...].prefix { $0 != " " && $0 != "}" }
        return value.isEmpty ? nil : String(value)
    }
}
