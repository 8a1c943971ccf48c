import Foundation
import CCmark

/// The one place that talks to libcmark: it walks cmark's nodes, copies what the
/// pipeline needs into Swift values and frees the C tree before returning.
enum CommonMark {
    /// A block whose text must be left alone by the math scanner, or that may be a cell.
    struct Block: Sendable, Hashable {
        enum Kind: Sendable, Hashable { case fencedOrIndentedCode, html }
        var kind: Kind
        /// The info string of a fenced code block, after cmark's unescaping ("" for none).
        var info: String
        /// The code's text with the fence's indentation removed.
        var literal: String
        /// First and last source lines (1-based), fences included.
        var startLine: Int
        var endLine: Int
        /// Whether the block sits directly in the document (not in a list or quote).
        var isTopLevel: Bool
    }

    /// A heading of the rendered prose, for the table of contents.
    struct Heading: Sendable, Hashable {
        var level: Int
        var text: String
        var anchor: String
    }

    /// An image of the prose — `![alt](source)`, or an `<img src=…>` tag in raw HTML — its
    /// destination as cmark read it (escapes resolved, reference definitions followed) and where
    /// it starts: line, byte column, and the text it starts with (`![` or `<img`).
    struct Image: Sendable, Hashable {
        var source: String
        var line: Int
        var byteColumn: Int
        var marker: String
    }

    /// What the renderer does with an image: point it at another source, show the page's
    /// embedded image number `n` (its `src` becomes `data-nb-image="n"`, which the page's
    /// stylesheet fills, so an image cited many times is in the page once and its bytes never
    /// pass through cmark), or replace it with HTML (an error or a warning in its place).
    enum ImageRewrite: Sendable {
        /// Another source, and the width the image is shown at (d2l's `:width:`), if any.
        case source(String, width: String? = nil)
        /// The page's embedded image `n`, and the width it is shown at, if any.
        case embedded(Int, width: String? = nil)
        case html(String)
    }

    /// The attribute an embedded image's `<img>` gets in place of its `src`.
    static func embeddedImageAttribute(_ number: Int) -> String { "data-nb-image=\"\(number)\"" }

    /// The short stand-in cmark renders as an embedded image's `src`, replaced after rendering.
    private static let embeddedStandIn = "nbrun-embedded-image:"

    /// Every image of `markdown`, in document order.
    static func images(in markdown: String) -> [Image] {
        guard markdown.containsBytes(of: "!") || markdown.containsBytes(of: "<"), let root = parse(markdown, options: CMARK_OPT_DEFAULT) else { return [] }
        defer { cmark_node_free(root) }
        var images: [Image] = []
        walk(root) { node in
            let type = cmark_node_get_type(node)
            let line = Int(cmark_node_get_start_line(node)), column = Int(cmark_node_get_start_column(node))
            if type == CMARK_NODE_IMAGE {
                images.append(Image(source: string(cmark_node_get_url(node)), line: line, byteColumn: column, marker: "!["))
            } else if type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE {
                let literal = string(cmark_node_get_literal(node))
                for tag in HTMLImageTag.all(in: literal) {
                    let before = literal[..<tag.tag.lowerBound].utf8
                    let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { before.index(after: $0) }
                    let offset = before.distance(from: lineStart ?? before.startIndex, to: before.endIndex)
                    images.append(Image(source: tag.source, line: line + before.count { $0 == UInt8(ascii: "\n") },
                                        byteColumn: (lineStart == nil ? column : 1) + offset, marker: "<img"))
                }
            }
        }
        return images
    }

