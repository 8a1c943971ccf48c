/// A prose-level directive block: an exercise, its solution, an admonition, a figure, a
/// theorem, a card, a tab… Unlike a cell it is not run; its content is notebook content
/// (prose, math and cells).
///
/// Grammar (MyST-compatible):
///
///     block     := fence "{" name "}" [ argument ] NL { option-line } content fence
///     name      := an exercise, solution, admonition or any name `Compatibility` lists as a block
///                  (and any unknown name that is not near one of nbrun's directives)
///     argument  := title | exercise-label (solution) | image path (figure, image)
///     option    := ":" key ":" [ value ]
///
/// A block that holds fenced cells needs a longer fence than theirs, as in MyST:
///
///     ````{solution} ex-gradient
///     The gradient is …
///     ```{gradcheck}
///     …
///     ```
///     ````
///
/// MyST colon fences (`:::{note}`) and the gated form (`{exercise-start}` … `{exercise-end}`)
/// make the same blocks. Exercises are numbered in document order, figures and each kind of
/// theorem too. `nbrun render --student` leaves every solution out before anything else happens:
/// it is not run, shown or recorded.
public struct ProseBlock: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case exercise, solution, admonition, dropdown, card, aside, epigraph, figure, image, table, theorem, tab, group, glossary
        /// A directive nbrun does not know: its body in a box titled with its name.
        case unknown
    }

    public var kind: Kind
    /// The directive's name as written, e.g. `note`, `prf:theorem`, `tab-item`.
    public var name: String
    /// The words after `{name}`: a title, the exercise a solution answers, a figure's image.
    public var argument: String?
    /// `:label:` (or `:name:`), which anchors the block.
    public var label: String?
    /// Every option given, by key (`class`, `width`, `align`, `alt`, `nonumber`, …).
    public var options: [String: String] = [:]
    /// Where the opening fence starts.
    public var location: SourceLocation
    /// Where the argument starts (for a solution's unknown exercise, a figure's missing image).
    public var argumentLocation: SourceLocation
    /// First and last source lines, fences included.
    public var startLine: Int
    public var endLine: Int
    /// An exercise's, figure's or theorem's number (1, 2, …); for a solution, its exercise's; for a
    /// labelled `{table}`, its number among the page's labelled tables (from the target table).
    public var number: Int?
    /// The number as shown when a course numbers it (`2.3`: exercise 3 of chapter 2); nil: `number`.
    public var displayNumber: String?
    /// A glossary's terms (`GlossaryTerm`s).
    public var termCount = 0
    /// The title the author gave (the argument, or `:title:`), inline Markdown; once the prose is
    /// scanned it holds the page's placeholder tokens for its math and roles. nil: none, or the
    /// argument is not a title (a solution's exercise, a figure's image).
    public var title: String?
    /// Where the title starts in the notebook.
    public var titleLocation: SourceLocation?

    public init(kind: Kind, name: String, argument: String?, label: String?, options: [String: String] = [:],
                location: SourceLocation, argumentLocation: SourceLocation, startLine: Int, endLine: Int) {
        self.kind = kind
        self.name = name
        self.argument = argument
        self.label = label
        self.options = options
        self.location = location
        self.argumentLocation = argumentLocation
        self.startLine = startLine
        self.endLine = endLine
    }

    /// The number shown: the course's (`2.3`) or the page's own (`3`).
    public var shownNumber: String? { displayNumber ?? number.map(String.init) }

    /// The title as plain text (its Markdown read: `` `code` `` → `code`), tokens kept: what a
    /// reference to the block shows.
    public var titleText: String? {
        title.map(CommonMark.plainText(inline:))
    }

    /// Whether an option turns numbering off (`:nonumber:`, `:enumerated: false`).
    public var isUnnumbered: Bool {
        options["nonumber"] != nil || options["enumerated"].map { ["false", "no", "0"].contains($0.lowercased()) } ?? false
    }

    /// The words of `:class:` (and of `{name .class}`).
    public var classes: [String] {
        (options["class"] ?? "").split(separator: " ").map(String.init)
    }

    /// Whether the block shows collapsed (`{dropdown}`, or `:class: dropdown`).
    public var isCollapsed: Bool {
        kind == .dropdown || classes.contains("dropdown")
    }

    /// Reads the block whose fence is `fence` (the header of an opening fence), with options from
    /// the lines after it, up to `lastLine`. Returns the lines holding options, which the parser
    /// blanks so the content parses as prose.
    static func read(_ fence: FenceHeader, kind: Kind, lines: [String], startLine: Int, endLine: Int, lastLine: Int,
                     source: SourceText) -> (ProseBlock, optionLines: [Int]) {
        var optionLines: [Int] = []
        var options: [String: String] = [:]
        var titleOption: SourceLocation?
        var line = startLine + 1
        while line <= lastLine, line - 1 < lines.count {
            let prefix = FenceHeader.containerPrefix(lines[line - 1]).unicodeScalars.count
            let text = FenceHeader.stripContainer(lines[line - 1])
            guard let option = CellParser.parseOption(text, at: source.location(line: line, column: 1 + prefix)) else { break }
            options[option.key] = option.value
            if option.key == "title" { titleOption = option.valueLocation }
            optionLines.append(line)
            line += 1
        }
        if !fence.classes.isEmpty { options["class"] = ((options["class"].map { [$0] } ?? []) + fence.classes).joined(separator: " ") }
        let argument = fence.argument.isEmpty ? nil : fence.argument
        var block = ProseBlock(kind: kind, name: fence.name, argument: argument, label: options["label"] ?? options["name"] ?? fence.id,
                               options: options, location: source.location(line: startLine, column: fence.column),
                               argumentLocation: source.location(line: startLine, column: fence.argumentColumn),
                               startLine: startLine, endLine: endLine)
        switch kind {
        case .solution, .figure, .image, .epigraph, .group: break
        default:
            if let argument {
                (block.title, block.titleLocation) = (argument, block.argumentLocation)
            } else if let title = options["title"], !title.isEmpty, let titleOption {
                (block.title, block.titleLocation) = (title, titleOption)
            }
        }
        return (block, optionLines)
    }
}

