import Foundation

/// Turns a notebook's text into a `Notebook`: front matter, cells, math and roles.
///
/// 1. `FrontMatterParser` reads the YAML block; its lines are blanked so that every
///    later line keeps its number.
/// 2. cmark parses the body once to find code and HTML blocks; fenced blocks whose
///    info string starts with `{` become cells (`CellParser`).
/// 3. `ProseScanner` sets math and `{eval}` roles aside in every other line.
public enum NotebookParser {
    /// Parses the notebook at `url`, naming it `file` in diagnostics.
    public static func parse(contentsOf url: URL, file: String? = nil) throws -> Notebook {
        let name = file ?? url.path
        return try parse(SourceText(contentsOf: url, file: name))
    }

    /// Parses decoded notebook text.
    public static func parse(_ source: SourceText) throws -> Notebook {
        if source.text.allSatisfy(\.isWhitespace) {
            throw Diagnostic.error("the notebook is empty", at: source.location(line: 1),
                                   hint: "a notebook is Markdown prose with directive cells such as ```{load} mnist")
        }
        let frontMatter = try FrontMatterParser.parse(source)
        var lines = source.lines
        for index in 0..<min(frontMatter.lineCount, lines.count) { lines[index] = "" }

        let blocks = CommonMark.blocks(in: lines.joined(separator: "\n"))
        var warnings: [Diagnostic] = []
        var cells: [Cell] = []
        var cellBlocks: [CommonMark.Block] = []
        var protectedLines = Set<Int>()
        for block in blocks {
            protectedLines.formUnion(block.startLine...max(block.startLine, block.endLine))
            guard block.kind == .fencedOrIndentedCode, CellParser.isDirective(info: block.info) else { continue }
            let cell = try CellParser.cell(index: cells.count + 1, block: block, source: source, warnings: &warnings)
            if let previous = cells.first(where: { $0.label == cell.label }) {
                throw Diagnostic.error("label '\(cell.label)' is already used by the cell at line \(previous.location.line)",
                                       at: cell.option("label")?.valueLocation ?? cell.location,
                                       hint: "labels name cells in the report and in {eval}; give each cell its own")
            }
            cells.append(cell)
            cellBlocks.append(block)
        }

        var scanner = ProseScanner()
        let cellStarts = cellBlocks.map(\.startLine)
        var prose = scanner.protect(lines: lines, firstLine: 1, file: source.file, protectedLines: protectedLines,
                                    cellsBefore: { line in cellStarts.filter { $0 < line }.count })
        for (index, block) in cellBlocks.enumerated() {
            // Keep the container prefix (list indentation, `>`), so the cell stays where it was.
            let fence = source.line(block.startLine)
            let prefix = String(fence.prefix { $0 == " " || $0 == "\t" || $0 == ">" })
            let blank = prefix.trimmingTrailingWhitespace()
            for line in block.startLine...block.endLine where line - 1 < prose.count { prose[line - 1] = blank }
            prose[block.startLine - 1] = "\(blank)\n\(prefix)\(Notebook.cellPrefix)\(index)X\n\(blank)"
        }

        return Notebook(file: source.file, name: Self.name(of: source.file), frontMatter: frontMatter, cells: cells,
                        math: scanner.math, roles: scanner.roles, prose: prose.joined(separator: "\n"), warnings: warnings)
    }

    /// `notebooks/softmax-mnist.zh.md` → `softmax-mnist.zh`.
    static func name(of file: String) -> String {
        let base = (file as NSString).lastPathComponent
        for ext in [".md", ".markdown", ".txt"] where base.hasSuffix(ext) {
            return String(base.dropLast(ext.count))
        }
        return base
    }
}
