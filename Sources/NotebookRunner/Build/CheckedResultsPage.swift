import Foundation

/// The course's "Checked results" page: every numbered equation of every page, in reading
/// order, with the verdict of the cells that check it (`:checks:` of a `{gradcheck}` or
/// `{derive}`): ✔ checked, ✘ failed, or unchecked; the largest relative error measured; a
/// link to the equation and to each checking cell.
enum CheckedResultsPage {
    /// One page's part of the table.
    struct Page {
        var path: String
        var title: String
        var run: RunResult
    }

    /// The page's body, and the MathML it typeset (for the site's one math font).
    static func body(_ pages: [Page], strings: SiteStrings) -> (html: String, math: String, counts: (checked: Int, failed: Int, unchecked: Int)) {
        let root = SiteFrame.checkedPage
        var rows = ""
        var math = ""
        var counts = (checked: 0, failed: 0, unchecked: 0)
        for page in pages {
            let notebook = page.run.notebook
            let checks = EquationChecks(page.run)
            var renderer = MathRenderer(macros: notebook.frontMatter.mathMacros)
            let href = CourseTargets.relative(from: root, to: page.path)
            for equation in notebook.equations.equations {
                let verdict = checks.verdict(equation.label)
                let formula = equation.mathIndex < notebook.math.count
                    ? renderer.typeset(notebook.math[equation.mathIndex], tex: notebook.math[equation.mathIndex].tex) { $0 } : ""
                let (mark, cls): (String, String)
                switch verdict.status {
                case .checked: (mark, cls) = ("✔", "nb-ok"); counts.checked += 1
                case .failed: (mark, cls) = ("✘", "nb-bad"); counts.failed += 1
                case .unchecked: (mark, cls) = (strings.chinese ? "未检验" : "unchecked", "nb-none"); counts.unchecked += 1
                }
                let error = verdict.relativeError.map { $0.isFinite ? String(format: "%.1e", $0) : "\($0)" } ?? ""
                let cells = verdict.cells.map { label in
                    "<a href=\"\(HTML.escape(href))#cell-\(HTML.escape(SlugSet.slug(label)))\"><code>\(HTML.escape(label))</code></a>"
                }.joined(separator: ", ")
                rows += "<tr><td><a href=\"\(HTML.escape(href + "#" + EquationTable.anchor(equation.label)))\">(\(HTML.escape(equation.number)))</a></td>"
                rows += "<td>\(formula)</td><td class=\"\(cls)\">\(mark)</td><td>\(error)</td><td>\(cells)</td>"
                rows += "<td><a href=\"\(HTML.escape(href))\">\(HTML.escape(page.title))</a></td></tr>\n"
            }
            math += renderer.renderedMath
        }
        let chinese = strings.chinese
        let total = counts.checked + counts.failed + counts.unchecked
        let summary = chinese
            ? "共 \(total) 个编号公式：\(counts.checked) 个已检验，\(counts.failed) 个未通过，\(counts.unchecked) 个未检验。"
            : "\(total) numbered equations: \(counts.checked) checked, \(counts.failed) failed, \(counts.unchecked) unchecked."
        let head = chinese ? ["编号", "公式", "检验", "相对误差", "检验单元", "页面"] : ["Equation", "Formula", "Check", "Relative error", "Checked by", "Page"]
        var html = "<header class=\"nb-header\"><h1>\(strings.checkedResults)</h1>\n<p class=\"nb-summary\">\(HTML.escape(summary))</p></header>\n<main>\n"
        if total > 0 {
            html += "<table class=\"nb-checked\">\n<thead><tr>" + head.map { "<th>\($0)</th>" }.joined() + "</tr></thead>\n<tbody>\n\(rows)</tbody>\n</table>\n"
        }
        return (html + "</main>\n", math, counts)
    }
}
