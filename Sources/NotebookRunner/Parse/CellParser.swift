import Foundation

/// Reads a directive cell out of a fenced code block.
///
/// Grammar (MyST-style):
///
///     fence     := "```" | "~~~" (three or more)
///     info      := "{" name "}" { whitespace argument }
///     name      := letter { letter | digit | "-" | "_" | ":" | "." }
///     body      := { option-line } { content-line }
///     option    := ":" key ":" [ " " value ]      -- key: no ':' inside, e.g. `lr`, `grad W`
///
/// Options stop at the first line that is not an option. A `:label:` names the cell.
enum CellParser {
    /// Whether a fence's info string starts a directive, `{name}`.
    static func isDirective(info: String) -> Bool {
        info.trimmingCharacters(in: .whitespaces).hasPrefix("{")
    }

    /// Builds the cell from the block's raw source lines (`fenceLine` is the opening fence).
    static func cell(index: Int, block: CommonMark.Block, source: SourceText, warnings: inout [Diagnostic]) throws -> Cell {
        let fenceLine = source.line(block.startLine)
        let fenceColumn = (fenceLine.unicodeScalars.firstIndex { $0 != " " && $0 != "\t" && $0 != ">" }
            .map { fenceLine.unicodeScalars.distance(from: fenceLine.unicodeScalars.startIndex, to: $0) } ?? 0) + 1
        let location = source.location(line: block.startLine, column: fenceColumn)

        // The raw info string after the fence characters.
        let scalars = Array(fenceLine.unicodeScalars)
        var k = fenceColumn - 1
        let fenceChar = k < scalars.count ? scalars[k] : "`"
        var fenceLength = 0
        while k < scalars.count, scalars[k] == fenceChar { k += 1; fenceLength += 1 }
        while k < scalars.count, scalars[k] == " " || scalars[k] == "\t" { k += 1 }
        let directiveLocation = source.location(line: block.startLine, column: k + 1)
        let info = String(String.UnicodeScalarView(scalars[k...])).trimmingTrailingWhitespace()

        guard info.hasPrefix("{"), let close = info.firstIndex(of: "}") else {
            throw Diagnostic.error("a directive name must be closed by '}': '\(info)'", at: directiveLocation,
                                   hint: "write the info string as {name} arguments, e.g. ```{load} mnist")
        }
        let name = String(info[info.index(after: info.startIndex)..<close]).trimmingCharacters(in: .whitespaces)
        guard FenceHeader.isDirectiveName(name) else {
            throw Diagnostic.error("'{\(name)}' is not a directive name", at: directiveLocation,
                                   hint: "names are letters, digits and '-', e.g. {load}, {show}, {gradcheck}")
        }
        let arguments = info[info.index(after: close)...].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)

        // The closing fence must exist: cmark closes an unterminated fence at the end of the document.
        let closingLine = FenceHeader.stripContainer(source.line(block.endLine)).trimmingTrailingWhitespace()
        let closes = block.endLine > block.startLine
            && closingLine.hasPrefix(String(repeating: String(fenceChar), count: fenceLength))
            && closingLine.allSatisfy { $0 == Character(fenceChar) }
        if !closes {
            throw Diagnostic.error("the code fence opened here is never closed", at: location,
                                   hint: "end the {\(name)} cell with a line of \(String(repeating: String(fenceChar), count: fenceLength))")
        }

        // Body lines with their source positions.
        var literalLines = block.literal.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if block.literal.hasSuffix("\n") { literalLines.removeLast() }
        var options: [CellOption] = []
        var body: [SourceLine] = []
        var inOptions = true
        for (offset, text) in literalLines.enumerated() {
            let lineNumber = block.startLine + 1 + offset
            let raw = source.line(lineNumber)
            let column = raw.hasSuffix(text) ? raw.unicodeScalars.count - text.unicodeScalars.count + 1 : fenceColumn
            let lineLocation = source.location(line: lineNumber, column: column)
            if inOptions, let option = parseOption(text, at: lineLocation) {
                options.append(option)
                continue
            }
            inOptions = false
            body.append(SourceLine(text: text, location: lineLocation))
        }
        while let last = body.last, last.text.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast() }
        let sourceText = source.lines[(block.startLine - 1)..<min(block.endLine, source.lines.count)].joined(separator: "\n")
        return Cell(index: index, directive: name, arguments: arguments, options: options, body: body,
                    location: location, directiveLocation: directiveLocation, source: sourceText)
    }

    /// `:key: value` → an option, or nil when the line is not one.
    static func parseOption(_ text: String, at location: SourceLocation) -> CellOption? {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        while start < scalars.count, scalars[start] == " " { start += 1 }
        guard start < scalars.count, scalars[start] == ":" else { return nil }
        guard let close = scalars[(start + 1)...].firstIndex(of: ":"), close > start + 1 else { return nil }
        let key = String(String.UnicodeScalarView(scalars[(start + 1)..<close]))
        guard let first = key.unicodeScalars.first, first.properties.isAlphabetic,
              !key.hasSuffix(" ") else { return nil }
        var valueStart = close + 1
        guard valueStart == scalars.count || scalars[valueStart] == " " || scalars[valueStart] == "\t" else { return nil }
        while valueStart < scalars.count, scalars[valueStart] == " " || scalars[valueStart] == "\t" { valueStart += 1 }
        let value = String(String.UnicodeScalarView(scalars[valueStart...])).trimmingTrailingWhitespace()
        return CellOption(key: key, value: value, location: location.advanced(byColumns: start),
                          valueLocation: location.advanced(byColumns: valueStart))
    }
}
