import Foundation

/// What every page of a course site has around its content: the head (one shared stylesheet,
/// a policy that fetches nothing from elsewhere), the sidebar with the table of contents (the
/// current page marked, parts folded in `<details>`), a search form, and previous/next links.
///
/// Every link is relative, so the site works from `file://` and under any path of a server;
/// nothing needs JavaScript (the search form opens the search page with `?q=`).
struct SiteFrame {
    /// The site's pages in reading order: output path and title as the sidebar shows it.
    struct Entry { var path: String; var title: String }

    let title: String
    let language: String
    let entries: [CourseManifest.Entry]
    /// By source file: the output path and the title shown.
    let pages: [String: Entry]
    /// Reading order, output paths (the front page first).
    let order: [String]
    let titles: [String: String]
    let version: String
    /// Whether the course has exercises (the sidebar links their list).
    var hasExercises = false

    static let stylesheet = "site.css"
    static let searchPage = "search.html"
    static let checkedPage = "checked-results.html"
    static let exercisesPage = "exercises.html"
    static let frontPage = "index.html"

    /// The policy of every page: the site's own stylesheet and inline styles, data: images and
    /// fonts, forms only to the site; scripts only those whose hashes are given.
    static func policy(scriptHashes: [String]) -> String {
        let scripts = scriptHashes.isEmpty ? "" : "; script-src " + scriptHashes.map { "'sha256-\($0)'" }.joined(separator: " ")
        return "default-src 'none'; img-src data:; style-src 'self' 'unsafe-inline'; font-src data:; form-action 'self'; base-uri 'none'" + scripts
    }

    /// The whole page at `path` (relative to the site's root).
    func page(at path: String, title pageTitle: String, language: String? = nil, body: String, pageCSS: String = "",
              script: String? = nil) -> String {
        let root = CourseTargets.relative(from: path, to: "")
        let hashes = script.map { [SiteSearch.hash($0)] } ?? []
        var html = DocumentHead(language: language ?? self.language, policy: Self.policy(scriptHashes: hashes), version: version,
                                title: pageTitle == title ? title : pageTitle + " · " + title,
                                stylesheetLinks: [root + Self.stylesheet], css: pageCSS).html
        html += "<div class=\"nb-site\">\n"
        html += sidebar(current: path, root: root)
        html += "<div class=\"nb-site-main\">\n<div class=\"nb-page\">\n\(body)</div>\n"
        html += pager(current: path, root: root)
        html += "</div>\n</div>\n"
        if let script { html += "<script>\(script)</script>\n" }
        return html + "</body>\n</html>\n"
    }

    /// The sidebar of the page at `current`; `search`: with the search form (a site page).
    func sidebar(current: String, root: String, search: Bool = true) -> String {
        var html = "<nav class=\"nb-sidebar\" aria-label=\"\(HTML.escape(strings.contents))\">\n"
        html += "<p class=\"nb-site-title\"><a href=\"\(root)\(Self.frontPage)\"\(current == Self.frontPage ? " aria-current=\"page\"" : "")>\(HTML.escape(title))</a></p>\n"
        if search {
            html += "<form class=\"nb-search\" action=\"\(root)\(Self.searchPage)\" role=\"search\">"
            html += "<input type=\"search\" name=\"q\" placeholder=\"\(strings.search)\" aria-label=\"\(strings.searchCourse)\">"
            html += "<button type=\"submit\">\(strings.search)</button></form>\n"
        }
        html += list(entries, current: current, root: root)
        html += "<p class=\"nb-site-links\"><a href=\"\(root)\(Self.checkedPage)\"\(current == Self.checkedPage ? " aria-current=\"page\"" : "")>\(strings.checkedResults)</a>"
        if hasExercises {
            html += "<br><a href=\"\(root)\(Self.exercisesPage)\"\(current == Self.exercisesPage ? " aria-current=\"page\"" : "")>\(strings.exercises)</a>"
        }
        html += "</p>\n"
        return html + "</nav>\n"
    }

    /// Whether `entries` hold the page at `path`.
    private func contains(_ entries: [CourseManifest.Entry], _ path: String) -> Bool {
        entries.contains { entry in entry.file.flatMap { pages[$0]?.path } == path || contains(entry.children, path) }
    }

    private func list(_ entries: [CourseManifest.Entry], current: String, root: String) -> String {
        var html = "<ol>\n"
        for entry in entries {
            guard let file = entry.file, let page = pages[file] else {
                let open = current == Self.frontPage || contains(entry.children, current) ? " open" : ""
                html += "<li><details\(open)><summary>\(HTML.escape(entry.title ?? ""))</summary>\n"
                html += list(entry.children, current: current, root: root) + "</details></li>\n"
                continue
            }
            let mark = page.path == current ? " aria-current=\"page\"" : ""
            html += "<li><a href=\"\(root)\(HTML.escape(page.path))\"\(mark)>\(HTML.escape(page.title))</a>"
            if !entry.children.isEmpty { html += "\n" + list(entry.children, current: current, root: root) }
            html += "</li>\n"
        }
        return html + "</ol>\n"
    }

    private func pager(current: String, root: String) -> String {
        guard let index = order.firstIndex(of: current) else { return "" }
        var html = "<nav class=\"nb-pager\" aria-label=\"\(strings.pages)\">\n"
        if index > 0 {
            let previous = order[index - 1]
            html += "<a rel=\"prev\" href=\"\(root)\(HTML.escape(previous))\"><small>← \(strings.previous)</small>\(HTML.escape(titles[previous] ?? previous))</a>\n"
        }
        if index + 1 < order.count {
            let next = order[index + 1]
            html += "<a rel=\"next\" href=\"\(root)\(HTML.escape(next))\"><small>\(strings.next) →</small>\(HTML.escape(titles[next] ?? next))</a>\n"
        }
        return html + "</nav>\n"
    }

    var strings: SiteStrings { SiteStrings(language: language) }
}

/// The site's own words, in English or Chinese (the course's language).
struct SiteStrings {
    let chinese: Bool
    init(language: String) { chinese = language.lowercased().hasPrefix("zh") }
    var contents: String { chinese ? "目录" : "Contents" }
    var search: String { chinese ? "搜索" : "Search" }
    var searchCourse: String { chinese ? "搜索本课程" : "Search the course" }
    var checkedResults: String { chinese ? "已检验的结果" : "Checked results" }
    var previous: String { chinese ? "上一页" : "Previous" }
    var next: String { chinese ? "下一页" : "Next" }
    var pages: String { chinese ? "翻页" : "Pages" }
    var start: String { chinese ? "开始阅读" : "Start reading" }
    var exercises: String { chinese ? "练习" : "Exercises" }
    var withSolution: String { chinese ? "附解答" : "with a solution" }
    var noExercises: String { chinese ? "本课程没有练习。" : "The course has no exercises." }
    func exercise(_ number: String?) -> String {
        let n = number ?? ""
        return (chinese ? "练习 \(n)" : "Exercise \(n)").trimmingCharacters(in: .whitespaces)
    }
}
