import Foundation

/// Turns a notebook's text into a `Notebook`: front matter, cells, math and roles.
///
/// 1. `FrontMatterParser` reads the YAML block; its lines are blanked so that every
///    later line keeps its number.
/// 2. cmark parses the body once to find code and HTML blocks; fenced blocks whose
///    info string starts with `{` become cells (`CellParser`).
///    Prose-level blocks (`{exercise}`, `{solution}`, `{note}`, …) lose their fences first, so
///    their content is parsed as notebook content; `{math}` blocks become display math.
/// 3. `ProseScanner` sets math, `{eval}` and `{eq}` roles aside in every other line; cmark then
///    finds the prose's images (`ProseImage`), located in the notebook's text.
/// 4. `EquationTable` numbers the labelled equations and resolves references to them.
/// 5. `ReferenceLines` reads the line-shaped labels (`(label)=`, `{#id}`, d2l tabs) before the scanner
///    and the footnote texts after it; `ReferenceResolver` registers every target in one `TargetTable`
///    and checks the references (`InlineReference`) whose targets are on the page.
public enum NotebookParser {
    /// Parses the notebook at `url`, naming it `file` in diagnostics.
    public static func parse(contentsOf url: URL, file: String? = nil, omitSolutions: Bool = false) throws -> Notebook {
        let name = file ?? url.path
        return try parse(SourceText(contentsOf: url, file: name), omitSolutions: omitSolutions)
    }

