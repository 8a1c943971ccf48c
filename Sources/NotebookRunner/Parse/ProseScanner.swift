/// Replaces math and `{eval}` roles in prose by placeholder words before cmark sees it.
///
/// cmark would otherwise read `$W_{i,j}$ and $a_i$` as emphasis and eat backslashes
/// in `\{`. Recognised, outside code spans, code blocks and HTML blocks:
///
///     display  := "$$" tex "$$" [ "(" label ")" ] | "\[" tex "\]"   (may span lines; label: MyST)
///                 | "\begin{" env "}" tex "\end{" env "}"   (written bare in the text, as MathJax allows;
///                    env: equation, align, gather, multline, eqnarray, each also starred)
///     inline   := "$" tex "$"  | "\(" tex "\)"
///                 -- as Jupyter and MyST: spaces inside are fine (`$ x + y $`); the first
///                 -- `$` after the opening closes it, unless it comes before a digit (then
///                 -- both are money: `$5 and $6`); TeX that starts with a digit must end
///                 -- next to the `$` (`$2x$`, not `$5 or $`); blank TeX is not math; `\$` is a literal dollar;
///                 -- inline math does not cross a blank line.
///     role     := "{eval}" "`" expression "`" | "{py}" "`" python "`" | "`{python} " python "`" | "{eq}" "`" label "`" | "{math}" "`" tex "`"
///                 | the references of `InlineReference` (MyST roles, `[](#label)`, d2l, Quarto, `[^note]`)
///
/// Each piece becomes a `Placeholder` token that cmark passes through as text, and that
/// the renderer swaps for MathML or the role's value.
struct ProseScanner {

    private(set) var math: [MathSpan] = []
    private(set) var roles: [InlineRole] = []
    /// `{eq}` roles, resolved by `EquationTable`.
    private(set) var references: [EquationReference] = []
    /// Every other role, cross-reference, citation and footnote mark, in order of their `xref` tokens.
    private(set) var inline: [InlineReference] = []
    /// Labels that put an id on the page, in order of their `anchor` tokens (the line pass adds its own first).
    var anchors: [Anchor] = []
    /// d2l's `:width:` values, each to the image before it.
    private(set) var widths: [(location: SourceLocation, value: String)] = []
    /// Where the returned lines stop matching the notebook's, in order: math spanning lines
    /// becomes one word, so the text after it sits on an earlier returned line than in the notebook.
    private(set) var shifts: [LineShift] = []

    /// From returned `line` (1-based) at byte `byteColumn` on, the text is the notebook's line
    /// `sourceLine` from scalar column `sourceColumn`; later returned lines follow the notebook's
    /// lines one by one, up to the next shift.
    struct LineShift: Sendable, Hashable {
        var line: Int
        var byteColumn: Int
        var sourceLine: Int
        var sourceColumn: Int
    }

