import Foundation

/// Builds a page's `References` once the prose is scanned: numbers its headings, decides what each
/// anchor labels, registers every target (headings, figures, tables, equations, exercises) in one
/// `TargetTable`, and checks every reference whose target is on the page.
///
/// Unknown labels, numbers asked of unnumbered targets, undefined footnotes and unknown roles are
/// warnings (the page renders, the reference shows its text); `{eq}` keeps its errors.
enum ReferenceResolver {
    struct Input {
        /// The scanned prose, one entry per source line (tokens for math and roles).
        var lines: [String]
        var file: String
        var inline: [InlineReference]
        var anchors: [Anchor]
        var widths: [(location: SourceLocation, value: String)]
        var tabs: [ReferenceLines.Tab]
        var footnotes: [ReferenceLines.Definition]
        var images: [ProseImage]
        var equations: EquationTable
        var blocks: [ProseBlock]
        var cells: [Cell]
        /// Code of other dialects: a `:name:`/`:label:` (Quarto's `#| label:`) makes it a target.
        var codeCells: [CodeCell] = []
        /// The `{list-table}`s' layouts: a `:name:`/`:label:` makes the table a target.
        var tables: [ListTable.Layout] = []
        var glossary: [GlossaryTerm] = []
        /// The line of the first `# Heading` taken out of the body as the page's title, and its text.
        var title: (line: Int, text: String)? = nil
        /// Where `lines` stop matching the notebook's (math spanning lines became one word).
        var shifts: [ProseScanner.LineShift] = []
    }

