/// The opening and closing HTML of prose-level blocks; cmark renders what lies between, so a
/// block's content is ordinary prose, math and cells.
///
/// An exercise is a `<section>` headed "Exercise 1"; a solution a `<details>` (collapsed, no
/// script needed) headed "Solution to Exercise 1"; an admonition an `<aside>` with its kind's
/// colour and title ("Note", or the title the author gave), a `<details>` when it is a
/// dropdown; a figure a `<figure>` with its image embedded and "Figure N" before the caption;
/// a theorem a box titled "Theorem N (title)"; an unknown directive a box titled with its name.
struct ProseBlockRenderer {
    let blocks: [ProseBlock]
    let chinese: Bool
    /// What each image source shows as (a data URI, or HTML in its place).
    let images: [String: ProseImage.Content]

    init(blocks: [ProseBlock], language: String, images: [ProseImage] = []) {
        self.blocks = blocks
        chinese = language.lowercased().hasPrefix("zh")
        var contents: [String: ProseImage.Content] = [:]
        for image in images { if let content = image.content, contents[image.source] == nil { contents[image.source] = content } }
        self.images = contents
    }

    /// The HTML id of an exercise: `ex-` and its label, or `exercise-N`.
    static func anchor(_ block: ProseBlock) -> String {
        block.label.map { "ex-" + $0 } ?? "exercise-\(block.number ?? 0)"
    }

    /// The opening (or closing) HTML of block `index`; `title` is the HTML of the title the author
    /// gave (`ProseBlock.title`, inline Markdown rendered with the page's tokens), if any.
    func html(_ index: Int, opening: Bool, title: String?) -> String {
        let block = blocks[index]
        let id = block.label.map { " id=\"\(HTML.escape($0))\"" } ?? ""
        switch block.kind {
        case .exercise:
            guard block.options["hidden"] == nil else { return "" }
            guard opening else { return "</section>" }
            let subtitle = title.map { " <span class=\"nb-block-subtitle\">\($0)</span>" } ?? ""
            let anchor = HTML.escape(Self.anchor(block))
            return "<section class=\"nb-exercise\" id=\"\(anchor)\">\n<p class=\"nb-block-title\"><a href=\"#\(anchor)\">\(exercise(block.shownNumber))</a>\(subtitle)</p>"
        case .solution:
            guard opening else { return "</details>" }
            let name = block.shownNumber.map { chinese ? "练习 \($0) 的解答" : "Solution to Exercise \($0)" } ?? (chinese ? "解答" : "Solution")
            return "<details class=\"nb-solution\"\(id)>\n<summary>\(HTML.escape(name))</summary>"
        case .admonition, .dropdown:
            let colour = Self.colour(of: block.name)
            let heading = title ?? HTML.escape(defaultTitle(block.name))
            if block.isCollapsed {
                guard opening else { return "</details>" }
                let open = block.options["open"] != nil || block.classes.contains("open") ? " open" : ""
                return "<details class=\"nb-admonition nb-\(colour) nb-dropdown\"\(id)\(open)>\n<summary class=\"nb-block-title\">\(heading.isEmpty ? "Details" : heading)</summary>"
            }
            guard opening else { return "</aside>" }
            return "<aside class=\"nb-admonition nb-\(colour)\"\(id)>" + titleParagraph(heading)
        case .glossary where block.termCount > 0:
            guard opening else { return "</dd>\n</dl>\n</section>" }
            return "<section class=\"nb-glossary\"\(id)>\(titleParagraph(title ?? ""))\n<dl>"
        case .card, .tab, .glossary, .unknown:
            guard opening else { return "</section>" }
            let heading: String
            switch block.kind {
            case .glossary: heading = title ?? "Glossary"
            case .unknown: heading = HTML.escape("{\(block.name)}") + (title.map { " " + $0 } ?? "")
            default: heading = title ?? ""
            }
            return "<section class=\"nb-box nb-\(block.kind.rawValue)\"\(id)>" + titleParagraph(heading)
        case .aside:
            guard opening else { return "</aside>" }
            return "<aside class=\"nb-aside\"\(id)>" + titleParagraph(title ?? "")
        case .epigraph:
            return opening ? "<blockquote class=\"nb-epigraph\"\(id)>" : "</blockquote>"
        case .group:
            return opening ? "<div class=\"nb-group\"\(id)>" : "</div>"
        case .theorem:
            guard opening else { return "</section>" }
            let kind = block.name.split(separator: ":").last.map(String.init) ?? block.name
            var name = kind.prefix(1).uppercased() + kind.dropFirst()
            if kind == "proof" { name += "." } else if let number = block.shownNumber { name += " \(number)" }
            let subtitle = title.map { " <span class=\"nb-block-subtitle\">(\($0))</span>" } ?? ""
            return "<section class=\"nb-theorem nb-\(HTML.escape(kind))\"\(id)>\n<p class=\"nb-block-title\">\(HTML.escape(name))\(subtitle)</p>"
        case .table:
            guard opening else { return "</figure>" }
            let number = block.shownNumber.map { "<span class=\"nb-table-number\">\(chinese ? "表" : "Table") \($0)</span>" }
            let caption = [number, title].compactMap { $0 }.joined(separator: " ")
            return "<figure class=\"nb-table-block\"\(id)>" + (caption.isEmpty ? "" : "\n<figcaption>\(caption)</figcaption>")
        case .figure, .image:
            guard opening else { return block.kind == .figure ? "</figcaption></figure>" : "</figure>" }
            let align = block.options["align"].flatMap { ["left", "center", "right"].contains($0) ? " nb-align-\($0)" : nil } ?? ""
            var html = "<figure class=\"nb-figure\(align)\"\(id)>\n" + image(block)
            if block.kind == .figure {
                let label = block.shownNumber.map { chinese ? "图 \($0)" : "Figure \($0)" } ?? ""
                html += "\n<figcaption>" + (label.isEmpty ? "" : "<span class=\"nb-figure-number\">\(label)</span> ")
            }
            return html
        }
    }