    /// Every code block and HTML block of `markdown`, in document order.
    static func blocks(in markdown: String) -> [Block] {
        guard let root = parse(markdown, options: CMARK_OPT_DEFAULT) else { return [] }
        defer { cmark_node_free(root) }
        var blocks: [Block] = []
        walk(root) { node in
            let type = cmark_node_get_type(node)
            guard type == CMARK_NODE_CODE_BLOCK || type == CMARK_NODE_HTML_BLOCK else { return }
            let parent = cmark_node_parent(node)
            blocks.append(Block(
                kind: type == CMARK_NODE_CODE_BLOCK ? .fencedOrIndentedCode : .html,
                info: string(cmark_node_get_fence_info(node)),
                literal: string(cmark_node_get_literal(node)),
                startLine: Int(cmark_node_get_start_line(node)),
                endLine: Int(cmark_node_get_end_line(node)),
                isTopLevel: parent.map { cmark_node_get_type($0) == CMARK_NODE_DOCUMENT } ?? false))
        }
        return blocks
    }

    /// Every heading of `markdown` with its first line, its anchor the one `renderHTML` gives it.
    static func headings(in markdown: String) -> [(heading: Heading, line: Int)] {
        guard markdown.containsBytes(of: "#") || markdown.containsBytes(of: "\n=") || markdown.containsBytes(of: "\n-"),
              let root = parse(markdown, options: CMARK_OPT_DEFAULT) else { return [] }
        defer { cmark_node_free(root) }
        var slugs = SlugSet()
        var headings: [(Heading, Int)] = []
        walk(root) { node in
            guard cmark_node_get_type(node) == CMARK_NODE_HEADING else { return }
            let text = plainText(of: node)
            headings.append((Heading(level: Int(cmark_node_get_heading_level(node)), text: text, anchor: slugs.unique(for: text)),
                             Int(cmark_node_get_start_line(node))))
        }
        return headings
    }

