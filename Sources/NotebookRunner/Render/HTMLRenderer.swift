import Foundation
import TeXMath

/// Renders a run into one self-contained HTML page: header, table of contents,
/// prose with math, and every cell with its outputs. The page loads nothing: a
/// Content-Security-Policy forbids any fetch, images are data URIs, CSS is inline
/// (`allowsRemoteImages` lets it fetch https images, and only those).
public struct HTMLRenderer: Sendable {
    /// Leave out times and anything else that changes between identical runs.
    public var reproducible: Bool
    public var version: String
    /// Embed the math font, and on pages with CJK text a CJK font, each cut to the glyphs used, so
    /// formulas look like TeX and Chinese reads on machines without those fonts.
    public var embedsFonts: Bool
    /// Keep the prose's https images and let the page fetch them (`--allow-remote-images`).
    public var allowsRemoteImages: Bool

    public init(reproducible: Bool = false, version: String = NBRun.version, embedsFonts: Bool = true,
                allowsRemoteImages: Bool = false) {
        self.reproducible = reproducible
        self.version = version
        self.embedsFonts = embedsFonts
        self.allowsRemoteImages = allowsRemoteImages
    }

    /// The page, and the warnings rendering produced (e.g. unknown TeX commands).
    public func render(_ run: RunResult) -> (html: String, warnings: [Diagnostic]) {
        let page = renderWeighed(run)
        return (page.html, page.warnings)
    }

    /// The page, the warnings rendering produced, and what the page and each cell's outputs weigh.
    public func renderWeighed(_ run: RunResult) -> (html: String, warnings: [Diagnostic], weight: PageWeight) {
        let content = content(run)
        var fonts = content.math.isEmpty ? "" : MathRenderer.fontCSS(forMath: content.math, embed: embedsFonts)
        if embedsFonts, let cjk = CJKFont.fontFaceCSS(forText: run.notebook.title + content.body) { fonts += cjk + "\n" }
        let page = shell(language: content.language, title: content.title, extraCSS: fonts + content.imageCSS, body: content.body)
        return (page, content.warnings, PageWeight(reportBytes: page.utf8.count, cellBytes: content.cellBytes))
    }

    /// What a page shows, before it is put in a frame: the report's own (`renderWeighed`) or a
    /// course site's page (`nbrun build`), which shares one stylesheet and one math font.
    public struct PageContent: Sendable {
        public var title: String
        public var language: String
        /// The header, the page's table of contents, the prose with its cells, the footer.
        public var body: String
        /// Every MathML element typeset, which the math font must cover.
        public var math: String
        /// The rules that embed the page's images (once each).
        public var imageCSS: String
        public var warnings: [Diagnostic]
        /// The HTML of each cell's outputs, in bytes.
        public var cellBytes: [Int]
    }

    /// The page's content, its warnings and the glyphs its math uses.
    public func content(_ run: RunResult) -> PageContent {
        let notebook = run.notebook
        var math = MathRenderer(macros: notebook.frontMatter.mathMacros)
        let language = notebook.frontMatter.language ?? "en"
        let strings = ReportStrings(language: language)
        let cells = CellRenderer(reproducible: reproducible, strings: strings)
        let checks = EquationChecks(run)
        let equations = EquationRenderer(notebook: notebook, checks: checks, strings: strings)
        let blocks = ProseBlockRenderer(blocks: notebook.blocks, language: language, images: notebook.images)
        // Cells first, with math of their own (a {derive} chain); the font covers both.
        var cellMath = MathRenderer(macros: notebook.frontMatter.mathMacros)
        let cellHTML = run.cells.map { cells.render($0, math: &cellMath) }
        var codeOutputHTML: [Int: String] = [:]
        for (index, code) in run.codeRuns {
            codeOutputHTML[index] = cells.render(code, of: notebook.codeCells[index], math: &cellMath)
        }
        let prose = ProseRenderer.render(notebook, math: &math, equations: equations, strings: strings, cellHTML: { index in
            index < cellHTML.count ? cellHTML[index] : ""
        }, roleHTML: { index in
            switch run.inlineValues[index] {
            case .value(let text): return "<span class=\"nb-inline-value\">\(HTML.escape(text))</span>"
            case .error(let diagnostic):
                return "<span class=\"nb-inline-error\" title=\"\(HTML.escape(diagnostic.description))\">⚠ \(HTML.escape(diagnostic.headline))</span>"
            case nil:
                return "<code class=\"nb-inline-pending\">\(HTML.escape(notebook.roles[index].expression))</code>"
            }
        }, blockHTML: blocks.html, codeOutputHTML: { codeOutputHTML[$0] ?? "" })

        var body = header(run, equations: checks, strings: strings)
        body += tableOfContents(prose.headings, title: strings.contents)
        body += "<main>\n\(prose.html)\n</main>\n"
        body += "<footer class=\"nb-footer\">\(HTML.escape(strings.renderedBy(version, notebook.file)))</footer>\n"
        math.append(cellMath)
        return PageContent(title: notebook.title, language: language, body: body, math: math.renderedMath, imageCSS: prose.imageCSS,
                           warnings: math.warnings, cellBytes: cellHTML.map(\.utf8.count))
    }

