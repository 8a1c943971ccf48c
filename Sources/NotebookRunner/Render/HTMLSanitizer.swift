/// Makes HTML and SVG that a kernel produced safe to put in the report: an allowlist of
/// elements and attributes is kept and re-written; everything else is dropped.
///
/// - `<script>`, `<style>`, `<iframe>`, `<object>`, `<embed>`, `<template>`, `<noscript>`,
///   SVG's `<foreignObject>`, animation elements and the like go with their content;
///   other unknown elements (`<form>`, `<meta>`, `<link>`, …) lose the tag and keep their text.
/// - Event handlers (`on…`), HTML `id`s (they could shadow the page's anchors; an SVG's are
///   prefixed with `nbk-`, and so are its `#` and `url(#…)` references), and links or sources
///   other than `http(s):`, `mailto:`, `#fragment` and `data:image/…` are removed, after their
///   character references are decoded (`&#106;avascript:` is `javascript:`).
/// - `style` attributes survive only without `url(`, `expression`, `@import` and fixed
///   positioning; comments, doctypes and processing instructions are dropped.
/// - Every element left open is closed at the end, so the fragment cannot swallow the page.
struct HTMLSanitizer {
    private var output = ""
    private var open: [String] = []

    /// `html` with only the allowed elements and attributes.
    static func sanitize(_ html: String) -> String {
        var sanitizer = HTMLSanitizer()
        sanitizer.run(Array(html.unicodeScalars))
        return sanitizer.output
    }

    private mutating func run(_ input: [Unicode.Scalar]) {
        var index = 0
        var text = ""
        func flushText() {
            if !text.isEmpty { output += Self.escapeText(text); text = "" }
        }
        while index < input.count {
            let scalar = input[index]
            guard scalar == "<" else { text.unicodeScalars.append(scalar); index += 1; continue }
            if Self.starts(input, at: index, with: "<!--") {
                flushText()
                index = Self.find(input, "-->", from: index + 4).map { $0 + 3 } ?? input.count
            } else if index + 1 < input.count, input[index + 1] == "!" || input[index + 1] == "?" {
                flushText()
                index = Self.find(input, ">", from: index).map { $0 + 1 } ?? input.count
            } else {
                switch Tag.parse(input, at: index) {
                case .tag(let tag):
                    flushText()
                    index = tag.end
                    handle(tag, input: input, next: &index)
                case .notATag:
                    text.unicodeScalars.append(scalar)
                    index += 1
                case .unterminated:
                    // A tag the input ends inside is dropped with the rest, as a browser does.
                    index = input.count
                }
            }
        }
        flushText()
        while let name = open.popLast() { output += "</\(name)>" }
    }

    private mutating func handle(_ tag: Tag, input: [Unicode.Scalar], next index: inout Int) {
        let key = tag.name.lowercased()
        if tag.isClosing {
            guard let position = open.lastIndex(where: { $0.lowercased() == key }) else { return }
            while open.count > position { output += "</\(open.removeLast())>" }
            return
        }
        if Self.droppedWithContent.contains(key) {
            // Skip to the matching end tag (raw text: nothing inside is markup).
            if !tag.selfClosing {
                index = Self.findEndTag(key, in: input, from: index) ?? input.count
            }
            return
        }
        let inSVG = open.contains { $0.lowercased() == "svg" } || key == "svg"
        let allowed = inSVG ? Self.svgElements.contains(key) : Self.htmlElements.contains(key)
        guard allowed else { return }
        let name = inSVG ? (Self.svgCase[key] ?? key) : key
        var written = "<" + name
        for (attribute, value) in tag.attributes {
            if let kept = Self.attribute(attribute, value, inSVG: inSVG) { written += " " + kept }
        }
        if Self.voidElements.contains(key) && !inSVG {
            output += written + ">"
        } else if tag.selfClosing && inSVG {
            output += written + "/>"
        } else {
            output += written + ">"
            open.append(name)
        }
    }

