import Foundation

/// The line-shaped reference syntax, read before and after the prose scanner, each line kept at its number.
///
///     target    := "(" label ")=" NL                      -- MyST: labels the heading or block below
///     heading   := "#"… text "{#" label { attr } "}"       -- Quarto/Pandoc: the heading's label
///     image     := "![" caption "](" src ")" "{#" label { attr } "}"   -- Quarto: fig-, tbl-, …
///     caption   := text "{#" label "}"                    -- Quarto: a table caption line ": Caption {#tbl-x}"
///     tab       := ":begin_tab:`" name "`" | ":end_tab:"  -- d2l: a tab of framework-specific text
///     footnote  := "[^" name "]:" text { continuation }    -- read after scanning, so its math is set aside
///
/// A continuation of a footnote is a following non-blank line (lazy), or after a blank line one
/// indented by four spaces.
public enum ReferenceLines {
    /// A d2l tab's opening (with its framework) or closing line.
    public struct Tab: Sendable, Hashable {
        public var name: String?
        public var line: Int
    }

    /// Replaces the target lines of `lines` by `anchor` tokens (appended to `anchors`) and the tab
    /// lines by nothing, returning the tabs; `protected` lines (code, HTML) are left alone.
    static func markTargets(_ lines: inout [String], protected: Set<Int>, file: String, anchors: inout [Anchor]) -> [Tab] {
        var tabs: [Tab] = []
        for index in lines.indices where !protected.contains(index + 1) {
            let line = lines[index]
            let trimmed = line.trimmingWhitespace()
            guard !trimmed.isEmpty else { continue }
            let indent = line.unicodeScalars.prefix { $0 == " " }.count
            let at = { (column: Int) in SourceLocation(file: file, line: index + 1, column: column) }
            if trimmed.hasPrefix("("), trimmed.hasSuffix(")="), indent <= 3 {
                let label = String(trimmed.dropFirst().dropLast(2))
                if !label.isEmpty, !label.contains(where: { $0 == " " || $0 == "(" || $0 == ")" }) {
                    anchors.append(Anchor(label: label, placement: .next, location: at(indent + 2)))
                    lines[index] = Placeholder.token(.anchor, anchors.count - 1)
                    continue
                }
            }
            if trimmed.hasPrefix(":begin_tab:`"), trimmed.hasSuffix("`") {
                tabs.append(Tab(name: String(trimmed.dropFirst(12).dropLast()), line: index + 1))
                lines[index] = ""
                continue
            }
            if trimmed == ":end_tab:" {
                tabs.append(Tab(name: nil, line: index + 1))
                lines[index] = ""
                continue
            }
            if trimmed.hasSuffix("}"), let open = line.range(of: "{#", options: .backwards) {
                let attributes = line[open.upperBound..<line.index(before: line.endIndex)]
                let label = String(attributes.prefix { $0 != " " && $0 != "}" && $0 != "{" })
                let before = line[..<open.lowerBound]
                let isHeading = trimmed.hasPrefix("#") && indent <= 3
                let isImage = before.hasSuffix(")") && before.contains("![")
                let isCaption = trimmed.hasPrefix(": ") || trimmed.hasPrefix("Table:")
                guard !label.isEmpty, !attributes.contains("{"), isHeading || isImage || isCaption else { continue }
                let column = line[..<open.lowerBound].unicodeScalars.count + 3
                anchors.append(Anchor(label: label, placement: .sameLine, location: at(column)))
                var kept = String(before)
                while kept.hasSuffix(" ") { kept.removeLast() }
                lines[index] = kept + Placeholder.token(.anchor, anchors.count - 1)
            }
        }
        return tabs
    }

    /// A footnote's text, with its label and where it is written.
    public struct Definition: Sendable, Hashable {
        public var name: String
        /// The Markdown of the note (placeholder tokens for its math and roles).
        public var text: String
        public var location: SourceLocation
    }

    /// Takes the footnote definitions out of the scanned `lines` (blanking them) and returns them.
    static func takeFootnotes(_ lines: inout [String], protected: Set<Int>, file: String) -> [Definition] {
        var definitions: [Definition] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard !protected.contains(index + 1) else { continue }
            let line = lines[index]
            let indent = line.prefix { $0 == " " }.count
            let rest = line.dropFirst(indent)
            guard indent <= 3, rest.hasPrefix("[^"), let close = rest.firstIndex(of: "]"),
                  rest[rest.index(after: close)...].hasPrefix(":") else { continue }
            let name = String(rest[rest.index(rest.startIndex, offsetBy: 2)..<close])
            guard !name.isEmpty, !name.contains(" ") else { continue }
            var text = [rest[rest.index(close, offsetBy: 2)...].trimmingCharacters(in: .whitespaces)]
            let location = SourceLocation(file: file, line: index + 1, column: indent + 1)
            lines[index] = ""
            var next = index + 1
            var afterBlank = false
            while next < lines.count, !protected.contains(next + 1) {
                let candidate = lines[next]
                if candidate.trimmingCharacters(in: .whitespaces).isEmpty {
                    afterBlank = true
                    next += 1
                    continue
                }
                let candidateIndent = candidate.prefix { $0 == " " }.count
                let body = candidate.dropFirst(candidateIndent)
                if afterBlank ? candidateIndent < 4 : ["[^", "#", "```", "~~~", "$$", ">", "|"].contains(where: body.hasPrefix) { break }
                if afterBlank { text.append("") }
                text.append(String(candidate.dropFirst(min(candidateIndent, 4))))
                lines[next] = ""
                afterBlank = false
                next += 1
            }
            index = next - 1
            definitions.append(Definition(name: name, text: text.joined(separator: "\n"), location: location))
        }
        return definitions
    }
}
