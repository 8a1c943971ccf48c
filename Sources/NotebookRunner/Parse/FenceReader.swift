import Foundation

/// What a fenced block with a braced info string is to nbrun (see `Compatibility`).
enum FenceRole: Equatable {
    /// One of nbrun's directives, or a name near one (checked strictly by the registry).
    case cell
    case math
    /// Another dialect's code, shown and not run, in this language.
    case code(String)
    /// A prose-level block whose content is notebook content.
    case block(ProseBlock.Kind)
    /// Half of a gated block (`{exercise-start}` / `{exercise-end}`).
    case gated(ProseBlock.Kind, opens: Bool)
    /// A directive replaced in the lines (`{raw}`, `{include}`, left-out ones), or whose fences are
    /// (`{list-table}`).
    case transform(Compatibility.Treatment)
}

/// What the parser puts in a directive's place (`{raw} html`, `{include}`, `{bibliography}`).
public enum ProseInsert: Sendable, Hashable {
    case html(String)
    /// The page's reference list (`{bibliography}`).
    case bibliography
    /// An `{include}`d file, parsed as prose (`Notebook.includes`).
    case included(Int)
    /// A `{literalinclude}`d file, shown as code.
    case code(CodeCell)
}

/// Opens the prose-level blocks of a page, outermost first: their fences and options become
/// blank lines so their content parses as notebook content, one cmark parse per level of
/// nesting. Collects what it finds on the way (blocks, inserts, errors, warnings) and goes on
/// past every problem that leaves the rest of the page readable.
struct FenceReader {
    let source: SourceText
    /// The run's directive names; nil: every unlisted `{name}` is a cell.
    let directives: [String]?
    let omitSolutions: Bool
    /// The page's folder, for `{include}`.
    let folder: URL?
    /// The files whose `{include}`s led to this page (resolved paths), against include loops, and
    /// the project folder of the page that includes them; nil: a page of its own.
    let includedFrom: (files: [String], projectFolder: URL)?

    private(set) var blocks: [ProseBlock] = []
    private(set) var inserts: [ProseInsert] = []
    private(set) var bibliographies: [SourceLocation] = []
    /// The files `{include}` brings in, parsed as prose (by `ProseInsert.included` index).
    private(set) var includes: [Notebook] = []
    /// The terms of `{glossary}` blocks, by `Placeholder.Kind.term` index.
    private(set) var glossary: [GlossaryTerm] = []
    /// The layouts of `{list-table}`s, by `Placeholder.Kind.table` index.
    private(set) var tableLayouts: [ListTable.Layout] = []
    /// The `{index}` entries with a `:name:`: targets at their place, titled by the entry, by
    /// `Placeholder.Kind.anchor` index (the page's other anchors follow them).
    private(set) var indexAnchors: [Anchor] = []
    private(set) var errors: [Diagnostic] = []
    private(set) var warnings: [Diagnostic] = []
    private var warnedNames: Set<String> = []
    private var warnedOptions: Set<String> = []

    init(source: SourceText, directives: [String]?, omitSolutions: Bool, folder: URL?, includedFrom: (files: [String], projectFolder: URL)? = nil) {
        self.source = source
        self.directives = directives
        self.omitSolutions = omitSolutions
        self.folder = folder
        self.includedFrom = includedFrom
    }

    /// How deep `{include}`s may nest.
    static let maxIncludeDepth = 8

    /// What the fence `header` opens, or nil for a plain code block (no braces).
    func role(of header: FenceHeader) -> FenceRole? {
        guard header.info.hasPrefix("{") else { return nil }
        guard header.info.utf8.contains(UInt8(ascii: "}")) else { return .cell }  // the cell parser says what is wrong
        let name = header.name
        if header.isPandocAttributes {
            return name.hasPrefix("=") ? .transform(.raw) : .code(CodeCell.language(of: header))
        }
        if let directives, directives.contains(name) { return .cell }
        if let entry = Compatibility.entry(named: name) {
            switch entry.treatment {
            case .block(let kind): return .block(kind)
            case .gated(let kind, let opens): return .gated(kind, opens: opens)
            case .code: return .code(CodeCell.language(of: header))
            case .math: return .math
            case .raw, .listTable, .include, .literalInclude, .dropped: return .transform(entry.treatment)
            }
        }
        if name.lowercased().hasPrefix("prf:") { return .block(.theorem) }
        guard let directives, FenceHeader.isDirectiveName(name), Suggestion.nearest(to: name, in: directives) == nil else { return .cell }
        return .block(.unknown)
    }