    /// The attribute as it is written back (`name="value"`), or nil when it is not allowed.
    static func attribute(_ rawName: String, _ rawValue: String?, inSVG: Bool) -> String? {
        let name = inSVG ? rawName : rawName.lowercased()
        let key = rawName.lowercased()
        guard !key.hasPrefix("on"), key != "srcdoc", key != "formaction", inSVG || key != "id",
              name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == "-" || $0 == ":" || $0 == "_" })
        else { return nil }
        var value = decodeReferences(rawValue ?? "")
        if inSVG {
            // An SVG's ids (clip paths, markers) are kept under a prefix of their own, and so are
            // the references to them, so they cannot shadow the page's anchors.
            if key == "id" { value = idPrefix + value }
            else if value.hasPrefix("#") { value = "#" + idPrefix + value.dropFirst() }
            else if value.contains("url(#") { value = value.replacingOccurrences(of: "url(#", with: "url(#" + idPrefix) }
        }
        switch key {
        case "href", "xlink:href", "src", "action", "background", "poster", "cite":
            guard isSafeURL(value, forImage: key != "href" || inSVG) else { return nil }
        case "style":
            guard isSafeStyle(value) else { return nil }
        default:
            if !inSVG && !htmlAttributes.contains(key) { return nil }
            if inSVG && (key == "attributename" || key == "values" || key == "to" || key == "from" || key == "begin") { return nil }
        }
        return "\(name)=\"\(HTML.escape(value))\""
    }

    static func isSafeURL(_ value: String, forImage: Bool) -> Bool {
        let compact = String(value.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }).lowercased()
        if compact.hasPrefix("#") { return true }
        if forImage {
            return ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"].contains { compact.hasPrefix($0) }
        }
        return compact.hasPrefix("https:") || compact.hasPrefix("http:") || compact.hasPrefix("mailto:")
    }

    /// What an SVG's ids start with in the report.
    static let idPrefix = "nbk-"

    static func isSafeStyle(_ value: String) -> Bool {
        let compact = String(value.unicodeScalars.filter { $0.value > 0x20 && $0 != "\\" }).lowercased()
            .replacingOccurrences(of: "url(#", with: "")
        return !["url(", "expression", "@import", "position:fixed", "position:absolute", "position:sticky", "behavior", "-moz-binding", "image-set("]
            .contains { compact.contains($0) }
    }

    /// `&amp;`, `&lt;`, `&#106;`, `&#x6a;` … decoded (named references beyond the common five kept as written).
    static func decodeReferences(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            guard scalar == "&" else { result.unicodeScalars.append(scalar); continue }
            let body = scalars.prefix(while: { $0 != ";" && $0 != "&" && $0 != "<" }).prefix(12)
            let word = String(String.UnicodeScalarView(body))
            var decoded: Unicode.Scalar?
            if word.hasPrefix("#x") || word.hasPrefix("#X") { decoded = UInt32(word.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
            else if word.hasPrefix("#") { decoded = UInt32(word.dropFirst()).flatMap(Unicode.Scalar.init) }
            else { decoded = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "colon": ":", "tab": "\t", "newline": "\n"][word.lowercased()] }
            guard let decoded else { result.unicodeScalars.append(scalar); continue }
            result.unicodeScalars.append(decoded)
            scalars = scalars.dropFirst(body.count)
            if scalars.first == ";" { scalars = scalars.dropFirst() }
        }
        return result
    }

    /// Text content: `<` and `>` escaped; `&` kept when it starts a character reference.
    static func escapeText(_ text: String) -> String {
        HTML.escape(decodeReferences(text))
    }

    static func starts(_ input: [Unicode.Scalar], at index: Int, with prefix: String) -> Bool {
        let scalars = Array(prefix.unicodeScalars)
        guard index + scalars.count <= input.count else { return false }
        return (0..<scalars.count).allSatisfy { input[index + $0] == scalars[$0] }
    }

    static func find(_ input: [Unicode.Scalar], _ needle: String, from start: Int) -> Int? {
        var index = start
        while index < input.count {
            if starts(input, at: index, with: needle) { return index }
            index += 1
        }
        return nil
    }

    /// The index just past `</name …>` (any case) at or after `start`.
    static func findEndTag(_ name: String, in input: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        while let open = find(input, "</", from: index) {
            switch Tag.parse(input, at: open) {
            case .tag(let tag) where tag.isClosing && tag.name.lowercased() == name: return tag.end
            case .unterminated: return nil
            default: break
            }
            index = open + 2
        }
        return nil
    }

    static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "template", "noscript",
        "noembed", "noframes", "textarea", "xmp", "plaintext", "title", "foreignobject", "animate", "set",
        "animatetransform", "animatemotion", "animatecolor", "handler", "listener", "metadata", "math", "select",
    ]
    static let voidElements: Set<String> = ["br", "hr", "img", "col", "wbr"]
    static let htmlElements: Set<String> = [
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small",
        "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr",
        "u", "ul", "var", "wbr", "center", "font", "svg",
    ]
    static let htmlAttributes: Set<String> = [
        "class", "title", "lang", "dir", "align", "valign", "width", "height", "colspan", "rowspan", "border",
        "cellpadding", "cellspacing", "alt", "start", "type", "reversed", "open", "datetime", "abbr", "scope",
        "headers", "span", "color", "face", "size", "role", "aria-label", "aria-hidden", "nowrap", "bgcolor",
        "viewbox", "xmlns", "xmlns:xlink", "version", "preserveaspectratio",
    ]
    /// SVG's elements, lower case → as SVG spells them.
    static let svgCase: [String: String] = Dictionary(uniqueKeysWithValues: [
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
        "defs", "clipPath", "linearGradient", "radialGradient", "stop", "title", "desc", "use", "symbol", "marker",
        "pattern", "mask", "image", "filter", "feGaussianBlur", "feOffset", "feBlend", "feFlood", "feComposite",
        "feMerge", "feMergeNode", "feColorMatrix",
    ].map { ($0.lowercased(), $0) })
    static let svgElements = Set(svgCase.keys)
}

