import Foundation
import TeXMath

/// The whole course as one self-contained page (`nbrun build --single-file`, and what `--pdf`
/// prints): the title and the table of contents, then every page of the course in reading order,
/// each a `<section>` whose ids are scoped by `AnchorScope` so links between pages become links
/// inside the page, then the "Checked results". One stylesheet and one math font in the head, the
/// sidebar beside the text on a screen; no script, nothing fetched (the site pages' policy
/// without a script).
///
/// In print each page starts on a new sheet, the contents list the page number each chapter
/// starts on (when the printer found them), and every sheet has the course title and the
/// chapter as its running header and its number at the foot.
struct SingleFileCourse {
    /// One page of the course as the site shows it.
    struct Part {
        /// Its site path (`ch/alpha.html`).
        var path: String
        /// The title the sidebar shows ("2. Alpha").
        var title: String
        var body: String
        /// Its embedded images' rules (numbered per page, so scoped to its section).
        var imageCSS: String
    }

    static let file = "course.html"
    /// The section id of the generated title and contents.
    static let contentsID = "nb-contents"

    let title: String
    let authors: [String]
    let language: String
    let frame: SiteFrame
    let entries: [CourseManifest.Entry]
    /// The course's pages, in reading order.
    let parts: [Part]
    /// The generated pages after them (checked results, exercises), listed at the end of the contents.
    let appendices: [Part]
    let fontCSS: String

    /// The section id of each site path the one page holds.
    var sections: [String: String] {
        var sections = [SiteFrame.frontPage: Self.contentsID]
        for part in parts + appendices { sections[part.path] = AnchorScope.section(of: part.path) }
        return sections
    }

    /// The page; `pageNumbers` (section id → first printed page) fills the contents' page column.
    func html(pageNumbers: [String: Int] = [:]) -> String {
        let sections = self.sections
        let strings = SiteStrings(language: language)
        var css = SiteStyle.stylesheet(fontCSS: fontCSS) + "\n" + Self.css
        var allText = title
        let all = parts + appendices
        for (number, part) in all.enumerated() {
            allText += part.title + part.body
            for rule in part.imageCSS.split(separator: "\n") where !rule.isEmpty {
                css += "\n.nb-chapter[data-nb-part=\"\(number)\"] \(rule)"
            }
            css += "\n.nb-chapter[data-nb-part=\"\(number)\"] { page: part\(number); }"
            css += "\n@page part\(number) { @top-right { content: \(Self.cssString(part.title)); } }"
        }
        css += "\n@page { @top-left { content: \(Self.cssString(title)); } }"
        if let cjk = CJKFont.fontFaceCSS(forText: allText) { css = cjk + "\n" + css }

        var html = DocumentHead(language: language, policy: SiteFrame.policy(scriptHashes: []), version: frame.version,
                                title: title, css: css + "\n").html
        html += "<div class=\"nb-site\">\n"
        html += AnchorScope(path: SiteFrame.frontPage, sections: sections).scope(frame.sidebar(current: SiteFrame.frontPage, root: "", search: false))
        html += "<div class=\"nb-site-main\">\n"
        html += "<section class=\"nb-page nb-course-front\" id=\"\(Self.contentsID)\">\n<header class=\"nb-header\">\n<h1>\(HTML.escape(title))</h1>\n"
        if !authors.isEmpty { html += "<p class=\"nb-meta\">\(HTML.escape(authors.joined(separator: ", ")))</p>\n" }
        html += "</header>\n<nav class=\"nb-course-toc\" aria-label=\"\(strings.contents)\"><h2>\(strings.contents)</h2>\n"
        html += contents(entries, sections: sections, pageNumbers: pageNumbers)
        html += "<ol class=\"nb-course-toc-extra\">\n"
        for part in appendices {
            let id = AnchorScope.section(of: part.path)
            html += "<li><a href=\"#\(HTML.escape(id))\">\(HTML.escape(part.title))</a>\(pageNumber(id, pageNumbers))</li>\n"
        }
        html += "</ol>\n"
        html += "</nav>\n</section>\n"
        for (number, part) in all.enumerated() {
            let id = AnchorScope.section(of: part.path)
            html += "<section class=\"nb-page nb-chapter\" id=\"\(HTML.escape(id))\" data-nb-part=\"\(number)\">\n"
            html += AnchorScope(path: part.path, sections: sections).scope(part.body)
            html += "</section>\n"
        }
        html += "</div>\n</div>\n</body>\n</html>\n"
        return html
    }

    private func pageNumber(_ id: String, _ pageNumbers: [String: Int]) -> String {
        pageNumbers[id].map { "<span class=\"nb-toc-page\">\($0)</span>" } ?? ""
    }

    /// The table of contents, every entry a link to its section, with its printed page number when known.
    private func contents(_ entries: [CourseManifest.Entry], sections: [String: String], pageNumbers: [String: Int]) -> String {
        var html = "<ol>\n"
        for entry in entries {
            if let file = entry.file, let page = frame.pages[file], let id = sections[page.path] {
                html += "<li><a href=\"#\(HTML.escape(id))\">\(HTML.escape(page.title))</a>\(pageNumber(id, pageNumbers))"
            } else {
                html += "<li><strong>\(HTML.escape(entry.title ?? ""))</strong>"
            }
            if !entry.children.isEmpty { html += "\n" + contents(entry.children, sections: sections, pageNumbers: pageNumbers) }
            html += "</li>\n"
        }
        return html + "</ol>\n"
    }

    /// `text` as a CSS string.
    static func cssString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\": result += "\\" + String(scalar)
            case "\n", "\r", "\t", "<", ">": result += String(format: "\\%x ", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// The one page's own layout: chapters one under the other on a screen; in print, each on a
    /// new sheet, the contents with dotted leaders to page numbers, a header and a page number.
    static let css = """
    .nb-chapter { border-top: 1px solid var(--border); }
    .nb-course-toc ol { list-style: none; padding-left: 1.2rem; }
    .nb-course-toc > ol { padding-left: 0; }
    .nb-course-toc li { margin: .25rem 0; }
    .nb-course-toc a { display: inline; }
    .nb-toc-page { float: right; color: var(--muted); font-variant-numeric: tabular-nums; }
    @page { size: A4; margin: 20mm 18mm 20mm;
      @bottom-center { content: counter(page); font: 9pt system-ui, sans-serif; color: #555; }
      @top-left { font: 9pt system-ui, sans-serif; color: #555; }
      @top-right { font: 9pt system-ui, sans-serif; color: #555; } }
    @media print {
      .nb-chapter { break-before: page; border-top: 0; }
      .nb-site, .nb-site-main { display: block; }
      .nb-course-toc li { overflow: hidden; }
      .nb-toc-page { color: #000; }
      .nb-course-front .nb-header { margin-top: 30mm; }
    }
    """
}