    /// The index in the scanned lines (1-based) of the text of notebook line `line`: after math
    /// spanning lines, up to the end of its paragraph run, the scanned text sits on earlier lines.
    static func scannedLine(_ line: Int, shifts: [ProseScanner.LineShift]) -> Int {
        var low = 0, high = shifts.count
        while low < high {
            let middle = (low + high) / 2
            if shifts[middle].sourceLine <= line { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return line }
        return shifts[low - 1].line + line - shifts[low - 1].sourceLine
    }

    static func build(_ input: Input, warnings: inout [Diagnostic]) -> References {
        var references = References()
        references.inline = input.inline
        references.anchors = input.anchors
        references.tabs = input.tabs
        references.footnotes = input.footnotes
        references.glossary = input.glossary
        let lines = input.lines
        func scanned(_ line: Int) -> Int { scannedLine(line, shifts: input.shifts) }
        let titleLine = input.title.map { scanned($0.line) }
        func isBlank(_ line: Int) -> Bool {
            guard line >= 1, line <= lines.count else { return true }
            if line == titleLine { return false }
            return Placeholder.removingTokens(from: lines[line - 1]).trimmingCharacters(in: .whitespaces).isEmpty
                && !lines[line - 1].contains("\u{E000}MATH") && !lines[line - 1].contains("\u{E000}XREF")
        }

        // Headings, numbered 1, 1.1, … below a lone top-level title.
        let headings = CommonMark.headings(in: lines.joined(separator: "\n"))
        var headingAtLine: [Int: Int] = [:]
        for (index, entry) in headings.enumerated() { headingAtLine[entry.line] = index }
        let numbers = sectionNumbers(headings.map(\.heading.level))

        // What each anchor labels.
        var headingLabels: [Int: [Int]] = [:]
        var titleLabels: [Int] = []
        // A `(label)=` before a block or an image: the line it lands on, and the image's alt text.
        var landing: [Int: (from: Int, to: Int)] = [:]
        var imageTitles: [Int: String] = [:]
        /// The block a `(label)=` lands on (its fence at or before the first line after the label).
        func block(after range: (from: Int, to: Int)) -> ProseBlock? {
            input.blocks.first { range.from < scanned($0.startLine) && scanned($0.startLine) <= range.to }
        }
        for index in references.anchors.indices {
            let anchor = references.anchors[index]
            var line = scanned(anchor.location.line)
            switch anchor.placement {
            case .sameLine: break
            case .next:
                line += 1
                while line <= lines.count, isBlank(line) { line += 1 }
            case .previous:
                line -= 1
                while line >= 1, isBlank(line) { line -= 1 }
            }
            var text = line >= 1 && line <= lines.count ? lines[line - 1] : ""
            var tableCaption: String?
            if anchor.placement == .previous, line >= 1 {
                // d2l labels the paragraph before: an image whose alt text spans lines, a table, or
                // the `:caption` line of the table that follows.
                var start = line
                while start > 1, !isBlank(start - 1), headingAtLine[start - 1] == nil { start -= 1 }
                text = lines[(start - 1)..<line].joined(separator: "\n")
                let first = lines[start - 1].trimmingCharacters(in: .whitespaces)
                if first.hasPrefix(":"), !first.hasPrefix(":label:"), !first.contains("![") {
                    tableCaption = String(first.dropFirst()).trimmingCharacters(in: .whitespaces)
                }
            }
            if anchor.placement == .next { landing[index] = (scanned(anchor.location.line), line) }
            if let heading = headingAtLine[line] {
                references.anchors[index].kind = .section
                headingLabels[heading, default: []].append(index)
            } else if line == titleLine {
                references.anchors[index].kind = .section
                titleLabels.append(index)
            } else if anchor.placement != .next, text.contains("![") {
                references.anchors[index].kind = quartoKind(anchor.label)?.kind ?? .figure
                references.anchors[index].showsCaption = true
            } else if anchor.placement == .next, text.contains("![") {
                imageTitles[index] = caption(onLine: lines, at: line, placement: .sameLine)
            } else if let tableCaption {
                references.anchors[index].kind = .table
                imageTitles[index] = tableCaption.isEmpty ? nil : tableCaption
            } else if anchor.placement == .previous, text.trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                references.anchors[index].kind = .table
            } else if anchor.placement == .sameLine, let quarto = quartoKind(anchor.label) {
                references.anchors[index].kind = quarto.kind
            } else if anchor.placement == .next, let term = definitionTerm(lines, at: line) {
                imageTitles[index] = term  // a definition list: shown by its first term, as MyST does
            }
        }

        var targets = TargetTable()
        for anchorIndex in titleLabels {
            let anchor = references.anchors[anchorIndex]
            targets.register(Target(label: anchor.label, kind: .section, title: input.title?.text, numbering: .none, location: anchor.location),
                             into: &warnings)
        }
        for (index, entry) in headings.enumerated() {
            let location = SourceLocation(file: input.file, line: entry.line, column: 1)
            let numbering: Target.Numbering = numbers[index].map { .fixed($0) } ?? .none
            for anchorIndex in headingLabels[index, default: []] {
                let anchor = references.anchors[anchorIndex]
                targets.register(Target(label: anchor.label, kind: .section, title: entry.heading.text, numbering: numbering,
                                        location: anchor.location), into: &warnings)
            }
            targets.register(Target(label: entry.heading.anchor, kind: .section, title: entry.heading.text, numbering: numbering,
                                    location: location, implicit: true), into: &warnings)
        }
        // What a `(label)=` may land on that carries a label of its own: blocks, list tables, code.
        let labelled: [(line: Int, label: String)] = input.blocks.compactMap { block in block.label.map { (block.startLine, $0) } }
            + input.tables.compactMap { table in table.label.flatMap { label in table.location.map { ($0.line, label) } } }
            + input.codeCells.compactMap { cell in cell.label.map { (cell.location.line, $0) } }
        for (index, anchor) in references.anchors.enumerated() where anchor.kind == .generic {
            // `(x)=` above a block whose own label is `x`: one target spelt twice, which the block carries.
            guard let range = landing[index] else { continue }
            if labelled.contains(where: { $0.label == anchor.label && range.from < scanned($0.line) && scanned($0.line) <= range.to }) {
                references.anchors[index].namesLabelledBlock = true
            }
        }
        for (index, anchor) in references.anchors.enumerated() where anchor.kind != .section && !anchor.namesLabelledBlock {
            if anchor.kind == .generic, landing[index].flatMap(block(after:)) != nil {
                continue  // it names the block: registered once the block's number is known
            }
            let title = anchor.showsCaption ? caption(onLine: lines, at: scanned(anchor.location.line), placement: anchor.placement)
                : imageTitles[index] ?? anchor.title
            let quarto = quartoKind(anchor.label)
            let numbering: Target.Numbering = anchor.kind == .generic ? .none : .automatic
            targets.register(Target(label: anchor.label, kind: anchor.kind, name: anchor.kind == quarto?.kind ? quarto?.name : nil,
                                    title: title, numbering: numbering, location: anchor.location), into: &warnings)
        }
        for equation in input.equations.equations {
            targets.register(Target(label: equation.label, kind: .equation, anchor: EquationTable.anchor(equation.label),
                                    numbering: .fixed(equation.number), location: equation.location), into: &warnings)
        }
        for cell in input.cells {
            let anchor = "cell-" + SlugSet.slug(cell.label)
            targets.register(Target(label: anchor, kind: .code, title: cell.label, numbering: .none, location: cell.location, implicit: true),
                             into: &warnings)
        }
        // The blocks of other dialects: a figure ("Figure 2", its caption the first line of its body),
        // a theorem-like box ("Lemma 1", its title the argument), any other labelled block (no number).
        for table in input.tables {
            guard let label = table.label, let location = table.location else { continue }
            targets.register(Target(label: label, kind: .table, title: table.caption.map(CommonMark.plainText(inline:)), location: location),
                             into: &warnings)
        }
        for cell in input.codeCells {
            guard let label = cell.label else { continue }
            if cell.isFigure {
                let numbering: Target.Numbering = cell.figureNumber.map { .fixed(String($0)) } ?? .automatic
                targets.register(Target(label: label, kind: .figure, title: cell.caption.map(unquoted), numbering: numbering, location: cell.location),
                                 into: &warnings)
                continue
            }
            let quarto = quartoKind(label)
            let kind = quarto?.kind ?? .code
            let title = cell.options["caption"] ?? cell.options[kind == .table ? "tbl-cap" : "fig-cap"] ?? cell.options["lst-cap"]
            targets.register(Target(label: label, kind: kind, name: quarto?.name, title: title.map(unquoted), location: cell.location),
                             into: &warnings)
        }
        for block in input.blocks where block.kind != .exercise {
            guard let label = block.label else { continue }
            let numbering: Target.Numbering = block.number.map { .fixed(String($0)) } ?? .none
            switch block.kind {
            case .figure:
                let (start, end) = (scanned(block.startLine), scanned(block.endLine))
                let body = (start + 1..<max(start + 1, end)).first { !isBlank($0) }.map { lines[$0 - 1] }
                let caption = body.map { Placeholder.removingTokens(from: $0).trimmingCharacters(in: .whitespaces) }
                // The caption's first line as text (its Markdown read, its container's indentation left out).
                let title = body.map { CommonMark.plainText(inline: FenceHeader.stripContainer($0).trimmingTrailingWhitespace()) }
                targets.register(Target(label: label, kind: .figure, title: caption?.isEmpty == false ? title : block.options["alt"],
                                        numbering: numbering, location: block.location), into: &warnings)
            case .theorem:
                targets.register(Target(label: label, kind: .theorem, name: theoremName(block), title: block.titleText,
                                        numbering: numbering, location: block.location), into: &warnings)
            case .table:
                targets.register(Target(label: label, kind: .table, title: block.titleText, location: block.location), into: &warnings)
            case _ where quartoKind(label) != nil:
                // A Quarto cross-reference div (`::: {#fig-x}`): numbered per kind, its last paragraph the caption.
                let quarto = quartoKind(label)!
                let (start, end) = (scanned(block.startLine), scanned(block.endLine))
                let last = (start + 1..<max(start + 1, end)).reversed().first { !isBlank($0) }.map { lines[$0 - 1] }
                targets.register(Target(label: label, kind: quarto.kind, name: quarto.name, title: last, location: block.location),
                                 into: &warnings)
            case .solution:
                let title = block.number.map { "Solution to Exercise \($0)" } ?? "Solution"
                targets.register(Target(label: label, kind: .generic, title: title, numbering: .none, location: block.location), into: &warnings)
            default:
                targets.register(Target(label: label, kind: .generic, title: block.titleText, numbering: .none,
                                        location: block.location), into: &warnings)
            }
        }
        for block in input.blocks where block.kind == .exercise {
            guard let label = block.label else {
                targets.register(Target(label: ProseBlockRenderer.anchor(block), kind: .exercise, title: block.titleText,
                                        numbering: block.number.map { .fixed(String($0)) } ?? .none, location: block.location, implicit: true),
                                 into: &warnings)
                continue
            }
            targets.register(Target(label: label, kind: .exercise, title: block.titleText, anchor: ProseBlockRenderer.anchor(block),
                                    numbering: block.number.map { .fixed(String($0)) } ?? .none, location: block.location), into: &warnings)
        }
        targets.finish()
        // `(label)=` before a block names the block: its kind, number and title, at the label's own id.
        for (index, range) in landing.sorted(by: { $0.key < $1.key })
        where references.anchors[index].kind == .generic && !references.anchors[index].namesLabelledBlock {
            guard let block = block(after: range) else { continue }
            let anchor = references.anchors[index]
            let named = block.label.flatMap { targets.target($0) }
                ?? (block.kind == .exercise ? targets.target(ProseBlockRenderer.anchor(block)) : nil)
            let kind = named?.kind ?? (block.kind == .theorem ? .theorem : block.kind == .figure ? .figure : .generic)
            let number = named?.number ?? (kind == .generic ? nil : block.number.map(String.init))
            let name = named?.name ?? (block.kind == .theorem ? theoremName(block) : nil)
            targets.register(Target(label: anchor.label, kind: kind, name: name, title: named?.title ?? block.titleText,
                                    numbering: number.map { .fixed($0) } ?? .none, location: anchor.location), into: &warnings)
        }
        references.targets = targets
        warnings += check(&references, htmlIDs: htmlIDs(in: lines))

        for width in input.widths {
            let image = input.images.last { $0.location.line < width.location.line && $0.location.line >= width.location.line - 3 }
            if let image { references.imageWidths[image.source] = width.value } else {
                warnings.append(.warning(":width: follows no image", at: width.location, hint: "write it on the line after ![caption](file)"))
            }
        }
        return references
    }