    /// Opens every prose-level block of `lines` and returns cmark's blocks of what is left.
    mutating func openBlocks(_ lines: inout [String]) -> [CommonMark.Block] {
        var blocks = Self.parse(&lines)
        while true {
            var found: [(block: CommonMark.Block, header: FenceHeader, role: FenceRole)] = []
            for block in blocks where block.kind == .fencedOrIndentedCode {
                guard let header = FenceHeader(line: lines[block.startLine - 1]), let role = role(of: header) else { continue }
                switch role {
                case .block, .gated, .transform: found.append((block, header, role))
                case .cell, .math, .code: break
                }
            }
            if found.isEmpty { return blocks }

            // Gated halves pair up in order; a solution left out takes everything between them.
            var omitted: [ClosedRange<Int>] = []
            var pairs: [(open: CommonMark.Block, header: FenceHeader, kind: ProseBlock.Kind, close: CommonMark.Block)] = []
            var waiting: [ProseBlock.Kind: [(CommonMark.Block, FenceHeader)]] = [:]
            for item in found {
                switch item.role {
                case .gated(let kind, opens: true):
                    waiting[kind, default: []].append((item.block, item.header))
                case .gated(let kind, opens: false):
                    if let (open, header) = waiting[kind]?.popLast() {
                        pairs.append((open, header, kind, item.block))
                    } else {
                        errors.append(.error("{\(item.header.name)} closes no {\(kind.rawValue)-start}", at: location(item.block, item.header),
                                             hint: "open the \(kind.rawValue) with ```{\(kind.rawValue)-start} before it"))
                        blank(&lines, item.block.startLine...item.block.endLine)
                    }
                case .block(.solution) where omitSolutions:
                    omitted.append(item.block.startLine...item.block.endLine)
                default:
                    break
                }
            }
            for (kind, opens) in waiting {
                for (open, header) in opens {
                    errors.append(.error("{\(kind.rawValue)-start} is never closed", at: location(open, header),
                                         hint: "end the \(kind.rawValue) with ```{\(kind.rawValue)-end} and a closing fence"))
                    blank(&lines, open.startLine...open.endLine)
                }
            }
            for pair in pairs where pair.kind == .solution && omitSolutions {
                omitted.append(pair.open.startLine...pair.close.endLine)
            }
            for range in omitted { blank(&lines, range) }
            func isOmitted(_ line: Int) -> Bool { omitted.contains { $0.contains(line) } }

            for pair in pairs where !isOmitted(pair.open.startLine) {
                var (block, _) = ProseBlock.read(pair.header, kind: pair.kind, lines: lines, startLine: pair.open.startLine,
                                                 endLine: pair.close.endLine, lastLine: pair.open.endLine - 1, source: source)
                block.name = pair.kind.rawValue
                warnUnknownOptions(block)
                blank(&lines, pair.open.startLine...pair.open.endLine)
                blank(&lines, pair.close.startLine...pair.close.endLine)
                self.blocks.append(block)
            }
            for item in found where !isOmitted(item.block.startLine) {
                switch item.role {
                case .block(let kind): open(item.block, item.header, kind: kind, lines: &lines)
                case .transform(let treatment): transform(item.block, item.header, treatment, lines: &lines)
                default: break
                }
            }
            blocks = Self.parse(&lines)
        }
    }

