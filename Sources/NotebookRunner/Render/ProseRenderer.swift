import Foundation

/// Renders the notebook's prose with cmark and puts back what the parser set aside as
/// `Placeholder` tokens: cells, math, inline values, equation references and the fences of
/// exercises and admonitions.
struct ProseRenderer {
    struct Output {
        var html: String
        var headings: [(level: Int, html: String, anchor: String)]
        /// The stylesheet rules that show the embedded images, one per distinct image.
        var imageCSS: String
        /// The number the next embedded image may take (after those of this prose and its includes).
        var nextImageNumber = 0
    }

    /// `cellHTML(i)` renders cell `i` (0-based); `roleHTML(i)` inline role `i`; `blockHTML(i, opening,
    /// titleHTML)` the fence of prose block `i` with its title's HTML; `codeOutputHTML(i)`
    /// what a kernel showed for code cell `i`. Embedded images are numbered from `firstImageNumber`.
    static func render(_ notebook: Notebook, math: inout MathRenderer, equations: EquationRenderer, strings: ReportStrings = ReportStrings(language: "en"),
                       cellHTML: (Int) -> String, roleHTML: (Int) -> String,
                       blockHTML: (Int, _ opening: Bool, _ titleHTML: String?) -> String,
                       codeOutputHTML: (Int) -> String = { _ in "" }, firstImageNumber: Int = 0) -> Output {
        let rewrites = imageRewrites(notebook.images, widths: notebook.references.imageWidths, strings: strings, firstNumber: firstImageNumber)
        let images = rewrites.rewrites
        var imageCSS = rewrites.css
        var nextImage = rewrites.next
        let (plain, headings) = CommonMark.renderHTML(notebook.prose, tableLayouts: notebook.tableLayouts) { images[$0] }
        let html = CodeHighlighter.highlightBlocks(in: plain)
        var mathHTML: [Int: String] = [:]
        let references = ReferenceRenderer(references: notebook.references, language: notebook.frontMatter.language ?? "en")
        /// `linking`: references become links (not inside a link's own text or the table of contents).
        func substitute(_ text: String, allowBlocks: Bool, linking: Bool? = nil) -> String {
            Placeholder.replaceTokens(in: text) { kind, index, wholeParagraph in
                switch kind {
                case .cell where allowBlocks && index < notebook.cells.count:
                    return cellHTML(index)
                case .math where index < notebook.math.count:
                    let rendered = mathHTML[index] ?? equations.render(index, math: &math)
                    mathHTML[index] = rendered
                    return rendered
                case .eval where index < notebook.roles.count:
                    return roleHTML(index)
                case .reference where index < notebook.equations.roles.count:
                    return equations.renderRole(index)
                case .blockStart where allowBlocks && index < notebook.blocks.count:
                    // A title links its references, as the prose around it does.
                    let title = notebook.blocks[index].title.map { substitute(CommonMark.renderInline($0), allowBlocks: false, linking: true) }
                    return blockHTML(index, true, title)
                case .blockEnd where allowBlocks && index < notebook.blocks.count:
                    return blockHTML(index, false, nil)
                case .xref:
                    return references.reference(index, linking: linking ?? allowBlocks) { substitute($0, allowBlocks: false) }
                case .anchor:
                    return allowBlocks ? references.anchor(index) { substitute($0, allowBlocks: false) } : ""
                case .tab where allowBlocks:
                    return references.tab(index)
                case .code where allowBlocks && index < notebook.codeCells.count:
                    let cell = notebook.codeCells[index]
                    let target = cell.label.flatMap { notebook.references.targets.target($0) }.flatMap { $0.location == cell.location ? $0 : nil }
                    return CodeCellRenderer.html(cell, target: target) + codeOutputHTML(index)
                case .insert where allowBlocks && index < notebook.inserts.count:
                    switch notebook.inserts[index] {
                    case .html(let text): return CommonMark.renderHTML(text, smartPunctuation: false).html
                    case .bibliography: return references.referenceList()
                    case .included(let page) where page < notebook.includes.count:
                        let output = included(notebook.includes[page], math: &math, strings: strings,
                                              language: notebook.frontMatter.language ?? "en", firstImageNumber: nextImage)
                        imageCSS += output.imageCSS
                        nextImage = output.nextImageNumber
                        return output.html
                    case .included: return ""
                    case .code(let cell): return CodeCellRenderer.html(cell)
                    }
                case .table:
                    return ""  // a list table's mark that found no rows after it
                case .term where allowBlocks:
                    return references.glossaryTerm(index)
                default:
                    return nil
                }
            }
        }
        let body = substitute(html, allowBlocks: true)
            + references.endMatter(listsReferences: !notebook.inserts.contains(.bibliography)) {
                // A footnote's references link like the rest of the prose.
                substitute(CommonMark.renderHTML($0).html, allowBlocks: false, linking: true)
            }
        let toc = headings.map { ($0.level, substitute(HTML.escape($0.text), allowBlocks: false), $0.anchor) }
        return Output(html: body, headings: toc, imageCSS: imageCSS, nextImageNumber: nextImage)
    }