    /// Renders `markdown` to HTML. Raw HTML passes through (the author is trusted);
    /// headings get unique `id`s, returned for the table of contents; `image(source)` says
    /// what becomes of each image (nil: it stays as written); `tableLayouts` are the layouts of
    /// the page's `{list-table}`s, whose marks (`Placeholder.Kind.table`) stand around their rows.
    static func renderHTML(_ markdown: String, smartPunctuation: Bool = true, tableLayouts: [ListTable.Layout] = [],
                           image: (String) -> ImageRewrite? = { _ in nil }) -> (html: String, headings: [Heading]) {
        let options = CMARK_OPT_UNSAFE | (smartPunctuation ? CMARK_OPT_SMART : 0)
        guard let root = parse(markdown, options: options) else { return ("", []) }
        defer { cmark_node_free(root) }

        var headingNodes: [OpaquePointer] = []
        var joinedBreaks: [OpaquePointer] = []
        var paragraphs: [OpaquePointer] = []
        var imageNodes: [OpaquePointer] = []
        var tableMarks: [ListTableMark] = []
        walk(root) { node in
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_HEADING { headingNodes.append(node) }
            if type == CMARK_NODE_IMAGE || type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE { imageNodes.append(node) }
            if type == CMARK_NODE_PARAGRAPH, let parent = cmark_node_parent(node),
               cmark_node_get_type(parent) != CMARK_NODE_CUSTOM_BLOCK { paragraphs.append(node) }
            if type == CMARK_NODE_SOFTBREAK, isBetweenCJK(node) { joinedBreaks.append(node) }
            if !tableLayouts.isEmpty, type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HTML_BLOCK, let mark = listTableMark(node) {
                tableMarks.append(mark)
            }
            filterTags(node)
        }
        // A line break inside Chinese or Japanese text is not a space: drop it.
        for node in joinedBreaks {
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
        // Images first: a pipe table frees its paragraph (and renders its cells' images itself).
        rewriteImages(imageNodes, image)
        replacePipeTables(in: paragraphs, source: markdown, options: options, image: image)
        replaceListTables(tableMarks, layouts: tableLayouts) { renderInline($0, options: options, image: image) }
        var slugs = SlugSet()
        var headings: [Heading] = []
        for node in headingNodes {
            let level = Int(cmark_node_get_heading_level(node))
            let text = plainText(of: node)
            let anchor = slugs.unique(for: text)
            headings.append(Heading(level: level, text: text, anchor: anchor))
            // Replace the heading by a custom block that prints the same tag with an id.
            guard let custom = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else { continue }
            cmark_node_set_on_enter(custom, "<h\(level) id=\"\(anchor)\">")
            cmark_node_set_on_exit(custom, "</h\(level)>")
            while let child = cmark_node_first_child(node) {
                cmark_node_append_child(custom, child)
            }
            cmark_node_insert_before(node, custom)
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
        guard let cString = cmark_render_html(root, options) else { return ("", headings) }
        defer { free(cString) }
        return (resolvingEmbeddedImages(String(cString: cString)), headings)
    }

    /// `html` with each embedded image's stand-in `src` replaced by its attribute.
    private static func resolvingEmbeddedImages(_ html: String) -> String {
        let opening = " src=\"" + embeddedStandIn
        guard html.containsBytes(of: opening) else { return html }
        var result = ""
        var rest = html[...]
        while let found = rest.range(of: opening) {
            let digits = rest[found.upperBound...].prefix { $0.isASCII && $0.isNumber }
            guard let number = Int(digits), rest[digits.endIndex...].hasPrefix("\"") else {
                result += rest[..<found.upperBound]
                rest = rest[found.upperBound...]
                continue
            }
            result += rest[..<found.lowerBound] + " " + embeddedImageAttribute(number)
            rest = rest[rest.index(after: digits.endIndex)...]
        }
        return result + rest
    }

    /// Replaces each paragraph whose lines form a GFM pipe table by the table's HTML (in a
    /// scrolling wrapper), rendering every cell's inline Markdown with cmark. A paragraph in a
    /// list item, a block quote or a list-table cell is read from its source lines without the
    /// containers' indentation and `>` markers.
    private static func replacePipeTables(in paragraphs: [OpaquePointer], source: String, options: Int32,
                                          image: (String) -> ImageRewrite?) {
        guard source.contains("|") else { return }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        for node in paragraphs {
            let first = Int(cmark_node_get_start_line(node)), last = Int(cmark_node_get_end_line(node))
            guard first >= 1, last >= first + 1, last <= lines.count else { continue }
            let quotes = blockQuoteDepth(of: node)
            // The first line starts at the paragraph's column (after a list marker or `>`).
            let firstLine = lines[first - 1].utf8.dropFirst(max(0, Int(cmark_node_get_start_column(node)) - 1))
            let paragraphLines = [String(Substring(firstLine))]
                + lines[first..<last].map { withoutContainerPrefix($0, quotes: quotes) }
            guard let table = PipeTable(lines: paragraphLines),
                  let custom = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK) else { continue }
            var html = ""
            if !table.leadingLines.isEmpty {
                html += "<p>" + renderInline(table.leadingLines.joined(separator: "\n"), options: options, image: image) + "</p>\n"
            }
            html += "<div class=\"nb-table-wrap\">\n"
            html += table.html { renderInline($0, options: options, image: image) }
            html += "</div>\n"
            cmark_node_set_on_enter(custom, html)
            cmark_node_set_on_exit(custom, "")
            cmark_node_insert_before(node, custom)
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
    }

    /// How many block quotes hold `node`.
    private static func blockQuoteDepth(of node: OpaquePointer) -> Int {
        var depth = 0
        var parent = cmark_node_parent(node)
        while let container = parent {
            if cmark_node_get_type(container) == CMARK_NODE_BLOCK_QUOTE { depth += 1 }
            parent = cmark_node_parent(container)
        }
        return depth
    }

    /// A paragraph's source line without the indentation of the list items around it and the
    /// `>` markers of its `quotes` block quotes (a marker takes one space after it with it).
    static func withoutContainerPrefix(_ line: Substring, quotes: Int) -> String {
        var rest = line.drop { $0 == " " || $0 == "\t" }
        for _ in 0..<quotes where rest.first == ">" {
            rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        }
        return String(rest)
    }

    /// A mark of a `{list-table}` in the parsed prose (`ListTable`): the opening token, the last
    /// line of the paragraph before the rows (alone, or after a label's line), or the closing HTML block.
    private struct ListTableMark {
        /// The paragraph, or the closing HTML block.
        var node: OpaquePointer
        /// The opening token's text node; nil for the closing mark.
        var token: OpaquePointer?
        var index: Int

        /// Takes the mark out of the tree: the token and the line break before it, and its paragraph
        /// when nothing else is left in it.
        func remove() {
            if let token {
                if let previous = cmark_node_previous(token), cmark_node_get_type(previous) != CMARK_NODE_TEXT {
                    cmark_node_unlink(previous)
                    cmark_node_free(previous)
                }
                cmark_node_unlink(token)
                cmark_node_free(token)
                guard cmark_node_first_child(node) == nil else { return }
            }
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
    }

    /// The list-table mark `node` (a paragraph or an HTML block) is, if it is one.
    private static func listTableMark(_ node: OpaquePointer) -> ListTableMark? {
        if cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK {
            let literal = string(cmark_node_get_literal(node)).trimmingCharacters(in: .whitespacesAndNewlines)
            guard literal.hasPrefix("<!--\u{E000}"), literal.hasSuffix("-->"),
                  let index = Placeholder.index(of: .table, in: String(literal.dropFirst(4).dropLast(3))) else { return nil }
            return ListTableMark(node: node, token: nil, index: index)
        }
        guard let token = cmark_node_last_child(node), cmark_node_get_type(token) == CMARK_NODE_TEXT,
              let index = Placeholder.index(of: .table, in: string(cmark_node_get_literal(token))) else { return nil }
        if let previous = cmark_node_previous(token) {
            let type = cmark_node_get_type(previous)
            guard type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK else { return nil }
        }
        return ListTableMark(node: node, token: token, index: index)
    }

    /// Turns the bullet list after each opening list-table mark into the table its layout describes:
    /// a row per item, a cell per item of the row's own list (any other block of a row is a cell of
    /// its own); a cell of one paragraph holds its inlines, any other cell its blocks, rendered as
    /// cmark renders them anywhere. `inline` renders the caption. The marks are left out. Later
    /// marks go first, so a table in a cell is made before the table around it.
    private static func replaceListTables(_ marks: [ListTableMark], layouts: [ListTable.Layout], inline: (String) -> String) {
        for mark in marks.reversed() {
            defer { mark.remove() }
            guard mark.token != nil, mark.index < layouts.count, let list = cmark_node_next(mark.node),
                  cmark_node_get_type(list) == CMARK_NODE_LIST, cmark_node_get_list_type(list) == CMARK_BULLET_LIST else { continue }
            var rows: [[OpaquePointer]] = []
            for item in children(of: list) {
                rows.append(children(of: item).flatMap { block in
                    cmark_node_get_type(block) == CMARK_NODE_LIST ? children(of: block) : [block]
                })
            }
            var layout = layouts[mark.index]
            layout.headerRows = min(layout.headerRows, rows.count)
            let columns = rows.map(\.count).max() ?? 0
            guard let table = customNode(CMARK_NODE_CUSTOM_BLOCK, layout.openingHTML(columns: columns, inline: inline),
                                         layout.closingHTML(rows: rows.count)) else { continue }
            for (rowIndex, cells) in rows.enumerated() {
                guard let row = customNode(CMARK_NODE_CUSTOM_BLOCK, layout.rowOpening(rowIndex), "</tr>") else { continue }
                for column in 0..<columns {
                    let tag = layout.cellTag(row: rowIndex, column: column)
                    // An item's blocks, or a block standing as a cell by itself.
                    var content: [OpaquePointer] = []
                    if column < cells.count {
                        content = cmark_node_get_type(cells[column]) == CMARK_NODE_ITEM ? children(of: cells[column]) : [cells[column]]
                    }
                    if content.count == 1, cmark_node_get_type(content[0]) == CMARK_NODE_PARAGRAPH { content = children(of: content[0]) }
                    let inlineOnly = content.allSatisfy { !isBlock($0) }
                    guard let cell = inlineOnly ? customNode(CMARK_NODE_CUSTOM_INLINE, tag.open, tag.close)
                        : customNode(CMARK_NODE_CUSTOM_BLOCK, tag.open, String(tag.close.dropLast())) else { continue }
                    for node in content { cmark_node_append_child(cell, node) }
                    cmark_node_append_child(row, cell)
                }
                cmark_node_append_child(table, row)
            }
            cmark_node_insert_before(list, table)
            cmark_node_unlink(list)
            cmark_node_free(list)
        }
    }

    /// A custom node printing `enter` before its children and `exit` after them.
    private static func customNode(_ type: cmark_node_type, _ enter: String, _ exit: String) -> OpaquePointer? {
        guard let node = cmark_node_new(type) else { return nil }
        cmark_node_set_on_enter(node, enter)
        cmark_node_set_on_exit(node, exit)
        return node
    }

    /// The children of `node`, in order.
    private static func children(of node: OpaquePointer) -> [OpaquePointer] {
        var nodes: [OpaquePointer] = []
        var child = cmark_node_first_child(node)
        while let next = child {
            nodes.append(next)
            child = cmark_node_next(next)
        }
        return nodes
    }

    private static func isBlock(_ node: OpaquePointer) -> Bool {
        let type = cmark_node_get_type(node).rawValue
        return type >= CMARK_NODE_FIRST_BLOCK.rawValue && type <= CMARK_NODE_LAST_BLOCK.rawValue
    }

    /// Points each image at the source `image` gives, or replaces it by the HTML it gives; in a
    /// raw HTML node, each `<img>` tag's `src` (or the whole tag).
    private static func rewriteImages(_ nodes: [OpaquePointer], _ image: (String) -> ImageRewrite?) {
        for node in nodes {
            if cmark_node_get_type(node) != CMARK_NODE_IMAGE {
                let literal = string(cmark_node_get_literal(node))
                let rewritten = HTMLImageTag.rewriting(literal, image)
                if rewritten != literal { cmark_node_set_literal(node, rewritten) }
                continue
            }
            switch image(string(cmark_node_get_url(node))) {
            case .source(let source, let width)?:
                setImage(node, source: source, width: width)
            case .embedded(let number, let width)?:
                setImage(node, source: embeddedStandIn + String(number), width: width)
            case .html(let html)?:
                guard let custom = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) else { continue }
                cmark_node_set_on_enter(custom, html)
                cmark_node_set_on_exit(custom, "")
                cmark_node_insert_before(node, custom)
                cmark_node_unlink(node)
                cmark_node_free(node)
            case nil:
                break
            }
        }
    }

    /// Points image `node` at `source`; with a `width` (cmark's image has no attributes), replaces
    /// it by the same `<img>` with the width as a style.
    private static func setImage(_ node: OpaquePointer, source: String, width: String?) {
        guard let width else {
            cmark_node_set_url(node, source)
            return
        }
        guard let custom = cmark_node_new(CMARK_NODE_CUSTOM_INLINE) else { return }
        let title = string(cmark_node_get_title(node))
        let size = width.allSatisfy(\.isNumber) ? width + "px" : width
        cmark_node_set_on_enter(custom, "<img src=\"\(HTML.escape(source))\" alt=\"\(HTML.escape(plainText(of: node)))\""
                                + (title.isEmpty ? "" : " title=\"\(HTML.escape(title))\"") + " style=\"width: \(HTML.escape(size))\" />")
        cmark_node_set_on_exit(custom, "")
        cmark_node_insert_before(node, custom)
        cmark_node_unlink(node)
        cmark_node_free(node)
    }

    /// What `renderInline` and `plainText(inline:)` put before their text: a private-use character
    /// and a space, so nothing in the text can start a block.
    private static let inlineGuard = "\u{E000} "

    /// The HTML of `markdown` read as the inlines of one paragraph (no block structure).
    static func renderInline(_ markdown: String, options: Int32 = CMARK_OPT_UNSAFE | CMARK_OPT_SMART,
                             image: (String) -> ImageRewrite? = { _ in nil }) -> String {
        guard let root = parse(inlineGuard + markdown, options: options) else { return "" }
        defer { cmark_node_free(root) }
        var imageNodes: [OpaquePointer] = []
        walk(root) { node in
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_IMAGE || type == CMARK_NODE_HTML_INLINE { imageNodes.append(node) }
            filterTags(node)
        }
        rewriteImages(imageNodes, image)
        guard let cString = cmark_render_html(root, options) else { return "" }
        defer { free(cString) }
        var html = Substring(resolvingEmbeddedImages(String(cString: cString)))
        guard html.hasPrefix("<p>\u{E000}") else { return HTML.escape(markdown) }
        html = html.dropFirst(4)
        if html.hasPrefix(" ") { html = html.dropFirst() }
        if html.hasSuffix("</p>\n") { html = html.dropLast(5) }
        return String(html)
    }

    /// The text of `markdown` read as the inlines of one paragraph, without its syntax: code spans
    /// text, emphasis's words, a link's text (what a heading's title is made of).
    static func plainText(inline markdown: String) -> String {
        guard markdown.contains(where: { "`*_[]<&\\!".contains($0) }),
              let root = parse(inlineGuard + markdown, options: CMARK_OPT_DEFAULT) else { return markdown }
        defer { cmark_node_free(root) }
        let text = plainText(of: root)
        return text.hasPrefix(inlineGuard) ? String(text.dropFirst(inlineGuard.count)) : markdown
    }

    /// Whether a soft line break sits between two CJK characters (ideographs, kana, full-width punctuation).
    private static func isBetweenCJK(_ node: OpaquePointer) -> Bool {
        guard let previous = cmark_node_previous(node), let next = cmark_node_next(node),
              cmark_node_get_type(previous) == CMARK_NODE_TEXT, cmark_node_get_type(next) == CMARK_NODE_TEXT,
              let before = string(cmark_node_get_literal(previous)).unicodeScalars.last,
              let after = string(cmark_node_get_literal(next)).unicodeScalars.first else { return false }
        return isCJK(before) && isCJK(after)
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3000...0x303F, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF00...0xFFEF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }

    // MARK: - C plumbing

    private static func parse(_ markdown: String, options: Int32) -> OpaquePointer? {
        var text = markdown
        return text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parse_document(chars.baseAddress, chars.count, options)
            }
        }
    }