    /// The notebook line and scalar column where returned `line` at `byteColumn` comes from, with
    /// the returned line's byte column and the notebook's column at which their common text starts.
    static func sourcePosition(line: Int, byteColumn: Int, shifts: [LineShift])
        -> (sourceLine: Int, byteColumnFrom: Int, sourceColumnFrom: Int) {
        var low = 0, high = shifts.count
        while low < high {
            let middle = (low + high) / 2
            let shift = shifts[middle]
            if (shift.line, shift.byteColumn) <= (line, byteColumn) { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return (line, 1, 1) }
        let shift = shifts[low - 1]
        if shift.line == line { return (shift.sourceLine, shift.byteColumn, shift.sourceColumn) }
        return (shift.sourceLine + line - shift.line, 1, 1)
    }

    /// Scans `lines` (1-based numbers from `firstLine`), skipping `protectedLines`, and returns them
    /// with math and roles replaced. `cellsBefore(line)` says how many cells precede a line.
    mutating func protect(lines: [String], firstLine: Int, file: String, protectedLines: Set<Int>,
                          cellsBefore: (Int) -> Int) -> [String] {
        var output: [String] = []
        output.reserveCapacity(lines.count)
        // Work paragraph by paragraph: a run of consecutive unprotected lines.
        var index = 0
        while index < lines.count {
            let lineNumber = firstLine + index
            if protectedLines.contains(lineNumber) {
                output.append(lines[index])
                index += 1
                continue
            }
            var end = index
            while end < lines.count, !protectedLines.contains(firstLine + end) { end += 1 }
            let chunk = Array(lines[index..<end])
            let shiftCount = shifts.count
            var protected = protectChunk(chunk, firstLine: lineNumber, file: file, cellsBefore: cellsBefore)
            // Math spanning lines became one word: pad, so every later line keeps its number.
            while protected.count < chunk.count { protected.append("") }
            if shifts.count > shiftCount {
                shifts.append(LineShift(line: firstLine + end, byteColumn: 1, sourceLine: firstLine + end, sourceColumn: 1))
            }
            output += protected
            index = end
        }
        return output
    }

    private mutating func protectChunk(_ lines: [String], firstLine: Int, file: String, cellsBefore: (Int) -> Int) -> [String] {
        // Scalars of the whole chunk with their line and column.
        var scalars: [Unicode.Scalar] = []
        var positions: [(line: Int, column: Int)] = []
        for (offset, line) in lines.enumerated() {
            var column = 1
            for scalar in line.unicodeScalars {
                scalars.append(scalar)
                positions.append((firstLine + offset, column))
                column += 1
            }
            scalars.append("\n")
            positions.append((firstLine + offset, column))
        }
        var result = ""
        var i = 0
        // Line breaks written so far, where the current returned line starts (in bytes), and
        // the last returned line that is known to match a notebook line.
        var outputBreaks = 0, lineStart = 0
        var matched = (outputBreaks: 0, sourceLine: firstLine)
        func emit(_ slice: ArraySlice<Unicode.Scalar>) {
            for scalar in slice {
                result.unicodeScalars.append(scalar)
                if scalar == "\n" {
                    outputBreaks += 1
                    lineStart = result.utf8.count
                }
            }
        }
        func location(_ index: Int) -> SourceLocation {
            SourceLocation(file: file, line: positions[index].line, column: positions[index].column)
        }
        func matches(_ literal: String, at index: Int) -> Bool {
            var k = index
            for scalar in literal.unicodeScalars {
                guard k < scalars.count, scalars[k] == scalar else { return false }
                k += 1
            }
            return true
        }
        func isBlankLineBreak(_ index: Int) -> Bool {
            // A newline followed by only whitespace up to the next newline.
            guard scalars[index] == "\n" else { return false }
            var k = index + 1
            while k < scalars.count, scalars[k] == " " || scalars[k] == "\t" { k += 1 }
            return k < scalars.count && scalars[k] == "\n"
        }
        func isBlank(_ slice: ArraySlice<Unicode.Scalar>) -> Bool {
            slice.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" }
        }
        func find(_ closing: String, from start: Int, crossBlankLines: Bool, inlineDollar: Bool) -> Int? {
            var k = start
            while k < scalars.count {
                if scalars[k] == "\\" && !(closing.hasPrefix("\\") && matches(closing, at: k)) {
                    k += 2
                    continue
                }
                if !crossBlankLines && isBlankLineBreak(k) { return nil }
                if inlineDollar && scalars[k] == "`" { return nil }
                if matches(closing, at: k) {
                    if inlineDollar {
                        let after = k + 1 < scalars.count ? scalars[k + 1] : " "
                        // A `$` before a digit is an amount, not a closing: `$5 and $6` is money.
                        if ("0"..."9").contains(after) || isBlank(scalars[start..<k]) { return nil }
                        // `$5 and $` neither: a span starting with a digit must end next to its TeX.
                        if ("0"..."9").contains(scalars[start]) && isBlank(scalars[(k - 1)..<k]) {
                            k += 1
                            continue
                        }
                    }
                    return k
                }
                k += 1
            }
            return nil
        }

        /// The name of a display environment that starts at `index` with `\begin{`, if it is one written bare.
        func bareEnvironment(at index: Int) -> String? {
            guard matches("\\begin{", at: index) else { return nil }
            var k = index + 7
            var name = ""
            while k < scalars.count, k < index + 20, scalars[k] != "}" { name.unicodeScalars.append(scalars[k]); k += 1 }
            return Self.bareEnvironments.contains(name) ? name : nil
        }

        // Where the last display math of this chunk ends (d2l's `:eqlabel:` follows it).
        var lastDisplayEnd: Int?
        while i < scalars.count {
            let c = scalars[i]
            if positions[i].line != matched.sourceLine + outputBreaks - matched.outputBreaks {
                shifts.append(LineShift(line: firstLine + outputBreaks, byteColumn: result.utf8.count - lineStart + 1,
                                        sourceLine: positions[i].line, sourceColumn: positions[i].column))
                matched = (outputBreaks, positions[i].line)
            }
            // Code span: a run of n backticks up to the next run of exactly n.
            if c == "`" {
                var n = 0
                while i + n < scalars.count, scalars[i + n] == "`" { n += 1 }
                var k = i + n
                var close: Int?
                while k < scalars.count {
                    if scalars[k] == "`" {
                        var m = 0
                        while k + m < scalars.count, scalars[k + m] == "`" { m += 1 }
                        if m == n { close = k; break }
                        k += m
                    } else {
                        k += 1
                    }
                }
                let end = close.map { $0 + n } ?? i + n
                // Quarto's inline value: `{python} expr`.
                if n == 1, let close, matches("`{python} ", at: i) {
                    let start = i + 10
                    let expression = String(String.UnicodeScalarView(scalars[start..<close]))
                    roles.append(InlineRole(expression: expression, location: location(i), expressionLocation: location(start),
                                            cellsBefore: cellsBefore(positions[i].line), kernel: .quarto))
                    result.unicodeScalars.append(contentsOf: Placeholder.token(.eval, roles.count - 1).unicodeScalars)
                    i = end
                    continue
                }
                emit(scalars[i..<end])
                i = end
                continue
            }
            // {eval}`expr`
            if c == "{", matches("{eval}`", at: i) {
                let start = i + 7
                if let close = scalars[start...].firstIndex(of: "`") {
                    let expression = String(String.UnicodeScalarView(scalars[start..<close]))
                    roles.append(InlineRole(expression: expression, location: location(i), expressionLocation: location(start),
                                            cellsBefore: cellsBefore(positions[i].line)))
                    result.unicodeScalars.append(contentsOf: Placeholder.token(.eval, roles.count - 1).unicodeScalars)
                    i = close + 1
                    continue
                }
            }
            // {py}`expr`: a value of the page's Jupyter kernel
            if c == "{", matches("{py}`", at: i) {
                let start = i + 5
                if let close = scalars[start...].firstIndex(of: "`") {
                    let expression = String(String.UnicodeScalarView(scalars[start..<close]))
                    roles.append(InlineRole(expression: expression, location: location(i), expressionLocation: location(start),
                                            cellsBefore: cellsBefore(positions[i].line), kernel: .role))
                    result.unicodeScalars.append(contentsOf: Placeholder.token(.eval, roles.count - 1).unicodeScalars)
                    i = close + 1
                    continue
                }
            }
            // {eq}`label`
            if c == "{", matches("{eq}`", at: i) {
                let start = i + 5
                if let close = scalars[start...].firstIndex(of: "`") {
                    let label = String(String.UnicodeScalarView(scalars[start..<close])).trimmingCharacters(in: .whitespaces)
                    references.append(EquationReference(label: label, location: location(start), style: .parenthesized))
                    result.unicodeScalars.append(contentsOf: Placeholder.token(.reference, references.count - 1).unicodeScalars)
                    i = close + 1
                    continue
                }
            }
            if c == "{" || c == ":" || c == "[" || c == "@", let match = RoleSyntax.match(scalars, at: i) {
                let content = String(String.UnicodeScalarView(scalars[match.contentStart..<match.contentEnd]))
                let source = String(String.UnicodeScalarView(scalars[i..<match.end]))
                // d2l writes `:eqlabel:` after the display, maybe after a blank line or the `**)` that
                // closes a highlighted passage (`(**$$ … $$**)`); `:label:` on the very next line.
                let between = lastDisplayEnd.map { scalars[$0..<i] }
                let onlyClosers = between?.allSatisfy { " \t\n*)".unicodeScalars.contains($0) } ?? false
                let afterDisplay = onlyClosers && (between?.count { $0 == "\n" } ?? 2) <= 1
                switch (match.dialect, match.name) {
                case (.myst, "math"):
                    appendMath(scalars: scalars, from: match.contentStart, to: match.contentEnd, opening: "{math}`", closing: "`",
                               display: false, at: location(i), texAt: location(match.contentStart), into: &result.unicodeScalars)
                case (.d2l, "eqref"):
                    // d2l refers to equations of other chapters too: a link "(3)", unknown labels a warning (not {eq}'s error).
                    appendReference(.link(text: ""), content: content, at: location(i), contentAt: location(match.contentStart), source: source, into: &result.unicodeScalars)
                case (.d2l, "eqlabel") where onlyClosers && !math.isEmpty, (.d2l, "label") where afterDisplay && !math.isEmpty:
                    let label = content.trimmingCharacters(in: .whitespaces)
                    if math[math.count - 1].label == nil, EquationTable.isValidLabel(label) {
                        math[math.count - 1].label = label
                        math[math.count - 1].labelLocation = location(match.contentStart)
                    }
                case (.d2l, "label"), (.d2l, "eqlabel"):
                    anchors.append(Anchor(label: content.trimmingCharacters(in: .whitespaces), placement: .previous, location: location(match.contentStart)))
                    result.unicodeScalars.append(contentsOf: Placeholder.token(.anchor, anchors.count - 1).unicodeScalars)
                case (.d2l, "width"):
                    widths.append((location(i), content.trimmingCharacters(in: .whitespaces)))
                case (.d2l, let name):
                    guard let kind = InlineReference.Kind.d2l(name) else { break }
                    if kind != .hidden {
                        appendReference(kind, content: content, at: location(i), contentAt: location(match.contentStart), source: source, into: &result.unicodeScalars)
                    }
                case (.myst, let name):
                    guard let kind = InlineReference.Kind.myst(name) else {
                        result.unicodeScalars.append(c)
                        i += 1
                        continue
                    }
                    appendReference(kind, content: content, at: location(i), contentAt: location(match.contentStart), source: source, into: &result.unicodeScalars)
                case (.link, _):
                    appendReference(.link(text: match.linkText ?? ""), content: content, at: location(i), contentAt: location(match.contentStart),
                                    source: source, into: &result.unicodeScalars)
                case (.footnote, _):
                    appendReference(.footnote, content: content, at: location(i), contentAt: location(match.contentStart), source: source, into: &result.unicodeScalars)
                case (.quarto, _), (.quartoBracket, _):
                    appendReference(.quarto(bracketed: match.dialect == .quartoBracket), content: content, at: location(i),
                                    contentAt: location(match.contentStart), source: source, into: &result.unicodeScalars)
                }
                i = match.end
                continue
            }
            if c == "\\" {
                let next: Unicode.Scalar = i + 1 < scalars.count ? scalars[i + 1] : " "
                if next == "[" || next == "(" {
                    let display = next == "["
                    let closing = display ? "\\]" : "\\)"
                    if let close = find(closing, from: i + 2, crossBlankLines: display, inlineDollar: false) {
                        appendMath(scalars: scalars, from: i + 2, to: close, opening: display ? "\\[" : "\\(", closing: closing,
                                   display: display, at: location(i), texAt: location(i + 2), into: &result.unicodeScalars)
                        i = close + 2
                        if display { lastDisplayEnd = i }
                        continue
                    }
                }
                if next == "b", let environment = bareEnvironment(at: i),
                   let close = find("\\end{\(environment)}", from: i + 8 + environment.unicodeScalars.count,
                                    crossBlankLines: true, inlineDollar: false) {
                    let end = close + 6 + environment.unicodeScalars.count
                    appendMath(scalars: scalars, from: i, to: end, opening: "", closing: "", display: true,
                               at: location(i), texAt: location(i), into: &result.unicodeScalars)
                    i = end
                    continue
                }
                // Any other backslash escape (including \$) passes through untouched, with its character.
                emit(scalars[i..<min(i + 2, scalars.count)])
                i += 2
                continue
            }
            if c == "$" {
                if matches("$$", at: i) {
                    if let close = find("$$", from: i + 2, crossBlankLines: true, inlineDollar: false) {
                        appendMath(scalars: scalars, from: i + 2, to: close, opening: "$$", closing: "$$", display: true,
                                   at: location(i), texAt: location(i + 2), into: &result.unicodeScalars)
                        i = close + 2
                        lastDisplayEnd = i
                        // MyST: `$$ … $$ (label)` numbers the display; Quarto: `$$ … $$ {#eq-label}`.
                        var k = i
                        while k < scalars.count, scalars[k] == " " || scalars[k] == "\t" { k += 1 }
                        let quarto = matches("{#", at: k)
                        if k < scalars.count, scalars[k] == "(" || quarto,
                           let end = scalars[k...].firstIndex(where: { $0 == (quarto ? "}" : ")") || $0 == "\n" }), scalars[end] != "\n" {
                            var rest = end + 1
                            while rest < scalars.count, scalars[rest] == " " || scalars[rest] == "\t" { rest += 1 }
                            if quarto { k += 1 }
                            let label = String(String.UnicodeScalarView(scalars[(k + 1)..<end])).trimmingCharacters(in: .whitespaces)
                            if rest >= scalars.count || scalars[rest] == "\n", EquationTable.isValidLabel(label) {
                                math[math.count - 1].label = label
                                math[math.count - 1].labelLocation = location(k + 1)
                                i = end + 1
                            }
                        }
                        continue
                    }
                } else if i + 1 < scalars.count, scalars[i + 1] != "\n",
                          let close = find("$", from: i + 1, crossBlankLines: false, inlineDollar: true) {
                    appendMath(scalars: scalars, from: i + 1, to: close, opening: "$", closing: "$", display: false,
                               at: location(i), texAt: location(i + 1), into: &result.unicodeScalars)
                    i = close + 1
                    continue
                }
            }
            emit(scalars[i...i])
            i += 1
        }
        var text = result
        if text.hasSuffix("\n") { text.removeLast() }
        return text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(Substring($0)) }
    }