    /// cmark's blocks of `lines`, after `DialectLines` has rewritten what it finds outside them.
    private static func parse(_ lines: inout [String]) -> [CommonMark.Block] {
        let blocks = CommonMark.blocks(in: lines.joined(separator: "\n"))
        return DialectLines.normalize(&lines, outside: blocks) ? CommonMark.blocks(in: lines.joined(separator: "\n")) : blocks
    }

    private func location(_ block: CommonMark.Block, _ header: FenceHeader) -> SourceLocation {
        source.location(line: block.startLine, column: header.column)
    }

    /// Blank lines that keep the container prefix of the range's first line (list indentation,
    /// `>`; its list marker on the first line only), so a quote or list stays whole and the
    /// blanked lines' own list markers do not turn into empty items.
    private func blank(_ lines: inout [String], _ range: ClosedRange<Int>) {
        guard range.lowerBound - 1 < lines.count else { return }
        let first = lines[range.lowerBound - 1]
        let continuation = FenceHeader.continuationPrefix(first)
        let quote = continuation.trimmingTrailingWhitespace()
        for line in range where line - 1 < lines.count {
            if line == range.lowerBound {
                lines[line - 1] = FenceHeader.containerPrefix(first).trimmingTrailingWhitespace()
            } else {
                lines[line - 1] = lines[line - 1].hasPrefix(quote) ? quote : ""
            }
        }
    }

    /// Opens a fenced prose-level block: its fences and options are blanked.
    private mutating func open(_ fenced: CommonMark.Block, _ header: FenceHeader, kind: ProseBlock.Kind, lines: inout [String]) {
        let closed = fenced.endLine > fenced.startLine && header.isClosed(by: lines[fenced.endLine - 1])
        if !closed {
            let fence = String(repeating: String(header.character), count: header.length)
            errors.append(.error("the {\(header.name)} block opened here is never closed", at: location(fenced, header),
                                 hint: "end it with a line of \(fence); a block holding cells needs a longer fence than theirs"))
        }
        let endLine = closed ? fenced.endLine : fenced.startLine
        let read = ProseBlock.read(header, kind: kind, lines: lines, startLine: fenced.startLine, endLine: endLine,
                                   lastLine: fenced.endLine - (closed ? 1 : 0), source: source)
        var block = read.0
        let optionLines = read.optionLines
        let indent = FenceHeader.continuationPrefix(lines[fenced.startLine - 1])
        if kind == .unknown, !warnedNames.contains(header.name) {
            warnedNames.insert(header.name)
            let near = directives.map { names in " nbrun runs only its own directives: " + names.map { "{\($0)}" }.joined(separator: ", ") } ?? ""
            warnings.append(.warning("unknown directive {\(header.name)}: its content is shown in a box", at: location(fenced, header),
                                     hint: "docs/compatibility.md lists the directives of other dialects nbrun shows." + near))
        }
        warnUnknownOptions(block)
        blank(&lines, fenced.startLine...fenced.startLine)
        if closed {
            // A code fence the content leaves open ends with the block (as in MyST): its closing
            // line takes the place of the block's.
            if let inner = Self.openFence(in: lines[fenced.startLine..<(fenced.endLine - 1)]) {
                lines[fenced.endLine - 1] = FenceHeader.continuationPrefix(lines[fenced.endLine - 1])
                    + String(repeating: String(inner.character), count: inner.length)
            } else {
                blank(&lines, fenced.endLine...fenced.endLine)
            }
        }
        for line in optionLines { blank(&lines, line...line) }
        if kind == .glossary, closed, endLine > fenced.startLine + 1 {
            let terms = GlossaryTerm.read(&lines, body: (fenced.startLine + 1)...(endLine - 1),
                                          indent: indent,
                                          firstIndex: glossary.count, file: source.file) { Placeholder.token(.term, $0) }
            block.termCount = terms.count
            glossary += terms
        }
        if kind == .exercise, block.options["hidden"] != nil, endLine > fenced.startLine + 1 {
            blank(&lines, (fenced.startLine + 1)...(endLine - 1))
        }
        blocks.append(block)
    }

