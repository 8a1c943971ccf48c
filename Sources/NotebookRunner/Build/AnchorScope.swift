import Foundation

/// Puts one site page's HTML into a page that holds the whole course (`--single-file`, `--pdf`):
/// every `id` becomes `<page>/<id>` (`ch/alpha/eq-softmax`), so two pages' `#softmax` never
/// meet, and every reference to an id follows — `href="#x"`, the `for`/`headers`/`aria-*` lists,
/// SVG's `url(#x)` — while a link to another page of the course (`../beta.html#eq-lift`) becomes
/// a link inside the one page (`#beta/eq-lift`, or `#beta` for the page itself). Links
/// elsewhere (`https:`, a file beside the site) stay as they are, relative to the site's root.
struct AnchorScope {
    /// The site path of the page whose HTML is scoped (`ch/alpha.html`).
    let path: String
    /// The id of each site path's section in the one page (`ch/alpha.html` → `ch/alpha`).
    let sections: [String: String]

    /// The id prefix of the page at `path`: its path without `.html`, and a `/`.
    static func section(of path: String) -> String {
        path.hasSuffix(".html") ? String(path.dropLast(5)) : path
    }

    /// Attributes that hold one id or a space-separated list of ids.
    static let idListAttributes: Set<String> = [
        "id", "for", "headers", "list", "form", "popovertarget", "aria-labelledby", "aria-describedby", "aria-controls",
        "aria-owns", "aria-flowto", "aria-activedescendant", "aria-details", "aria-errormessage",
    ]
    static let linkAttributes: Set<String> = ["href", "xlink:href"]

    var prefix: String { (sections[path] ?? Self.section(of: path)) + "/" }

    /// `html` with its ids and links scoped.
    func scope(_ html: String) -> String {
        var result = ""
        result.reserveCapacity(html.utf8.count + html.utf8.count / 16)
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            result += rest[..<open]
            rest = rest[open...]
            // Comments, doctype, closing tags, and the raw text of style/script pass unchanged.
            if rest.hasPrefix("<!--") {
                let end = rest.range(of: "-->")?.upperBound ?? rest.endIndex
                result += rest[..<end]; rest = rest[end...]; continue
            }
            guard let close = Self.tagEnd(rest) else { break }
            let tag = rest[...close]
            rest = rest[rest.index(after: close)...]
            let name = tag.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == ":" }.lowercased()
            guard !name.isEmpty else { result += tag; continue }
            result += scopeTag(tag)
            if name == "style" || name == "script" {
                let end = rest.range(of: "</\(name)", options: .caseInsensitive)?.lowerBound ?? rest.endIndex
                result += rest[..<end]; rest = rest[end...]
            }
        }
        return result + rest
    }

    /// The `>` that ends the tag `text` starts with, past any `>` inside a quoted value.
    private static func tagEnd(_ text: Substring) -> Substring.Index? {
        var quote: Character? = nil
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == ">" {
                return index
            } else if (character == "\"" || character == "'"), index > text.startIndex, text[text.index(before: index)] == "=" || text[text.index(before: index)].isWhitespace {
                quote = character
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// One start tag with its attributes scoped; attribute values in double or single quotes.
    private func scopeTag(_ tag: Substring) -> String {
        var result = ""
        var rest = tag
        while let quote = rest.firstIndex(where: { $0 == "\"" || $0 == "'" }) {
            let before = rest[..<quote]
            let mark = rest[quote]
            let valueStart = rest.index(after: quote)
            guard let valueEnd = rest[valueStart...].firstIndex(of: mark) else { break }
            let attribute = Self.attributeName(before: before)
            let value = rest[valueStart..<valueEnd]
            result += before + String(mark) + scopeValue(String(value), attribute: attribute) + String(mark)
            rest = rest[rest.index(after: valueEnd)...]
        }
        return result + rest
    }

    /// The name of the attribute whose `=` ends `text` (`class="a" href=` → `href`).
    private static func attributeName(before text: Substring) -> String {
        var end = text.endIndex
        while end > text.startIndex, text[text.index(before: end)].isWhitespace { end = text.index(before: end) }
        guard end > text.startIndex, text[text.index(before: end)] == "=" else { return "" }
        end = text.index(before: end)
        while end > text.startIndex, text[text.index(before: end)].isWhitespace { end = text.index(before: end) }
        var start = end
        while start > text.startIndex, !text[text.index(before: start)].isWhitespace, text[text.index(before: start)] != "<" {
            start = text.index(before: start)
        }
        return text[start..<end].lowercased()
    }

    private func scopeValue(_ value: String, attribute: String) -> String {
        if Self.idListAttributes.contains(attribute) {
            return value.split(separator: " ", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : prefix + $0 }.joined(separator: " ")
        }
        if Self.linkAttributes.contains(attribute) {
            return HTML.escape(link(HTML.unescape(value)))
        }
        if value.contains("url(#") || value.contains("url('#") || value.contains("url(&quot;#") {
            return value.replacingOccurrences(of: "url(#", with: "url(#" + prefix)
                .replacingOccurrences(of: "url('#", with: "url('#" + prefix)
                .replacingOccurrences(of: "url(&quot;#", with: "url(&quot;#" + prefix)
        }
        return value
    }

    /// Where a link of this page leads in the one page.
    func link(_ href: String) -> String {
        if href.hasPrefix("#") { return href.count == 1 ? "#" + (sections[path] ?? Self.section(of: path)) : "#" + prefix + href.dropFirst() }
        if href.hasPrefix("/") || href.hasPrefix("?") || Self.hasScheme(href) { return href }
        var target = href
        var fragment: String? = nil
        if let hash = target.firstIndex(of: "#") {
            fragment = String(target[target.index(after: hash)...])
            target = String(target[..<hash])
        }
        if let query = target.firstIndex(of: "?") { target = String(target[..<query]) }
        let folder = (path as NSString).deletingLastPathComponent
        let joined = folder.isEmpty ? target : folder + "/" + target
        let resolved = String(URL(fileURLWithPath: "/" + joined).standardizedFileURL.path.dropFirst())
        guard let section = sections[resolved] else { return resolved + (fragment.map { "#" + $0 } ?? "") }
        guard let fragment, !fragment.isEmpty else { return "#" + section }
        return "#" + section + "/" + fragment
    }

    /// Whether `href` starts with a URL scheme (`https:`, `mailto:`, `data:`).
    static func hasScheme(_ href: String) -> Bool {
        guard let colon = href.firstIndex(of: ":") else { return false }
        let scheme = href[..<colon]
        return !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." } && scheme.first!.isLetter
    }
}