    /// Environments recognised without `$$` around them (MathJax's `processEnvironments`).
    static let bareEnvironments: Set<String> = ["equation", "equation*", "align", "align*", "gather", "gather*",
                                                "multline", "multline*", "eqnarray", "eqnarray*"]

    private mutating func appendReference(_ kind: InlineReference.Kind, content: String, at location: SourceLocation,
                                          contentAt contentLocation: SourceLocation, source: String,
                                          into result: inout String.UnicodeScalarView) {
        let (text, target) = RoleSyntax.explicitText(content)
        inline.append(InlineReference(kind: kind, target: target, text: text, location: location, targetLocation: contentLocation, source: source))
        result.append(contentsOf: Placeholder.token(.xref, inline.count - 1).unicodeScalars)
    }

    private mutating func appendMath(scalars: [Unicode.Scalar], from start: Int, to end: Int, opening: String, closing: String,
                                     display: Bool, at location: SourceLocation, texAt texLocation: SourceLocation,
                                     into result: inout String.UnicodeScalarView) {
        let tex = String(String.UnicodeScalarView(scalars[start..<end]))
        math.append(MathSpan(tex: tex, display: display, opening: opening, closing: closing,
                             location: location, texLocation: texLocation))
        result.append(contentsOf: Placeholder.token(.math, math.count - 1).unicodeScalars)
    }
}