/// One start or end tag: `<name attr="value" …>`, `</name>`, `<name/>`.
private struct Tag {
    var name: String
    var attributes: [(String, String?)]
    var isClosing: Bool
    var selfClosing: Bool
    /// The index just past `>`.
    var end: Int

    enum Parsed { case tag(Tag), notATag, unterminated }

    static func parse(_ input: [Unicode.Scalar], at start: Int) -> Parsed {
        var index = start + 1
        let isClosing = index < input.count && input[index] == "/"
        if isClosing { index += 1 }
        guard index < input.count, input[index].properties.isAlphabetic else { return .notATag }
        func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
            !scalar.properties.isWhitespace && scalar != "/" && scalar != ">" && scalar != "=" && scalar != "<"
                && scalar != "\"" && scalar != "'"
        }
        var name = ""
        while index < input.count, isNameScalar(input[index]) { name.unicodeScalars.append(input[index]); index += 1 }
        var attributes: [(String, String?)] = []
        var selfClosing = false
        while index < input.count {
            let scalar = input[index]
            if scalar.properties.isWhitespace { index += 1; continue }
            if scalar == ">" { return .tag(Tag(name: name, attributes: attributes, isClosing: isClosing, selfClosing: selfClosing, end: index + 1)) }
            if scalar == "/" { selfClosing = true; index += 1; continue }
            selfClosing = false
            var attribute = ""
            while index < input.count, isNameScalar(input[index]) { attribute.unicodeScalars.append(input[index]); index += 1 }
            if attribute.isEmpty { index += 1; continue }
            while index < input.count, input[index].properties.isWhitespace { index += 1 }
            guard index < input.count, input[index] == "=" else { attributes.append((attribute, nil)); continue }
            index += 1
            while index < input.count, input[index].properties.isWhitespace { index += 1 }
            var value = ""
            if index < input.count, input[index] == "\"" || input[index] == "'" {
                let quote = input[index]
                index += 1
                while index < input.count, input[index] != quote { value.unicodeScalars.append(input[index]); index += 1 }
                guard index < input.count else { return .unterminated }
                index += 1
            } else {
                while index < input.count, !input[index].properties.isWhitespace, input[index] != ">" {
                    value.unicodeScalars.append(input[index]); index += 1
                }
            }
            attributes.append((attribute, value))
        }
        return .unterminated
    }
}