extension ProseBlock {
    /// Numbers the page's figures in one count, in order: the numbered `{figure}` blocks and the
    /// labelled code cells whose output is a figure (MyST-NB's `mystnb: figure:`).
    static func numberFigures(_ blocks: inout [ProseBlock], with codeCells: inout [CodeCell]) {
        let figures = codeCells.indices.filter { codeCells[$0].isFigure && codeCells[$0].label != nil }
        guard !figures.isEmpty else { return }
        let numbered = blocks.indices.filter { blocks[$0].kind == .figure && blocks[$0].number != nil }
        let order = (numbered.map { (line: blocks[$0].startLine, block: $0, cell: -1) } + figures.map { (line: codeCells[$0].location.line, block: -1, cell: $0) })
            .sorted { ($0.line, $0.block) < ($1.line, $1.block) }
        for (offset, figure) in order.enumerated() {
            if figure.block >= 0 { blocks[figure.block].number = offset + 1 } else { codeCells[figure.cell].figureNumber = offset + 1 }
        }
    }

    /// Numbers exercises, figures and each kind of theorem in order, and gives each solution its
    /// exercise's number; a solution naming no exercise, and an exercise label used twice, are errors.
    static func numbered(_ blocks: [ProseBlock], errors: inout [Diagnostic]) -> [ProseBlock] {
        var blocks = blocks
        var numbers: [String: (number: Int, line: Int)] = [:]
        var counts: [String: Int] = [:]
        for index in blocks.indices {
            let block = blocks[index]
            let counter: String
            switch block.kind {
            case .exercise: counter = "exercise"
            case .figure: counter = "figure"
            case .theorem where block.name != "prf:proof": counter = block.name
            default: continue
            }
            guard !block.isUnnumbered else { continue }
            counts[counter, default: 0] += 1
            blocks[index].number = counts[counter]
            guard block.kind == .exercise, let label = block.label else { continue }
            if let previous = numbers[label] {
                errors.append(.error("exercise label '\(label)' is already used at line \(previous.line)", at: block.location,
                                     hint: "give each exercise its own :label:"))
            } else {
                numbers[label] = (counts[counter]!, block.location.line)
            }
        }
        let labelled = Set(blocks.filter { $0.kind == .exercise }.compactMap(\.label))
        for index in blocks.indices where blocks[index].kind == .solution {
            guard let target = blocks[index].argument else {
                errors.append(.error("{solution} needs the label of its exercise", at: blocks[index].location,
                                     hint: "e.g. ````{solution} ex-gradient, with :label: ex-gradient on the exercise"))
                continue
            }
            if let exercise = numbers[target] {
                blocks[index].number = exercise.number
            } else if !labelled.contains(target) {
                let near = Suggestion.nearest(to: target, in: Array(numbers.keys)).map { "did you mean '\($0)'? " } ?? ""
                errors.append(.error("{solution} answers an unknown exercise '\(target)'", at: blocks[index].argumentLocation,
                                     hint: near + (numbers.isEmpty ? "no exercise has a :label:" : "exercise labels: " + numbers.keys.sorted().joined(separator: ", "))))
            }
        }
        return blocks
    }
}
