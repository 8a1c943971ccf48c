import Foundation

/// Turns a notebook's text into a `Notebook`: front matter, cells, math and roles.
///
/// 1. `FrontMatterParser` reads the YAML block; its lines are blanked so that every
///    later line keeps its number.
/// 2. `DialectLines` rewrites MyST/Quarto line syntax (comments, colon fences, targets); cmark
///    parses the body to find code and HTML blocks. A fence whose info string is `{name}` is
///    read by what `FenceRole` says: prose-level blocks (`{exercise}`, `{note}`, `{figure}`,
///    `{prf:theorem}`, unknown names, …) lose their fences, so their content is parsed as
///    notebook content, one parse per level of nesting (a `{list-table}` too: its fences become
///    marks around its rows, a list whose items hold notebook content, `ListTable`); `{raw}`,
///    `{include}` and left-out directives are replaced in the lines. Then nbrun's directives become cells,
///    `{math}` blocks display math, and code of other dialects `CodeCell`s.
/// 3. `ProseScanner` sets math, `{eval}` and `{eq}` roles aside in every other line; cmark then
///    finds the prose's images (`ProseImage`), located in the notebook's text.
/// 4. `EquationTable` numbers the labelled equations and resolves references to them.
/// 5. `ReferenceLines` reads the line-shaped labels (`(label)=`, `{#id}`, d2l tabs) before the scanner
///    and the footnote texts after it; `ReferenceResolver` registers every target in one `TargetTable`
///    and checks the references (`InlineReference`) whose targets are on the page.
///
/// A problem that leaves the rest readable (an unclosed block, a duplicate label, an unknown
/// option of a cell) is collected in `errors` and parsing goes on, so `nbrun check` lists
/// every one; only a page that cannot be read at all (bad front matter, not UTF-8) throws.
public enum NotebookParser {
    /// Parses the notebook at `url`, naming it `file` in diagnostics; `{include}` reads from its folder.
    public static func parse(contentsOf url: URL, file: String? = nil, omitSolutions: Bool = false,
                             directives: [String]? = nil) throws -> Notebook {
        let name = file ?? url.path
        return try parse(SourceText(contentsOf: url, file: name), omitSolutions: omitSolutions, directives: directives,
                         folder: url.deletingLastPathComponent())
    }

    /// Parses decoded notebook text; `omitSolutions` (`--student`) leaves every solution out.
    /// `directives` are the names the run knows: any other `{name}` that is not near one of them
    /// is another dialect's directive (a box, a figure, code, …). Without it every `{name}` that
    /// `Compatibility` does not list is a cell, for the registry to check.
    public static func parse(_ source: SourceText, omitSolutions: Bool = false, directives: [String]? = nil,
                             folder: URL? = nil) throws -> Notebook {
        try parse(source, omitSolutions: omitSolutions, directives: directives, folder: folder, includedFrom: nil)
    }

