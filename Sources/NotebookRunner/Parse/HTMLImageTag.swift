import Foundation

/// An `<img>` tag in the author's raw HTML, and its `src` attribute.
///
/// The prose's raw HTML passes through, so `<img src="img/net.png" width="300">` is an image
/// like `![](img/net.png)`: its source is embedded the same way, by rewriting the attribute
/// (or the whole tag, for an error) in the HTML cmark passes on.
struct HTMLImageTag {
    /// The tag, from `<img` to `>`.
    var tag: Range<String.Index>
    /// The `src` attribute, from its name to the end of its value.
    var attribute: Range<String.Index>
    /// The attribute's value with its quotes, if any.
    var value: Range<String.Index>
    /// The value with `&amp;`, `&quot;`, `&#39;`, `&lt;` and `&gt;` decoded.
    var source: String

    private static let pattern = try! NSRegularExpression(
        pattern: #"<img\b[^>]*?\s(src\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))[^>]*>"#, options: [.caseInsensitive])

    /// Every `<img>` tag with a `src` in `html`, in order.
    static func all(in html: String) -> [HTMLImageTag] {
        guard html.range(of: "<img", options: .caseInsensitive) != nil else { return [] }
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            guard let tag = Range(match.range, in: html), let attribute = Range(match.range(at: 1), in: html),
                  let value = Range(match.range(at: 2), in: html) else { return nil }
            var raw = html[value]
            if raw.hasPrefix("\"") || raw.hasPrefix("'") { raw = raw.dropFirst().dropLast() }
            return HTMLImageTag(tag: tag, attribute: attribute, value: value, source: decode(String(raw)))
        }
    }

    /// `html` with each tag's source replaced as `rewrite` says (nil: left as it is).
    static func rewriting(_ html: String, _ rewrite: (String) -> CommonMark.ImageRewrite?) -> String {
        var result = ""
        var cursor = html.startIndex
        for image in all(in: html) {
            switch rewrite(image.source) {
            case .source(let source, _)?:
                result += html[cursor..<image.value.lowerBound] + "\"" + HTML.escape(source) + "\""
                cursor = image.value.upperBound
            case .embedded(let number, _)?:
                result += html[cursor..<image.attribute.lowerBound] + CommonMark.embeddedImageAttribute(number)
                cursor = image.attribute.upperBound
            case .html(let replacement)?:
                result += html[cursor..<image.tag.lowerBound] + replacement
                cursor = image.tag.upperBound
            case nil:
                break
            }
        }
        return result + html[cursor...]
    }

    private static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