    /// Parses decoded notebook text; `omitSolutions` (`--student`) leaves every `{solution}` out.
    public static func parse(_ source: SourceText, omitSolutions: Bool = false) throws -> Notebook {
        if source.text.allSatisfy(\.isWhitespace) {
            throw Diagnostic.error("the notebook is empty", at: source.location(line: 1),
                                   hint: "a notebook is Markdown prose with directive cells such as ```{load} mnist")
        }
        let frontMatter = try FrontMatterParser.parse(source)
        var lines = source.lines
        for index in 0..<min(frontMatter.lineCount, lines.count) { lines[index] = "" }
        // No author text can forge a placeholder token (cells are read from `source`, untouched).
        lines = lines.map(Placeholder.escaping)

        // Prose-level blocks, outermost first: their fences and options become blank lines,
        // so their content parses as notebook content (a solution's cells are cells).
        var proseBlocks: [ProseBlock] = []
        // Every prose-level block one parse finds is opened at once; the blocks nested in them
        // show up in the next parse (one parse per level of nesting, not one per block).
        var blocks = CommonMark.blocks(in: lines.joined(separator: "\n"))
        while case let found = blocks.filter({ $0.kind == .fencedOrIndentedCode && ProseBlock.kind(ofInfo: $0.info) != nil }),
              !found.isEmpty {
            for block in found {
                let (prose, markup) = try ProseBlock.read(block, kind: ProseBlock.kind(ofInfo: block.info)!, source: source)
                if prose.kind == .solution && omitSolutions {
                    for line in block.startLine...block.endLine { lines[line - 1] = "" }
                } else {
                    for line in markup { lines[line - 1] = "" }
                    proseBlocks.append(prose)
                }
            }
            blocks = CommonMark.blocks(in: lines.joined(separator: "\n"))
        }
        var errors: [Diagnostic] = []
        proseBlocks = ProseBlock.numbered(proseBlocks.sorted { $0.startLine < $1.startLine }, errors: &errors)

        var warnings: [Diagnostic] = []
        var cells: [Cell] = []
        var cellBlocks: [CommonMark.Block] = []
        var mathBlocks: [(block: CommonMark.Block, span: MathSpan)] = []
        var protectedLines = Set<Int>()
        var labelLines: [String: Int] = [:]
        for block in blocks {
            protectedLines.formUnion(block.startLine...max(block.startLine, block.endLine))
            guard block.kind == .fencedOrIndentedCode, CellParser.isDirective(info: block.info) else { continue }
            if block.info.trimmingCharacters(in: .whitespaces).hasPrefix("{math}") {
                mathBlocks.append((block, try mathSpan(block, source: source, warnings: &warnings)))
                continue
            }
            let cell = try CellParser.cell(index: cells.count + 1, block: block, source: source, warnings: &warnings)
            if let previous = labelLines[cell.label] {
                throw Diagnostic.error("label '\(cell.label)' is already used by the cell at line \(previous)",
                                       at: cell.option("label")?.valueLocation ?? cell.location,
                                       hint: "labels name cells in the report and in {eval}; give each cell its own")
            }
            labelLines[cell.label] = cell.location.line
            cells.append(cell)
            cellBlocks.append(block)
        }

        var scanner = ProseScanner()
        let tabs = ReferenceLines.markTargets(&lines, protected: protectedLines, file: source.file, anchors: &scanner.anchors)
        let cellStarts = cellBlocks.map(\.startLine)
        var prose = scanner.protect(lines: lines, firstLine: 1, file: source.file, protectedLines: protectedLines,
                                    cellsBefore: { line in count(of: cellStarts, below: line) })
        let footnotes = ReferenceLines.takeFootnotes(&prose, protected: protectedLines, file: source.file)
        let scannedProse = prose
        let images = ProseImage.find(in: prose, source: source)
        // Cells, {math} blocks and prose-level block fences become placeholder paragraphs.
        func replace(_ block: (start: Int, end: Int), with word: String) {
            // Keep the container prefix (list indentation, `>`), so the block stays where it was.
            let fence = source.line(block.start)
            let prefix = String(fence.prefix { $0 == " " || $0 == "\t" || $0 == ">" })
            let blank = prefix.trimmingTrailingWhitespace()
            for line in block.start...block.end where line - 1 < prose.count { prose[line - 1] = blank }
            prose[block.start - 1] = "\(blank)\n\(prefix)\(word)\n\(blank)"
        }
        for (index, block) in cellBlocks.enumerated() {
            replace((block.startLine, block.endLine), with: Placeholder.token(.cell, index))
        }
        var math = scanner.math
        for (block, span) in mathBlocks {
            replace((block.startLine, block.endLine), with: Placeholder.token(.math, math.count))
            math.append(span)
        }
        for (index, block) in proseBlocks.enumerated() {
            replace((block.startLine, block.startLine), with: Placeholder.token(.blockStart, index))
            replace((block.endLine, block.endLine), with: Placeholder.token(.blockEnd, index))
        }
        for (index, tab) in tabs.enumerated() {
            replace((tab.line, tab.line), with: Placeholder.token(.tab, index))
        }

        let equations = EquationTable.build(math: math, roles: scanner.references, cells: cells)
        errors += equations.diagnostics
        let references = ReferenceResolver.build(
            ReferenceResolver.Input(lines: scannedProse, file: source.file, inline: scanner.inline, anchors: scanner.anchors,
                                    widths: scanner.widths, tabs: tabs, footnotes: footnotes, images: images,
                                    equations: equations, blocks: proseBlocks, cells: cells),
            warnings: &warnings)
        errors.sort { ($0.location?.line ?? 0, $0.location?.column ?? 0) < ($1.location?.line ?? 0, $1.location?.column ?? 0) }
        var notebook = Notebook(file: source.file, name: Self.name(of: source.file), frontMatter: frontMatter, cells: cells,
                                math: math, roles: scanner.roles, prose: prose.joined(separator: "\n"), warnings: warnings,
                                equations: equations, blocks: proseBlocks, errors: errors)
        notebook.images = images
        notebook.references = references
        return notebook
    }

    /// A `{math}` block as a display span: its body is the TeX, `:label:` numbers it.
    private static func mathSpan(_ block: CommonMark.Block, source: SourceText, warnings: inout [Diagnostic]) throws -> MathSpan {
        let cell = try CellParser.cell(index: 0, block: block, source: source, warnings: &warnings)
        for option in cell.options where option.key != "label" {
            throw Diagnostic.error("unknown option :\(option.key): of {math}", at: option.location,
                                   hint: "{math} takes :label:, which numbers the equation")
        }
        let label = cell.option("label")
        return MathSpan(tex: cell.bodyText, display: true, opening: "```{math}\n", closing: "\n```", location: cell.location,
                        texLocation: cell.body.first?.location ?? cell.location, label: label?.value, labelLocation: label?.valueLocation)
    }

    /// How many numbers of the ascending `sorted` are below `bound` (a binary search).
    static func count(of sorted: [Int], below bound: Int) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < bound { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// `notebooks/softmax-mnist.zh.md` → `softmax-mnist.zh`.
    public static func name(of file: String) -> String {
        let base = (file as NSString).lastPathComponent
        for ext in [".md", ".markdown", ".txt"] where base.hasSuffix(ext) {
            return String(base.dropLast(ext.count))
        }
        return base
    }
}
