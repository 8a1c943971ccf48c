import Foundation

/// Renders the notebook's prose with cmark and puts back what the parser set aside:
/// cells (`NBRUNCELL<i>X`), math (`NBRUNMATH<i>X`), inline values (`NBRUNEVAL<i>X`), equation
/// references (`NBRUNEQRF<i>X`) and the fences of exercises and admonitions (`NBRUNBLKS<i>X`, `NBRUNBLKE<i>X`).
struct ProseRenderer {
    struct Output {
        var html: String
        var headings: [(level: Int, html: String, anchor: String)]
    }

    /// `cellHTML(i)` renders cell `i` (0-based); `roleHTML(i)` inline role `i`.
    static func render(_ notebook: Notebook, math: inout MathRenderer, equations: EquationRenderer,
                       cellHTML: (Int) -> String, roleHTML: (Int) -> String, blockHTML: (Int, _ opening: Bool) -> String) -> Output {
        let (html, headings) = CommonMark.renderHTML(notebook.prose)
        var mathHTML: [Int: String] = [:]
        func substitute(_ text: String, allowBlocks: Bool) -> String {
            replacePlaceholders(in: text) { kind, index, wholeParagraph in
                switch kind {
                case "CELL" where allowBlocks && index < notebook.cells.count:
                    return cellHTML(index)
                case "MATH" where index < notebook.math.count:
                    let rendered = mathHTML[index] ?? equations.render(index, math: &math)
                    mathHTML[index] = rendered
                    return rendered
                case "EVAL" where index < notebook.roles.count:
                    return roleHTML(index)
                case "EQRF" where index < notebook.equations.roles.count:
                    return equations.renderRole(index)
                case "BLKS" where allowBlocks && index < notebook.blocks.count:
                    return blockHTML(index, true)
                case "BLKE" where allowBlocks && index < notebook.blocks.count:
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

    /// Replaces every `NBRUN(KIND)(i)X` word; a word that is a whole paragraph
    /// (`<p>…</p>`) is replaced with its paragraph, so blocks do not end up inside `<p>`.
    static func replacePlaceholders(in html: String, _ replacement: (String, Int, Bool) -> String?) -> String {
        var result = ""
        result.reserveCapacity(html.utf8.count)
        var rest = Substring(html)
        while let range = rest.range(of: "NBRUN") {
            var before = rest[..<range.lowerBound]
            var cursor = range.upperBound
            let kindEnd = rest.index(cursor, offsetBy: 4, limitedBy: rest.endIndex) ?? rest.endIndex
            let kind = String(rest[cursor..<kindEnd])
            cursor = kindEnd
            var digits = ""
            while cursor < rest.endIndex, rest[cursor].isASCII, rest[cursor].isNumber {
                digits.append(rest[cursor])
                cursor = rest.index(after: cursor)
            }
            guard ["CELL", "MATH", "EVAL", "EQRF", "BLKS", "BLKE"].contains(kind), let index = Int(digits),
                  cursor < rest.endIndex, rest[cursor] == "X" else {
                result += rest[..<range.upperBound]
                rest = rest[range.upperBound...]
                continue
            }
            cursor = rest.index(after: cursor)
            let after = rest[cursor...]
            let wholeParagraph = before.hasSuffix("<p>") && after.hasPrefix("</p>")
            guard let replacement = replacement(kind, index, wholeParagraph) else {
                result += rest[..<cursor]
                rest = rest[cursor...]
                continue
            }
            if wholeParagraph {
                before = before.dropLast(3)
                cursor = rest.index(cursor, offsetBy: 4)
                if cursor < rest.endIndex, rest[cursor] == "\n" { cursor = rest.index(after: cursor) }
            }
            result += before
            result += replacement
            if wholeParagraph { result += "\n" }
            rest = rest[cursor...]
        }
        result += rest
        return result
    }
}
