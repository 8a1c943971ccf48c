/// The opening and closing HTML of exercises, solutions and admonitions; cmark renders what
/// lies between, so a block's content is ordinary prose, math and cells.
///
/// An exercise is a `<section>` headed "Exercise 1"; a solution a `<details>` (collapsed,
/// no script needed) headed "Solution to Exercise 1"; an admonition an `<aside>` with its
/// kind's colour and title ("Note", or the title the author gave).
struct ProseBlockRenderer {
    let blocks: [ProseBlock]
    let chinese: Bool

    init(blocks: [ProseBlock], language: String) {
        self.blocks = blocks
        chinese = language.lowercased().hasPrefix("zh")
    }

    /// The HTML id of an exercise: `ex-` and its label, or `exercise-N`.
    static func anchor(_ block: ProseBlock) -> String {
        block.label.map { "ex-" + $0 } ?? "exercise-\(block.number ?? 0)"
    }

    func html(_ index: Int, opening: Bool) -> String {
        let block = blocks[index]
        switch block.kind {
        case .exercise:
            guard opening else { return "</section>" }
            let title = block.argument.map { " <span class=\"nb-block-subtitle\">\(HTML.escape($0))</span>" } ?? ""
            let anchor = HTML.escape(Self.anchor(block))
            return "<section class=\"nb-exercise\" id=\"\(anchor)\">\n<p class=\"nb-block-title\"><a href=\"#\(anchor)\">\(exercise(block.number))</a>\(title)</p>"
        case .solution:
            guard opening else { return "</details>" }
            let name = block.number.map { chinese ? "练习 \($0) 的解答" : "Solution to Exercise \($0)" } ?? (chinese ? "解答" : "Solution")
            return "<details class=\"nb-solution\">\n<summary>\(HTML.escape(name))</summary>"
        case .note, .tip, .warning, .important:
            guard opening else { return "</aside>" }
            let title = block.argument ?? defaultTitle(block.kind)
            return "<aside class=\"nb-admonition nb-\(block.kind.rawValue)\">\n<p class=\"nb-block-title\">\(HTML.escape(title))</p>"
        }
    }

    private func exercise(_ number: Int?) -> String {
        let n = number.map(String.init) ?? ""
        return chinese ? "练习 \(n)" : "Exercise \(n)"
    }

    private func defaultTitle(_ kind: ProseBlock.Kind) -> String {
        switch kind {
        case .note: chinese ? "注意" : "Note"
        case .tip: chinese ? "提示" : "Tip"
        case .warning: chinese ? "警告" : "Warning"
        case .important: chinese ? "重要" : "Important"
        case .exercise, .solution: ""
        }
    }
}