    /// The page around `body`: head with the inline stylesheet and a policy that forbids every
    /// fetch (but of https images, when `allowsRemoteImages`).
    private func shell(language: String, title: String, extraCSS: String, body: String) -> String {
        let images = allowsRemoteImages ? "data: https:" : "data:"
        let head = DocumentHead(
            language: language,
            policy: "default-src 'none'; img-src \(images); style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'",
            version: version, title: title,
            css: [ReportStyle.css, ReportStyle.teachingCSS, ReportStyle.referencesCSS, ReportStyle.blocksCSS, extraCSS].joined(separator: "\n"))
        return head.html + """
        <div class="nb-page">
        \(body)</div>
        </body>
        </html>

        """
    }

    private func header(_ run: RunResult, equations: EquationChecks, strings: ReportStrings) -> String {
        let matter = run.notebook.frontMatter
        var html = "<header class=\"nb-header\">\n<h1>\(HTML.escape(run.notebook.title))</h1>\n"
        let meta = [matter.authors.joined(separator: ", "), matter.date ?? ""].filter { !$0.isEmpty }
        if !meta.isEmpty { html += "<p class=\"nb-meta\">\(meta.map(HTML.escape).joined(separator: " · "))</p>\n" }
        if !matter.tags.isEmpty {
            html += "<ul class=\"nb-tags\">" + matter.tags.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>\n"
        }
        let counts = Dictionary(grouping: run.cells, by: \.status).mapValues(\.count)
        var summary = [strings.cellCount(run.cells.count)]
        for status in [CellStatus.ok, .cached, .skipped] where counts[status, default: 0] > 0 {
            summary.append(strings.statusCount(counts[status]!, status))
        }
        if let failed = counts[.error] { summary.append("<span class=\"nb-failed\">\(strings.statusCount(failed, .error))</span>") }
        if !reproducible { summary.append(CellRenderer.duration(run.seconds)) }
        html += "<p class=\"nb-summary\">\(summary.joined(separator: " · "))</p>\n"
        // Problems of the page's structure (an unclosed block, a gated block without its end, an
        // {include} that cannot be read), which have no cell to show them: listed once, here.
        let structural = run.notebook.errors.filter { error in
            !run.notebook.images.contains { $0.location == error.location } && !run.notebook.codeCells.contains { $0.error == error }
                && !error.message.contains("equation label")
        }
        if !structural.isEmpty {
            html += "<pre class=\"nb-error\" role=\"alert\">\(HTML.escape(structural.map(\.description).joined(separator: "\n")))</pre>\n"
        }
        let notRun = run.notebook.codeCells.indices.filter { run.codeRuns[$0] == nil && run.notebook.codeCells[$0].error == nil }
        if let code = CodeCell.summary(notRun.map { run.notebook.codeCells[$0] }) {
            html += "<p class=\"nb-summary nb-code-summary\">\(HTML.escape(code.message))</p>\n"
        }
        if let line = equations.summary(strings) {
            let failed = equations.failedCount > 0 ? " nb-failed" : ""
            html += "<p class=\"nb-summary nb-equation-summary\(failed)\">\(HTML.escape(line))</p>\n"
        }
        if !run.parameters.isEmpty {
            let items = run.parameters.map { "<code>\(HTML.escape($0.key))=\(HTML.escape($0.value))</code>" }
            html += "<p class=\"nb-params\">\(strings.parameters)\(items.joined(separator: " "))</p>\n"
        }
        return html + "</header>\n"
    }

    /// Level-2 headings numbered, each with its level-3 headings nested under it.
    private func tableOfContents(_ headings: [(level: Int, html: String, anchor: String)], title: String) -> String {
        let entries = headings.filter { $0.level == 2 || $0.level == 3 }
        guard entries.count >= 2 else { return "" }
        var html = "<nav class=\"nb-toc\" aria-label=\"\(title)\"><strong>\(title)</strong>\n<ol>\n"
        var inSection = false, inSubsection = false
        for entry in entries {
            let link = "<a href=\"#\(entry.anchor)\">\(entry.html)</a>"
            if entry.level == 2 || !inSection {
                if inSubsection { html += "</ol>"; inSubsection = false }
                if inSection { html += "</li>\n" }
                html += "<li>\(link)"
                inSection = true
            } else {
                if !inSubsection { html += "\n<ol>"; inSubsection = true }
                html += "<li>\(link)</li>"
            }
        }
        if inSubsection { html += "</ol>" }
        return html + "</li>\n</ol></nav>\n"
    }
}

extension HTMLRenderer {
    /// The page written when a notebook does not run (it cannot be read or parsed, or the
    /// command line does not fit it): the error, and nothing lost.
    public func renderFailure(file: String, diagnostic: Diagnostic, stop: StopReason = .notebookInvalid) -> String {
        let summary = stop == .usageError ? "The command line does not fit this notebook; nothing ran." : "The notebook could not be read."
        return shell(language: "en", title: "\(file): error", extraCSS: "", body: """
            <header class="nb-header"><h1>\(HTML.escape(file))</h1><p class="nb-summary"><span class="nb-failed">\(summary)</span></p></header>
            <pre class="nb-error" role="alert">\(HTML.escape(diagnostic.description))</pre>

            """)
    }
}