    /// The number of each heading (nil: not numbered). A lone first heading at the top level is the
    /// page's title; the levels below it are numbered 1, 1.1, 1.1.1, …
    static func sectionNumbers(_ levels: [Int]) -> [String?] {
        guard let top = levels.min() else { return [] }
        let isTitle = levels.first == top && levels.dropFirst().allSatisfy { $0 > top }
        let base = isTitle ? (levels.dropFirst().min() ?? top + 1) : top
        var counters = [Int](repeating: 0, count: 7)
        return levels.enumerated().map { index, level in
            guard !(isTitle && index == 0), level >= base else { return nil }
            counters[level] += 1
            for deeper in (level + 1)..<7 { counters[deeper] = 0 }
            return (base...level).map { String(counters[$0]) }.joined(separator: ".")
        }
    }

    /// "Lemma" for `{prf:lemma}`.
    private static func theoremName(_ block: ProseBlock) -> String {
        let kind = block.name.split(separator: ":").last.map(String.init) ?? block.name
        return kind.prefix(1).uppercased() + kind.dropFirst()
    }

    /// A Quarto option value without its quotes (`#| fig-cap: "A plot"`).
    private static func unquoted(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first else { return trimmed }
        return String(trimmed.dropFirst().dropLast())
    }

    static func quartoKind(_ label: String) -> (kind: Target.Kind, name: String)? {
        References.quartoPrefixes.first { label.hasPrefix($0.prefix) }.map { ($0.kind, $0.name) }
    }