    /// The code fence `content` opens and does not close, if any.
    static func openFence(in content: ArraySlice<String>) -> FenceHeader? {
        var open: FenceHeader?
        for line in content {
            if let fence = open {
                if fence.isClosed(by: line) { open = nil }
            } else if let header = FenceHeader(line: line) {
                open = header
            }
        }
        return open
    }

    /// One warning per option name and page for an option no directive of this kind reads.
    private mutating func warnUnknownOptions(_ block: ProseBlock) {
        guard block.kind != .unknown else { return }
        for key in block.options.keys.sorted() where !Compatibility.blockOptions.contains(key) && !warnedOptions.contains(key) {
            warnedOptions.insert(key)
            warnings.append(.warning("option :\(key): of {\(block.name)} is ignored", at: block.location,
                                     hint: "nbrun reads " + Compatibility.blockOptions.sorted().map { ":\($0):" }.joined(separator: " ")))
        }
    }

    /// Replaces `{raw}`, `{include}` and left-out directives in the lines, and the fences of a
    /// `{list-table}` by its marks (`ListTable`).
    private mutating func transform(_ fenced: CommonMark.Block, _ header: FenceHeader, _ treatment: Compatibility.Treatment,
                                    lines: inout [String]) {
        let range = fenced.startLine...max(fenced.startLine, fenced.endLine)
        let prefix = FenceHeader.containerPrefix(lines[fenced.startLine - 1])
        // The body without the block's own container prefix (its list markers are the content's).
        let indent = FenceHeader.continuationPrefix(lines[fenced.startLine - 1])
        let body = Array(lines[fenced.startLine..<max(fenced.startLine, fenced.endLine - 1)]).map { line in
            line.hasPrefix(indent) ? String(line.dropFirst(indent.count)) : line.trimmingCharacters(in: .whitespaces)
        }
        func insert(_ item: ProseInsert) {
            blank(&lines, range)
            lines[fenced.startLine - 1] = prefix + Placeholder.token(.insert, inserts.count)
            inserts.append(item)
        }
        switch treatment {
        case .raw:
            let format = header.name.hasPrefix("=") ? String(header.name.dropFirst()) : header.argument
            if format.lowercased().split(separator: " ").first == "html" {
                insert(.html(body.joined(separator: "\n")))
            } else {
                blank(&lines, range)
            }
        case .include:
            switch readInclude(header.argument, at: source.location(line: fenced.startLine, column: header.argumentColumn)) {
            case .success(let included?):
                insert(.included(includes.count))
                includes.append(included)
                errors += included.errors
                warnings += included.warnings
            case .success(nil):
                blank(&lines, range)
            case .failure(let error):
                errors.append(error)
                blank(&lines, range)
            }
        case .literalInclude:
            var options: [String: String] = [:]
            for line in body {
                guard let option = CellParser.parseOption(line, at: source.location(line: fenced.startLine)) else { break }
                options[option.key] = option.value
            }
            switch LiteralInclude.read(header.argument, options: options, folder: folder, root: includedFrom?.projectFolder,
                                       location: source.location(line: fenced.startLine, column: header.argumentColumn)) {
            case .success(let cell): insert(.code(cell))
            case .failure(let error):
                errors.append(error)
                blank(&lines, range)
            }
        case .listTable:
            // The rows stay where they are, parsed with the page; the fences become the table's marks.
            var (layout, optionCount) = ListTable.layout(options: body)
            layout.caption = header.argument.isEmpty ? nil : header.argument
            layout.captionLocation = source.location(line: fenced.startLine, column: header.argumentColumn)
            layout.location = location(fenced, header)
            let index = tableLayouts.count
            tableLayouts.append(layout)
            if optionCount > 0 { blank(&lines, (fenced.startLine + 1)...(fenced.startLine + optionCount)) }
            if fenced.endLine > fenced.startLine, header.isClosed(by: lines[fenced.endLine - 1]) {
                lines[fenced.endLine - 1] = FenceHeader.continuationPrefix(lines[fenced.endLine - 1]) + ListTable.closingLine(index)
            }
            lines[fenced.startLine - 1] = prefix + Placeholder.token(.table, index)
        case .dropped where header.name == "bibliography":
            // The reference list goes where the first `{bibliography}` stands.
            bibliographies.append(location(fenced, header))
            if bibliographies.count == 1 { insert(.bibliography) } else { blank(&lines, range) }
        case .dropped where header.name == "index":
            blank(&lines, range)
            let at = source.location(line: fenced.startLine)
            let name = body.prefix { $0.trimmingCharacters(in: .whitespaces).hasPrefix(":") }
                .compactMap { CellParser.parseOption($0, at: at) }.first { $0.key == "name" }
            if let name, !name.value.isEmpty {
                indexAnchors.append(Anchor(label: name.value, placement: .sameLine, location: source.location(line: fenced.startLine, column: header.column),
                                           title: header.argument.isEmpty ? nil : header.argument))
                lines[fenced.startLine - 1] = prefix + Placeholder.token(.anchor, indexAnchors.count - 1)
            }
        case .dropped:
            blank(&lines, range)
        case .block, .gated, .code, .math:
            break
        }
    }

