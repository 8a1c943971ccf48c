import Foundation

/// The HTML of cross-references, citations, footnote marks, roles, anchors and d2l tabs, and the
/// notes and reference list at the end of the page.
///
/// - `{ref}` and an empty `[](#label)` show the target's title (a figure or equation without one:
///   "Figure 3", "Equation 2"); `{numref}`, `{prf:ref}`, d2l `:numref:` and Quarto `@fig-x` show
///   "Figure 3" (or the explicit template: `%s` and `{number}` become the number, `{name}` the title).
/// - A reference to a label the page lacks shows its text in a `nb-ref-unknown` span (the warning
///   says where); nothing is shown as the literal role.
/// - Citations read author–year and link to their entry in the list at the end of the page.
struct ReferenceRenderer {
    let references: References
    let chinese: Bool

    /// Targets by their HTML id (`[](#eq-x)` may name the id rather than the label).
    private let byAnchor: [String: Target]
    /// The first reference to each footnote, which carries the id its ↩ link goes back to.
    private let firstFootnote: [String: Int]
    /// Years with a letter for cited works of the same authors and year ("2016a", "2016b"), by key.
    private let years: [String: String]

    init(references: References, language: String) {
        self.references = references
        chinese = language.lowercased().hasPrefix("zh")
        byAnchor = Dictionary(references.targets.targets.map { ($0.anchor, $0) }) { first, _ in first }
        var first: [String: Int] = [:]
        for (index, reference) in references.inline.enumerated() where reference.kind == .footnote && first[reference.target] == nil {
            first[reference.target] = index
        }
        firstFootnote = first
        years = Self.distinguishedYears(references)
    }

    /// "2016a", "2016b" for cited entries that would otherwise read the same, lettered in the order
    /// of the reference list.
    private static func distinguishedYears(_ references: References) -> [String: String] {
        guard let bibliography = references.bibliography else { return [:] }
        let entries = references.cited.compactMap { bibliography.entries[$0] }.sorted { Bibliography.sortKey($0) < Bibliography.sortKey($1) }
        let same = Dictionary(grouping: entries) { Bibliography.authorText($0) + "\u{0}" + $0.year }
        var years: [String: String] = [:]
        for group in same.values where group.count > 1 {
            for (offset, entry) in group.enumerated() {
                years[entry.key] = entry.year + String(UnicodeScalar(UInt8(97 + offset % 26)))
            }
        }
        return years
    }

    private func target(_ label: String) -> Target? {
        references.targets.target(label) ?? byAnchor[label]
    }

    private func link(_ target: Target, _ html: String, kind: String) -> String {
        "<a class=\"nb-ref nb-ref-\(kind)\" href=\"\(HTML.escape(target.href))\">\(html)</a>"
    }

    private func unknown(_ text: String, label: String) -> String {
        "<span class=\"nb-ref-unknown\" title=\"unknown label '\(HTML.escape(label))'\">\(HTML.escape(text))</span>"
    }

    /// The text a target is shown by when the reference gives none.
    private func defaultText(_ target: Target, numbered: Bool, linking: Bool, inlineHTML: (String) -> String) -> String {
        if numbered || target.title == nil, let name = target.numberedName {
            return HTML.escape(target.kind == .equation && !numbered ? "(\(target.number ?? ""))" : name)
        }
        guard let title = target.title else { return HTML.escape(target.label) }
        return linking ? inlineHTML(HTML.escape(title)) : HTML.escape(Placeholder.removingTokens(from: title))
    }

    /// `{numref}` templates: `%s` and `{number}` the number, `{name}` the title.
    private func numrefText(_ template: String, _ target: Target) -> String {
        let title = Placeholder.removingTokens(from: target.title ?? target.label)
        let text = template.replacingOccurrences(of: "%s", with: target.number ?? "?")
            .replacingOccurrences(of: "{number}", with: target.number ?? "?").replacingOccurrences(of: "{name}", with: title)
        return HTML.escape(text)
    }

    /// Inline reference `index`; `linking` false (in the table of contents, in a title) leaves out links.
    /// `inlineHTML` turns escaped text with placeholder tokens (a title) into HTML.
    func reference(_ index: Int, linking: Bool = true, inlineHTML: (String) -> String = { $0 }) -> String {
        guard index < references.inline.count else { return "" }
        let reference = references.inline[index]
        let html = body(reference, index: index, linking: linking, inlineHTML: inlineHTML)
        guard !linking, html.hasPrefix("<a ") || html.hasPrefix("<sup") else { return html }
        return HTML.escape(plainText(html))
    }