    /// `includedFrom`: the files whose `{include}`s brought this one in (nil: a page of its own).
    /// An included file keeps its first `# Heading` in its body.
    static func parse(_ source: SourceText, omitSolutions: Bool, directives: [String]?, folder: URL?,
                      includedFrom: (files: [String], projectFolder: URL)?) throws -> Notebook {
        if source.text.allSatisfy(\.isWhitespace) {
            throw Diagnostic.error("the notebook is empty", at: source.location(line: 1),
                                   hint: "a notebook is Markdown prose with directive cells such as ```{load} mnist")
        }
        let frontMatter = try FrontMatterParser.parse(source)
        var lines = source.lines
        for index in 0..<min(frontMatter.lineCount, lines.count) { lines[index] = "" }
        // No author text can forge a placeholder token (cells are read from `source`, untouched).
        lines = lines.map(Placeholder.escaping)

        var reader = FenceReader(source: source, directives: directives, omitSolutions: omitSolutions, folder: folder,
                                 includedFrom: includedFrom)
        let blocks = reader.openBlocks(&lines)
        var errors = reader.errors
        var warnings = reader.warnings
        var proseBlocks = ProseBlock.numbered(reader.blocks.sorted { $0.startLine < $1.startLine }, errors: &errors)

        var cells: [Cell] = []
        var cellBlocks: [CommonMark.Block] = []
        var codeCells: [CodeCell] = []
        var codeBlocks: [CommonMark.Block] = []
        var mathBlocks: [(block: CommonMark.Block, spans: [MathSpan])] = []
        var protectedLines = Set<Int>()
        var labelLines: [String: Int] = [:]
        for block in blocks {
            protectedLines.formUnion(block.startLine...max(block.startLine, block.endLine))
            guard block.kind == .fencedOrIndentedCode, let header = FenceHeader(line: lines[block.startLine - 1]),
                  let role = reader.role(of: header) else { continue }
            switch role {
            case .math:
                do {
                    mathBlocks.append((block, try mathSpans(block, source: source, warnings: &warnings)))
                } catch {
                    errors.append(Executor.diagnostic(from: error, location: source.location(line: block.startLine)))
                }
            case .code(let language):
                codeCells.append(CodeCell.read(directive: header.name, language: language, body: bodyLines(of: block),
                                               location: source.location(line: block.startLine, column: header.column)))
                codeBlocks.append(block)
            case .cell:
                do {
                    let cell = try CellParser.cell(index: cells.count + 1, block: block, source: source, warnings: &warnings)
                    if let previous = labelLines[cell.label] {
                        throw Diagnostic.error("label '\(cell.label)' is already used by the cell at line \(previous)",
                                               at: cell.option("label")?.valueLocation ?? cell.location,
                                               hint: "labels name cells in the report and in {eval}; give each cell its own")
                    }
                    labelLines[cell.label] = cell.location.line
                    cells.append(cell)
                    cellBlocks.append(block)
                } catch {
                    // The rest of the page still reads: the cell is shown as its source.
                    let diagnostic = Executor.diagnostic(from: error, location: source.location(line: block.startLine, column: header.column))
                    errors.append(diagnostic)
                    var shown = CodeCell(directive: header.name, language: "", options: [:],
                                         code: source.lines[(block.startLine - 1)..<min(block.endLine, source.lines.count)].joined(separator: "\n"),
                                         location: source.location(line: block.startLine, column: header.column))
                    shown.error = diagnostic
                    codeCells.append(shown)
                    codeBlocks.append(block)
                }
            case .block, .gated, .transform:
                continue
            }
        }
        if let summary = CodeCell.summary(codeCells.filter { $0.error == nil }) { warnings.append(summary) }

        // A first `# Heading` titles the page when the front matter gives no title.
        var headingTitle: String?
        var titleLine: Int?
        if frontMatter.title == nil, includedFrom == nil, let index = lines.indices.first(where: { !protectedLines.contains($0 + 1) && Self.isHeadingOne(lines[$0]) }),
           !proseBlocks.contains(where: { $0.startLine <= index + 1 && index + 1 <= $0.endLine }) {
            headingTitle = Self.headingText(source.line(index + 1))
            titleLine = index + 1
            lines[index] = ""
        }

        var scanner = ProseScanner()
        scanner.anchors = reader.indexAnchors
        let tabs = ReferenceLines.markTargets(&lines, protected: protectedLines, file: source.file, anchors: &scanner.anchors)
        let cellStarts = cellBlocks.map(\.startLine)
        // The lines a token replaces below, by their notebook line numbers — block fences and d2l
        // tabs — end the scanner's runs of prose, so math spanning lines before them cannot move
        // text onto them.
        var scannedAround = protectedLines
        for block in proseBlocks { scannedAround.formUnion([block.startLine, block.endLine]) }
        for tab in tabs { scannedAround.insert(tab.line) }
        var prose = scanner.protect(lines: lines, firstLine: 1, file: source.file, protectedLines: scannedAround,
                                    cellsBefore: { line in count(of: cellStarts, below: line) })
        // Titles are inline Markdown of the prose: their math and roles are scanned where they stand.
        func scanned(title: String, at location: SourceLocation) -> String {
            let line = String(repeating: " ", count: max(0, location.column - 1)) + title
            return scanner.protect(lines: [line], firstLine: location.line, file: source.file, protectedLines: [],
                                   cellsBefore: { count(of: cellStarts, below: $0) }).first?.trimmingCharacters(in: .whitespaces) ?? title
        }
        for index in proseBlocks.indices {
            guard let title = proseBlocks[index].title, let location = proseBlocks[index].titleLocation else { continue }
            proseBlocks[index].title = scanned(title: title, at: location)
        }
        var tableLayouts = reader.tableLayouts
        for index in tableLayouts.indices {
            guard let caption = tableLayouts[index].caption, let location = tableLayouts[index].captionLocation else { continue }
            tableLayouts[index].caption = scanned(title: caption, at: location)
        }
        let footnotes = ReferenceLines.takeFootnotes(&prose, protected: protectedLines, file: source.file)
        let scannedProse = prose
        var images = ProseImage.find(in: prose, shifts: scanner.shifts, source: source)
        for block in proseBlocks where block.kind == .figure || block.kind == .image {
            if let path = block.argument { images.append(ProseImage(source: path, location: block.argumentLocation)) }
        }
        images.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        // Cells, {math} blocks and prose-level block fences become placeholder paragraphs.
        func replace(_ block: (start: Int, end: Int), with word: String) {
            // Keep the container prefix (list indentation, `>`), so the block stays where it was.
            let fence = source.line(block.start)
            let first = FenceHeader.containerPrefix(fence).trimmingTrailingWhitespace()
            let prefix = FenceHeader.continuationPrefix(fence)
            let blank = prefix.trimmingTrailingWhitespace()
            for line in block.start...block.end where line - 1 < prose.count { prose[line - 1] = blank }
            prose[block.start - 1] = "\(first)\n\(prefix)\(word)\n\(blank)"
        }
        for (index, block) in cellBlocks.enumerated() {
            replace((block.startLine, block.endLine), with: Placeholder.token(.cell, index))
        }
        for (index, block) in codeBlocks.enumerated() {
            replace((block.startLine, block.endLine), with: Placeholder.token(.code, index))
        }
        var math = scanner.math
        for (block, spans) in mathBlocks {
            let tokens = spans.indices.map { Placeholder.token(.math, math.count + $0) }
            replace((block.startLine, block.endLine), with: tokens.joined(separator: " "))
            math += spans
        }
        for (index, block) in proseBlocks.enumerated() {
            replace((block.startLine, block.startLine), with: Placeholder.token(.blockStart, index))
            if block.endLine > block.startLine {
                replace((block.endLine, block.endLine), with: Placeholder.token(.blockEnd, index))
            } else {
                prose[block.startLine - 1] += "\n" + Placeholder.token(.blockEnd, index) + "\n"
            }
        }
        for (index, tab) in tabs.enumerated() {
            replace((tab.line, tab.line), with: Placeholder.token(.tab, index))
        }

        let equations = EquationTable.build(math: math, roles: scanner.references, cells: cells)
        // A page of another tool's book may name an equation of another page: a warning there.
        let ofABook = !codeCells.isEmpty || frontMatter.metadata.contains { Compatibility.bookFrontMatterKeys.contains($0.key) }
        let referenceLocations = ofABook ? Set(equations.references.map(\.location)) : []
        for diagnostic in equations.diagnostics {
            guard ofABook, diagnostic.message.hasPrefix("unknown equation label"), let location = diagnostic.location,
                  referenceLocations.contains(location) else {
                errors.append(diagnostic)
                continue
            }
            warnings.append(Diagnostic(.warning, diagnostic.message, at: location,
                                       hint: "it may be on another page of the book (nbrun reads one page at a time); " + (diagnostic.hint ?? "")))
        }
        ProseBlock.numberFigures(&proseBlocks, with: &codeCells)
        let references = ReferenceResolver.build(
            ReferenceResolver.Input(lines: scannedProse, file: source.file, inline: scanner.inline, anchors: scanner.anchors,
                                    widths: scanner.widths, tabs: tabs, footnotes: footnotes, images: images,
                                    equations: equations, blocks: proseBlocks, cells: cells, codeCells: codeCells,
                                    tables: tableLayouts, glossary: reader.glossary,
                                    title: titleLine.flatMap { line in headingTitle.map { (line, $0) } }, shifts: scanner.shifts),
            warnings: &warnings)
        // Labelled tables are numbered with the page's other tables (d2l, Quarto, list tables).
        for index in proseBlocks.indices where proseBlocks[index].kind == .table {
            proseBlocks[index].number = proseBlocks[index].label.flatMap { references.targets.target($0)?.number }.flatMap { Int($0) }
        }
        for index in tableLayouts.indices {
            tableLayouts[index].number = tableLayouts[index].label.flatMap { references.targets.target($0)?.number }
        }
        errors.sort { ($0.location?.line ?? 0, $0.location?.column ?? 0) < ($1.location?.line ?? 0, $1.location?.column ?? 0) }
        var notebook = Notebook(file: source.file, name: Self.name(of: source.file), frontMatter: frontMatter, cells: cells,
                                math: math, roles: scanner.roles, prose: prose.joined(separator: "\n"), warnings: warnings,
                                equations: equations, blocks: proseBlocks, errors: errors)
        notebook.images = images
        notebook.references = references
        notebook.codeCells = codeCells
        notebook.inserts = reader.inserts
        notebook.headingTitle = headingTitle
        notebook.bibliographies = reader.bibliographies
        notebook.tableLayouts = tableLayouts
        notebook.includes = reader.includes
        notebook.folder = folder
        notebook.projectFolder = includedFrom?.projectFolder
        return notebook
    }

