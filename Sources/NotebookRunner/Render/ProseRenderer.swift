import Foundation

/// Renders the notebook's prose with cmark and puts back what the parser set aside as
/// `Placeholder` tokens: cells, math, inline values, equation references and the fences of
/// exercises and admonitions.
struct ProseRenderer {
    struct Output {
        var html: String
        var headings: [(level: Int, html: String, anchor: String)]
    }

    /// `cellHTML(i)` renders cell `i` (0-based); `roleHTML(i)` inline role `i`.
    static func render(_ notebook: Notebook, math: inout MathRenderer, equations: EquationRenderer,
                       cellHTML: (Int) -> String, roleHTML: (Int) -> String, blockHTML: (Int, _ opening: Bool) -> String) -> Output {
        let (plain, headings) = CommonMark.renderHTML(notebook.prose)
        let html = CodeHighlighter.highlightBlocks(in: plain)
        var mathHTML: [Int: String] = [:]
        func substitute(_ text: String, allowBlocks: Bool) -> String {
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
                    return blockHTML(index, true)
                case .blockEnd where allowBlocks && index < notebook.blocks.count:
                    return blockHTML(index, false)
                default:
                    return nil
                }
            }
        }
        let body = substitute(html, allowBlocks: true)
        let toc = headings.map { ($0.level, substitute(HTML.escape($0.text), allowBlocks: false), $0.anchor) }
        return Output(html: body, headings: toc)
    }
}