    private func body(_ reference: InlineReference, index: Int, linking: Bool, inlineHTML: (String) -> String) -> String {
        switch reference.kind {
        case .ref, .numref, .prfRef, .link:
            let label = reference.target
            let explicit: String? = if case .link(let text) = reference.kind { text.isEmpty ? nil : text } else { reference.text }
            guard let target = target(label) else {
                // A link with its own text keeps its address (it may name an id of the author's HTML).
                if case .link = reference.kind { return "<a href=\"#\(HTML.escape(label))\">\(HTML.escape(explicit ?? label))</a>" }
                return unknown(explicit ?? label, label: label)
            }
            let numbered = reference.kind == .numref || reference.kind == .prfRef
            let text: String
            if let explicit {
                text = reference.kind == .numref ? numrefText(explicit, target) : HTML.escape(explicit)
            } else {
                text = defaultText(target, numbered: numbered, linking: linking, inlineHTML: inlineHTML)
            }
            return link(target, text, kind: target.kind.rawValue)
        case .quarto(let bracketed):
            let (target, entries) = references.quartoNames(reference)
            if let target {
                let text = target.numberedName.map(HTML.escape) ?? defaultText(target, numbered: false, linking: linking, inlineHTML: inlineHTML)
                return link(target, text, kind: target.kind.rawValue)
            }
            if !entries.isEmpty { return citation(entries.map(\.key), style: bracketed ? .parenthetical : .textual) }
            if let quarto = ReferenceResolver.quartoKind(reference.target), !bracketed {
                return unknown(quarto.name + " ??", label: reference.target)
            }
            return HTML.escape(reference.source)
        case .cite(let style):
            return citation(reference.keys, style: style)
        case .footnote:
            guard let number = references.footnoteNumbers[reference.target] else {
                return "<sup class=\"nb-ref-unknown\" title=\"undefined footnote\">[\(HTML.escape(reference.target))]</sup>"
            }
            let id = firstFootnote[reference.target] == index ? " id=\"fnref-\(HTML.escape(reference.target))\"" : ""
            return "<sup class=\"nb-fnref\"\(id)><a href=\"#fn-\(HTML.escape(reference.target))\">\(number)</a></sup>"
        case .doc, .download:
            guard let file = references.files[index] else {
                return "<span class=\"nb-ref-unknown\">\(HTML.escape(reference.text ?? reference.target))</span>"
            }
            let download = reference.kind == .download ? " download=\"\(HTML.escape(file.title))\"" : ""
            return "<a class=\"nb-ref nb-ref-\(reference.kind == .doc ? "doc" : "download")\" href=\"\(HTML.escape(file.href))\"\(download)>"
                + HTML.escape(reference.text ?? file.title) + "</a>"
        case .term:
            let text = HTML.escape(reference.text ?? reference.target)
            return references.term(reference.target).map { "<a class=\"nb-ref nb-ref-term\" href=\"#\(HTML.escape($0.anchor))\">\(text)</a>" }
                ?? "<span class=\"nb-term\">\(text)</span>"
        case .element("abbr"):
            let content = reference.text.map { "\($0) <\(reference.target)>" } ?? reference.target
            guard content.hasSuffix(")"), let open = content.lastIndex(of: "("), open > content.startIndex else {
                return "<abbr>\(HTML.escape(content))</abbr>"
            }
            let short = content[..<open].trimmingCharacters(in: .whitespaces)
            let long = content[content.index(after: open)..<content.index(before: content.endIndex)]
            return "<abbr title=\"\(HTML.escape(String(long)))\">\(HTML.escape(short))</abbr>"
        case .element(let name):
            return "<\(name)>\(HTML.escape(reference.text.map { "\($0) <\(reference.target)>" } ?? reference.target))</\(name)>"
        case .code:
            return "<code>\(HTML.escape(reference.target))</code>"
        case .plain:
            return HTML.escape(reference.text ?? reference.target)
        case .anchor, .hidden:
            return ""
        }
    }

    /// "(Goodfellow et al., 2016; Smith, 2020)" or "Goodfellow et al. (2016)", each linked to its entry.
    /// Works of the same authors cited one after the other share their names, as natbib writes them:
    /// "(Smith, 2019, 2020)", "Smith (2019, 2020)".
    private func citation(_ keys: [String], style: CitationStyle) -> String {
        let full = style == .textualFull || style == .parentheticalFull
        let textual = style == .textual || style == .textualFull
        var groups: [(authors: String?, keys: [String])] = []
        for key in keys {
            let authors = references.bibliography?.entries[key].map { Bibliography.authorText($0, full: full) }
            if let authors, let last = groups.last, last.authors == authors {
                groups[groups.count - 1].keys.append(key)
            } else {
                groups.append((authors, [key]))
            }
        }
        let parts = groups.map { group -> String in
            guard let authors = group.authors else {
                let key = group.keys[0]
                return "<span class=\"nb-ref-unknown\" title=\"unknown citation key '\(HTML.escape(key))'\">\(HTML.escape(key))?</span>"
            }
            func year(_ key: String) -> String { years[key] ?? references.bibliography?.entries[key]?.year ?? "" }
            func link(_ key: String, _ text: String) -> String { "<a class=\"nb-cite\" href=\"#cite-\(HTML.escape(key))\">\(HTML.escape(text))</a>" }
            guard group.keys.count > 1 else {
                let key = group.keys[0]
                return link(key, textual ? "\(authors) (\(year(key)))" : "\(authors), \(year(key))")
            }
            let yearLinks = group.keys.map { link($0, year($0)) }.joined(separator: ", ")
            return HTML.escape(authors) + (textual ? " (\(yearLinks))" : ", " + yearLinks)
        }
        let joined = parts.joined(separator: "; ")
        return textual ? joined : "(\(joined))"
    }