    /// A block's title line, or nothing when the title is empty.
    private func titleParagraph(_ html: String) -> String {
        html.isEmpty ? "" : "\n<p class=\"nb-block-title\">\(html)</p>"
    }

    /// The `<img>` of a figure or image: its file embedded, or the error in its place.
    private func image(_ block: ProseBlock) -> String {
        guard let path = block.argument else { return "" }
        let alt = HTML.escape(block.options["alt"] ?? "")
        var style = ""
        for key in ["width", "height"] {
            if let value = block.options[key], value.allSatisfy({ $0.isNumber || $0 == "." || $0 == "%" || $0.isLetter }) {
                style += "\(key): \(value.allSatisfy { $0.isNumber || $0 == "." } ? value + "px" : value); "
            }
        }
        let styleAttribute = style.isEmpty ? "" : " style=\"\(style.trimmingCharacters(in: .whitespaces))\""
        switch images[path] {
        case .embedded(let dataURI)?:
            return "<img src=\"\(HTML.escape(dataURI))\" alt=\"\(alt)\"\(styleAttribute)>"
        case .failed(let diagnostic)?:
            return "<span class=\"nb-inline-error\" role=\"alert\" title=\"\(HTML.escape(diagnostic.description))\">⚠ \(HTML.escape(diagnostic.headline))</span>"
        case .remote(allowed: false)?:
            return "<a class=\"nb-image-remote\" href=\"\(HTML.escape(path))\">⚠ \(HTML.escape(path))</a>"
        case .remote(allowed: true)?, nil:
            return "<img src=\"\(HTML.escape(path))\" alt=\"\(alt)\"\(styleAttribute)>"
        }
    }

    /// The colour family of an admonition: note, tip, warning, caution or important.
    static func colour(of name: String) -> String {
        switch name.hasPrefix("callout-") ? String(name.dropFirst(8)) : name {
        case "tip", "hint": "tip"
        case "warning", "attention": "warning"
        case "caution", "danger", "error": "caution"
        case "important": "important"
        default: "note"
        }
    }

    private func exercise(_ number: String?) -> String {
        let n = number ?? ""
        return (chinese ? "练习 \(n)" : "Exercise \(n)").trimmingTrailingWhitespace()
    }

    private func defaultTitle(_ name: String) -> String {
        if chinese {
            switch name {
            case "note": return "注意"
            case "tip": return "提示"
            case "warning": return "警告"
            case "important": return "重要"
            default: break
            }
        }
        let kind = name.hasPrefix("callout-") ? String(name.dropFirst(8)) : name
        if let title = Compatibility.admonitions.first(where: { $0.name == kind })?.title { return title }
        return kind == "dropdown" ? "" : kind.prefix(1).uppercased() + kind.dropFirst()
    }
}