    /// Raw HTML tags that act on the page instead of showing in it, which the page's
    /// Content-Security-Policy cannot stop: `<meta>` (`http-equiv="refresh"` leaves the
    /// report for another address). As GFM's tag filter does for `<script>`, their `<`
    /// becomes `&lt;`, so the tag shows as text. (`<form>` and `<base>` are stopped by the
    /// policy's `form-action` and `base-uri`.)
    private static func filterTags(_ node: OpaquePointer) {
        let type = cmark_node_get_type(node)
        guard type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE,
              let literal = cmark_node_get_literal(node) else { return }
        let html = String(cString: literal)
        guard html.range(of: "<meta", options: .caseInsensitive) != nil else { return }
        let filtered = filteredTag.stringByReplacingMatches(in: html, range: NSRange(html.startIndex..., in: html), withTemplate: "&lt;$1")
        cmark_node_set_literal(node, filtered)
    }

    /// `<meta` followed by white space, `/` or `>` (not `<metadata>`), in any case.
    private static let filteredTag = try! NSRegularExpression(pattern: "<(meta)(?=[\\s/>]|$)", options: [.caseInsensitive])

    /// Calls `visit` on entering every node below and including `root`.
    private static func walk(_ root: OpaquePointer, _ visit: (OpaquePointer) -> Void) {
        guard let iterator = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) { visit(node) }
        }
    }

    private static func plainText(of node: OpaquePointer) -> String {
        var text = ""
        walk(node) { child in
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: text += string(cmark_node_get_literal(child))
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
            default: break
            }
        }
        return text
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