    /// Glossary term `index` as a `<dt>`, closing the definition before it and opening its own.
    func glossaryTerm(_ index: Int) -> String {
        guard index < references.glossary.count else { return "" }
        let term = references.glossary[index]
        return (term.closesDefinition ? "</dd>\n" : "") + "<dt id=\"\(HTML.escape(term.anchor))\">\(HTML.escape(term.text))</dt>"
            + (term.opensDefinition ? "\n<dd>" : "")
    }

    /// Anchor `index`: an empty element with its id, or for a captioned figure "Figure 3: caption".
    func anchor(_ index: Int, inlineHTML: (String) -> String = { $0 }) -> String {
        guard index < references.anchors.count else { return "" }
        let anchor = references.anchors[index]
        guard !anchor.namesLabelledBlock else { return "" }
        let id = HTML.escape(target(anchor.label)?.anchor ?? anchor.label)
        guard anchor.showsCaption, let target = target(anchor.label), let name = target.numberedName else {
            return "<span class=\"nb-target\" id=\"\(id)\"></span>"
        }
        let caption = target.title.map { ": " + inlineHTML(HTML.escape($0)) } ?? ""
        return "<span class=\"nb-caption\" id=\"\(id)\"><span class=\"nb-caption-number\">\(HTML.escape(name))</span>\(caption)</span>"
    }

    /// d2l tab `index`: an opening (titled with its frameworks) or a closing. A tab opened and not
    /// closed before the next opens, or a closing without an opening, shows only its title.
    func tab(_ index: Int) -> String {
        let tabs = references.tabs
        guard index < tabs.count else { return "" }
        guard let name = tabs[index].name else {
            let open = tabs[..<index].last { _ in true }
            return open?.name != nil ? "</div>" : ""
        }
        let title = name.split(separator: ",").map { Self.frameworkName($0.trimmingCharacters(in: .whitespaces)) }.joined(separator: " · ")
        let closed = index + 1 < tabs.count && tabs[index + 1].name == nil
        let heading = "<p class=\"nb-tab-title\">\(HTML.escape(title))</p>"
        return closed ? "<div class=\"nb-tab\" data-tab=\"\(HTML.escape(name))\">\n\(heading)" : heading
    }

    static func frameworkName(_ name: String) -> String {
        switch name.lowercased() {
        case "pytorch": "PyTorch"
        case "mxnet": "MXNet"
        case "tensorflow": "TensorFlow"
        case "jax": "JAX"
        case "paddle": "PaddlePaddle"
        case "all": "All frameworks"
        default: name
        }
    }

    /// The footnotes and (unless a `{bibliography}` placed it) the reference list, after the prose
    /// ("" when the page has neither); `noteHTML` renders a footnote's Markdown.
    func endMatter(listsReferences: Bool = true, noteHTML: (String) -> String) -> String {
        var html = ""
        let numbered = references.footnoteNumbers.sorted { $0.value < $1.value }
        if !numbered.isEmpty {
            html += "<section class=\"nb-footnotes\" aria-label=\"\(chinese ? "脚注" : "Footnotes")\">\n<hr>\n<ol>\n"
            for (name, _) in numbered {
                guard let definition = references.footnotes.first(where: { $0.name == name }) else { continue }
                var note = noteHTML(definition.text).trimmingCharacters(in: .whitespacesAndNewlines)
                let back = " <a class=\"nb-fnback\" href=\"#fnref-\(HTML.escape(name))\" aria-label=\"back\">↩</a>"
                if note.hasSuffix("</p>") { note.insert(contentsOf: back, at: note.index(note.endIndex, offsetBy: -4)) } else { note += back }
                html += "<li id=\"fn-\(HTML.escape(name))\">\(note)</li>\n"
            }
            html += "</ol>\n</section>\n"
        }
        if listsReferences { html += referenceList() }
        return html
    }

    /// The entries cited, sorted by author and year ("" when nothing is cited).
    func referenceList() -> String {
        guard let bibliography = references.bibliography, !references.cited.isEmpty else { return "" }
        let entries = references.cited.compactMap { bibliography.entries[$0] }.sorted { Bibliography.sortKey($0) < Bibliography.sortKey($1) }
        var html = "<section class=\"nb-references\" id=\"nb-references\">\n<h2>\(chinese ? "参考文献" : "References")</h2>\n<ol class=\"nb-bibliography\">\n"
        for entry in entries {
            html += "<li id=\"cite-\(HTML.escape(entry.key))\">\(Bibliography.referenceHTML(entry, year: years[entry.key]))</li>\n"
        }
        return html + "</ol>\n</section>\n"
    }

    /// The text of a small piece of HTML (tags dropped, entities read).
    private func plainText(_ html: String) -> String {
        var text = "", inTag = false
        for character in html {
            if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { text.append(character) }
        }
        return HTML.unescape(text)
    }
}