    /// The lines of a fenced block between its fences.
    private static func bodyLines(of block: CommonMark.Block) -> [String] {
        var lines = block.literal.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if block.literal.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    /// A `{math}` block as display spans, one per blank-line-separated equation: `:label:` numbers the first.
    private static func mathSpans(_ block: CommonMark.Block, source: SourceText, warnings: inout [Diagnostic]) throws -> [MathSpan] {
        let cell = try CellParser.cell(index: 0, block: block, source: source, warnings: &warnings)
        for option in cell.options where option.key != "label" && option.key != "name" && option.key != "nowrap" && option.key != "class" {
            warnings.append(.warning("unknown option :\(option.key): of {math} is ignored", at: option.location,
                                     hint: "{math} takes :label:, which numbers the equation"))
        }
        let label = cell.option("label") ?? cell.option("name")
        var groups: [[SourceLine]] = [[]]
        for line in cell.body {
            if line.text.trimmingCharacters(in: .whitespaces).isEmpty {
                if !(groups.last ?? []).isEmpty { groups.append([]) }
            } else {
                groups[groups.count - 1].append(line)
            }
        }
        groups.removeAll { $0.isEmpty }
        if groups.isEmpty { groups = [[]] }
        return groups.enumerated().map { index, lines in
            MathSpan(tex: lines.map(\.text).joined(separator: "\n"), display: true, opening: "```{math}\n", closing: "\n```",
                     location: cell.location, texLocation: lines.first?.location ?? cell.location,
                     label: index == 0 ? label?.value : nil, labelLocation: index == 0 ? label?.valueLocation : nil)
        }
    }

    /// Whether `line` is an ATX level-one heading, `# Title`.
    static func isHeadingOne(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        return line.count - trimmed.count < 4 && (trimmed.hasPrefix("# ") || trimmed == "#") && trimmed.count > 2
    }

    /// The text of an ATX heading: `# Softmax #` → `Softmax`.
    static func headingText(_ line: String) -> String {
        var text = line.drop { $0 == " " }.dropFirst().trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("#") {
            let stripped = text.reversed().drop { $0 == "#" }
            if stripped.first == " " { text = String(stripped.reversed()).trimmingCharacters(in: .whitespaces) }
        }
        return text
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

    /// The name a notebook's outputs go under: `notebooks/softmax-mnist.zh.md` →
    /// `softmax-mnist.zh` (`<out>/softmax-mnist.zh.html`, `.json`, the folder of its cells'
    /// files and of its cache entries).
    ///
    /// It is always one safe path component inside `-o`, whatever the file is called: never
    /// empty, `.` or `..` and never hidden (a leading `.` gets a `_` before it, so `...md` →
    /// `_..`, `.md` → `_`, `.nbrun-cache.md` → `_.nbrun-cache`), without control characters
    /// (each becomes `_`), and at most `maxNameBytes` bytes of UTF-8 (cut at a character), so
    /// that the report's temporary file `.<name>.html.<pid>-<n>.tmp` fits a file name.
    public static func name(of file: String) -> String {
        let base = (file as NSString).lastPathComponent
        var name = base
        for ext in [".md", ".markdown", ".txt", ".qmd", ".myst"] where base.hasSuffix(ext) {
            name = String(base.dropLast(ext.count))
            break
        }
        name = String(String.UnicodeScalarView(name.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "/" ? "_" : $0 }))
        if name.isEmpty || name.hasPrefix(".") { name = "_" + name }
        while name.utf8.count > maxNameBytes { name.removeLast() }
        return name
    }

    /// The longest notebook name, in bytes: a temporary file beside the report adds 30.
    static let maxNameBytes = 200
}