    /// The file an `{include}` names, parsed as prose of its own (its diagnostics name it, with its
    /// own line numbers): relative to the page, or with a leading `/` to the project folder, and inside
    /// that folder (`ProjectFile`). nil: the file is empty. nbrun's cells in it are not run (an error each).
    private func readInclude(_ path: String, at location: SourceLocation) -> Result<Notebook?, Diagnostic> {
        guard let folder else {
            return .failure(.error("{include} needs the page's folder", at: location, hint: "render the page from a file"))
        }
        guard !path.isEmpty else {
            return .failure(.error("{include} needs a file name", at: location, hint: "e.g. ```{include} _admonition/gpu.md"))
        }
        let root = includedFrom?.projectFolder ?? ProjectFile.projectFolder(above: folder)
        let url: URL
        switch ProjectFile.locate(path, from: folder, root: root) {
        case .success(let found): url = found
        case .failure(let outside):
            return .failure(.error("{include} '\(path)' is outside the project folder \(outside.root)", at: location,
                                   hint: "include files from the page's project only (a leading / starts at the project folder)"))
        }
        guard FileManager.default.fileExists(atPath: url.path) else {
            return .failure(.error("{include} file '\(path)' not found (looked in \(url.path))", at: location,
                                   hint: "the path is relative to the page"))
        }
        let chain = includedFrom?.files ?? []
        let resolved = url.resolvingSymlinksInPath().path
        guard !chain.contains(resolved) else {
            return .failure(.error("{include} '\(path)' includes itself", at: location, hint: "an included file may not include a file that includes it"))
        }
        guard chain.count < Self.maxIncludeDepth else {
            return .failure(.error("{include} '\(path)' is nested \(chain.count + 1) deep, more than \(Self.maxIncludeDepth)", at: location,
                                   hint: "include files from the page itself"))
        }
        let name = ((source.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path)
        do {
            let text = try SourceText(contentsOf: url, file: (name as NSString).standardizingPath)
            guard !text.text.allSatisfy(\.isWhitespace) else { return .success(nil) }
            var notebook = try NotebookParser.parse(text, omitSolutions: omitSolutions, directives: directives,
                                                    folder: url.deletingLastPathComponent(), includedFrom: (chain + [resolved], root))
            for cell in notebook.cells {
                notebook.errors.append(.error("{\(cell.directive)} in an {include}d file is not run: included files are prose",
                                              at: cell.location, hint: "move the cell into the page that includes the file"))
            }
            return .success(notebook)
        } catch {
            let diagnostic = (error as? Diagnostic) ?? .error("\(error)")
            guard diagnostic.location == nil else { return .failure(diagnostic) }
            return .failure(.error("{include} '\(path)' cannot be read: \(diagnostic.message)", at: location,
                                   hint: "the path is relative to the page (\(url.path))"))
        }
    }
}