    /// An `{include}`d file's prose: its math, roles, blocks and references of its own; its inline
    /// values are shown as written (it runs nothing).
    private static func included(_ page: Notebook, math: inout MathRenderer, strings: ReportStrings, language: String,
                                 firstImageNumber: Int) -> Output {
        let equations = EquationRenderer(notebook: page, checks: EquationChecks(table: page.equations), strings: strings)
        let blocks = ProseBlockRenderer(blocks: page.blocks, language: page.frontMatter.language ?? language, images: page.images)
        return render(page, math: &math, equations: equations, strings: strings, cellHTML: { _ in "" }, roleHTML: { index in
            "<code class=\"nb-inline-pending\">\(HTML.escape(page.roles[index].expression))</code>"
        }, blockHTML: blocks.html, firstImageNumber: firstImageNumber)
    }

    /// What each image source becomes: the page's embedded image holding its data URI, or (when
    /// it cannot be shown) the error in its place, or for a remote image the page may not fetch,
    /// a link to it with the warning. An https image the page may fetch, or a `data:` source,
    /// stays as written. The CSS has one rule per distinct image, which every citation of it uses.
    private static func imageRewrites(_ images: [ProseImage], widths: [String: String], strings: ReportStrings,
                                      firstNumber: Int) -> (rewrites: [String: CommonMark.ImageRewrite], css: String, next: Int) {
        var rewrites: [String: CommonMark.ImageRewrite] = [:]
        var numbers: [String: Int] = [:]
        var css = ""
        for image in images where rewrites[image.source] == nil {
            switch image.content {
            case .embedded(let dataURI)?:
                let number = numbers[dataURI] ?? firstNumber + numbers.count
                if numbers[dataURI] == nil {
                    numbers[dataURI] = number
                    css += "img[\(CommonMark.embeddedImageAttribute(number))]{content:url(\(dataURI));display:inline-block}\n"
                }
                rewrites[image.source] = .embedded(number, width: widths[image.source])
            case .failed(let diagnostic)?:
                rewrites[image.source] = .html("<span class=\"nb-inline-error\" role=\"alert\" title=\"\(HTML.escape(diagnostic.description))\">⚠ \(HTML.escape(diagnostic.headline))</span>")
            case .remote(allowed: false)?:
                let link = HTML.escape(image.source)
                rewrites[image.source] = .html("<a class=\"nb-image-remote\" href=\"\(link)\">⚠ \(HTML.escape(strings.remoteImage)): \(link)</a>")
            case .remote(allowed: true)?, nil:
                if let width = widths[image.source] { rewrites[image.source] = .source(image.source, width: width) }
            }
        }
        return (rewrites, css, firstNumber + numbers.count)
    }
}