    /// The term on line `line` (1-based) when a definition (`: …`) follows it: a definition list's first term.
    private static func definitionTerm(_ lines: [String], at line: Int) -> String? {
        guard line >= 1, line < lines.count else { return nil }
        let term = lines[line - 1].trimmingCharacters(in: .whitespaces)
        let next = lines[line].trimmingCharacters(in: .whitespaces)
        guard !term.isEmpty, !term.hasPrefix(":"), !term.hasPrefix("|"), next.hasPrefix(": ") || next == ":" else { return nil }
        return term
    }

    /// The caption of the image on the anchor's line (Quarto) or the line before it (d2l): its alt text.
    private static func caption(onLine lines: [String], at anchorLine: Int, placement: Anchor.Placement) -> String? {
        var line = anchorLine
        if placement == .previous {
            line -= 1
            while line >= 1, !lines[line - 1].contains("![") { line -= 1 }
        }
        guard line >= 1, line <= lines.count, let open = lines[line - 1].range(of: "![") else { return nil }
        let rest = lines[line - 1][open.upperBound...]
        guard let close = rest.firstIndex(of: "]") else { return nil }
        let alt = rest[..<close].trimmingCharacters(in: .whitespaces)
        return alt.isEmpty ? nil : alt
    }

    /// Located warnings for references to labels the page lacks, unnumbered targets asked for a number,
    /// unknown roles (once per name), `{term}` with no glossary (once), undefined footnotes; numbers the footnotes.
    static func check(_ references: inout References, htmlIDs: Set<String> = []) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        var warnedRoles = Set<String>()
        var warnedGlossary = false
        let defined = Set(references.footnotes.map(\.name))
        let terms = references.glossary.map(\.text)
        let anchors = Set(references.targets.targets.map(\.anchor)).union(htmlIDs)
        for reference in references.inline {
            switch reference.kind {
            case .ref, .numref, .prfRef, .link:
                guard let target = references.targets.target(reference.target) else {
                    if !anchors.contains(reference.target) {
                        warnings.append(references.targets.unknown(reference.target, at: reference.targetLocation))
                    }
                    continue
                }
                // An unnumbered section shows its title (d2l's `:numref:` of a chapter), no warning.
                if reference.kind == .numref, target.number == nil, target.kind != .section {
                    warnings.append(.warning("'\(reference.target)' has no number", at: reference.targetLocation,
                                             hint: "{numref} names a numbered figure, table, equation, section or theorem; {ref} shows a title"))
                }
            case .term:
                guard references.term(reference.target) == nil else { continue }
                if terms.isEmpty {
                    if !warnedGlossary {
                        warnings.append(.warning("{term} '\(reference.target)' has no glossary on this page: shown as text", at: reference.location,
                                                 hint: "define terms in a ```{glossary} block to link them"))
                    }
                    warnedGlossary = true
                } else {
                    let near = Suggestion.nearest(to: reference.target, in: terms).map { "did you mean '\($0)'? " } ?? ""
                    warnings.append(.warning("'\(reference.target)' is not in the glossary", at: reference.targetLocation,
                                             hint: near + "terms: " + terms.prefix(20).joined(separator: ", ") + (terms.count > 20 ? ", …" : "")))
                }
            case .plain(let role):
                guard !InlineReference.Kind.quietPlainRoles.contains(role), warnedRoles.insert(role).inserted else { continue }
                let near = Suggestion.nearest(to: role, in: knownRoles).map { "did you mean {\($0)}? " } ?? ""
                warnings.append(.warning("unknown role {\(role)}: its text is shown plainly", at: reference.location,
                                         hint: near + "known roles: " + knownRoles.joined(separator: ", ")))
            case .footnote:
                guard defined.contains(reference.target) else {
                    warnings.append(.warning("footnote [^\(reference.target)] is not defined", at: reference.targetLocation,
                                             hint: "write its text on a line of its own: [^\(reference.target)]: …"))
                    continue
                }
                if references.footnoteNumbers[reference.target] == nil {
                    references.footnoteNumbers[reference.target] = references.footnoteNumbers.count + 1
                }
            default:
                continue
            }
        }
        return warnings
    }

    /// The `id` attributes of the author's raw HTML (`<span id="x">`), which links may name too.
    static func htmlIDs(in lines: [String]) -> Set<String> {
        var ids = Set<String>()
        // Bytes first: Foundation's `contains` is slow on every line of a long page.
        for line in lines where line.containsBytes(of: "id=") {
            var rest = Substring(line)
            while let range = rest.range(of: "id=") {
                rest = rest[range.upperBound...]
                guard let quote = rest.first, quote == "\"" || quote == "'" else { continue }
                let value = rest.dropFirst().prefix { $0 != quote }
                if !value.isEmpty { ids.insert(String(value)) }
                rest = rest.dropFirst(value.count + 1)
            }
        }
        return ids
    }

    static let knownRoles = ["ref", "numref", "eq", "eval", "math", "prf:ref", "doc", "download", "cite", "cite:t", "cite:p",
                             "cite:ps", "cite:ts", "term", "kbd", "sub", "sup", "abbr", "index", "code", "file", "command"]
}
