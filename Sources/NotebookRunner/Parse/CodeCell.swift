/// Code another dialect would run in a Jupyter kernel — a MyST `{code-cell}`, a Quarto
/// ```` ```{python} ```` chunk, a d2l ```` ```{.python .input} ```` block, a `{code-block}` —
/// shown highlighted with its language and not run. A kind of its own, beside `Cell` (nbrun's
/// directives), so that a kernel could run it later.
///
///     options := { ":" key ":" value NL }              -- MyST
///              | "---" NL yaml NL "---"                 -- MyST code-cell YAML header
///              | { "#|" key ":" value NL }              -- Quarto chunk options
public struct CodeCell: Sendable, Hashable {
    /// The directive or attributes it was written with: `code-cell`, `python`, `.python .input n=1`.
    public var directive: String
    /// The language it is highlighted as, lower case (`python`, `r`, …; "" when unknown).
    public var language: String
    /// Options as written (`caption`, `linenos`, `emphasize-lines`, `tags`, Quarto's `label`, …).
    public var options: [String: String]
    /// The code, options removed.
    public var code: String
    public var location: SourceLocation
    /// How many body lines (options, blank lines) come before the code's first line.
    public var linesBeforeCode = 0
    /// Why a fence meant as one of nbrun's cells is shown as its source instead (a duplicate
    /// label, an unclosed fence, a bad name): the page shows it above the code.
    public var error: Diagnostic?
    /// A labelled figure's number among the page's figures (`isFigure`), set by the parser.
    public var figureNumber: Int?

    public init(directive: String, language: String, options: [String: String], code: String, location: SourceLocation) {
        self.directive = directive
        self.language = language
        self.options = options
        self.code = code
        self.location = location
    }

    /// The 1-based lines `:emphasize-lines:` names (`1,3-5`).
    public var emphasizedLines: Set<Int> {
        var lines = Set<Int>()
        for part in (options["emphasize-lines"] ?? "").split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if bounds.count == 2, bounds[0] <= bounds[1], bounds[1] - bounds[0] < 100_000 { lines.formUnion(bounds[0]...bounds[1]) }
            else if bounds.count == 1 { lines.insert(bounds[0]) }
        }
        return lines
    }

    /// `:label:` or `:name:` (Quarto's `#| label:`, MyST-NB's `mystnb: figure: name:`): the code's id, a target of references.
    public var label: String? {
        guard let value = (options["label"] ?? options["name"] ?? options[CodeCellOptions.figureName])?.trimmingCharacters(in: .whitespaces),
              !value.isEmpty else { return nil }
        return value
    }

    /// Whether the cell's output is a figure (MyST-NB's `mystnb: figure:` with a `name:` or a
    /// `caption:`): a numbered, captioned target like a `{figure}`, counted with the page's figures.
    public var isFigure: Bool { options[CodeCellOptions.figureName] != nil || options[CodeCellOptions.figureCaption] != nil }

    /// The figure's caption (`mystnb: figure: caption:`), else `:caption:`.
    public var caption: String? { options[CodeCellOptions.figureCaption] ?? options["caption"] }

    /// Whether `:linenos:` (or `:number-lines:`) asks for line numbers.
    public var numbersLines: Bool { options["linenos"] != nil || options["number-lines"] != nil }

    /// Reads the code of `body` (the block's lines between its fences), taking its options off.
    static func read(directive: String, language: String, body: [String], location: SourceLocation) -> CodeCell {
        var options: [String: String] = [:]
        var start = 0
        if body.first?.trimmingTrailingWhitespace() == "---",
           let end = body.dropFirst().firstIndex(where: { $0.trimmingTrailingWhitespace() == "---" }) {
            options = CodeCellOptions.read(body[1..<end].joined(separator: "\n"))
            start = end + 1
        } else {
            while start < body.count {
                let line = body[start]
                if let option = CellParser.parseOption(line, at: location) {
                    options[option.key] = option.value
                } else if line.hasPrefix("#|") {
                    let text = line.dropFirst(2)
                    if let colon = text.firstIndex(of: ":") {
                        options[text[..<colon].trimmingCharacters(in: .whitespaces)] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    }
                } else {
                    break
                }
                start += 1
            }
        }
        var code = Array(body[start...])
        while let last = code.last, last.trimmingCharacters(in: .whitespaces).isEmpty { code.removeLast() }
        var blank = 0
        while let first = code.first, first.trimmingCharacters(in: .whitespaces).isEmpty { code.removeFirst(); blank += 1 }
        var cell = CodeCell(directive: directive, language: language, options: options, code: code.joined(separator: "\n"), location: location)
        cell.linesBeforeCode = start + blank
        return cell
    }

    /// The language of a code fence: the argument of `{code-cell} python`, the class of
    /// `{.python .input}`, the name of `{r}`; `{code-cell}` alone is Python (the usual kernel).
    static func language(of header: FenceHeader) -> String {
        if header.isPandocAttributes { return header.pandocClass?.lowercased() ?? "" }
        let name = header.name.lowercased()
        switch name {
        case "code-cell", "code-block", "code", "sourcecode", "literalinclude-code":
            let word = header.argument.split(separator: " ").first.map { String($0).lowercased() }
            return word ?? (name == "code-cell" ? "python" : "")
        case "ipython", "ipython3": return "python"
        case "graphviz": return "dot"
        default: return name
        }
    }

    /// One line for the page: "12 Python code cells shown, not run: …" (nil when there are none).
    static func summary(_ cells: [CodeCell]) -> Diagnostic? {
        guard let first = cells.first else { return nil }
        return Diagnostic(.note, "\(counted(cells)) shown, not run: \(notRunReason)", at: first.location,
                          hint: "docs/compatibility.md says how nbrun reads pages of MyST, Quarto and d2l")
    }

    /// Why the summary's cells did not run (the words that end its message).
    static let notRunReason = "nbrun runs its own directives"

    /// The page's summary line before its code runs in `kernel` (`nbrun check`): the cells that
    /// will run are counted as such, the others (`{code-block}`, `skip-execution`) as shown, not run.
    static func summary(_ cells: [CodeCell], runningIn kernel: String) -> [Diagnostic] {
        let runs = cells.filter(\.isExecutable)
        let shown = cells.filter { !$0.isExecutable && $0.error == nil }
        var notes: [Diagnostic] = []
        if let first = runs.first {
            notes.append(Diagnostic(.note, "\(counted(runs)) will run in the Jupyter kernel \(kernel)", at: first.location,
                                    hint: "--no-execute shows them without running them"))
        }
        if let note = summary(shown) { notes.append(note) }
        return notes
    }

    /// "12 Python code cells", "3 code cells (2 Python, 1 R)".
    private static func counted(_ cells: [CodeCell]) -> String {
        var counts: [String: Int] = [:]
        for cell in cells { counts[displayName(of: cell.language), default: 0] += 1 }
        let plural = cells.count == 1 ? "cell" : "cells"
        let what: String
        if counts.count == 1, let name = counts.keys.first {
            what = "\(cells.count) \(name) code \(plural)"
        } else {
            let parts = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.value) \($0.key)" }
            what = "\(cells.count) code \(plural) (\(parts.joined(separator: ", ")))"
        }
        return what
    }

    /// Whether `diagnostic` is the page's summary line of code shown, not run.
    static func isSummary(_ diagnostic: Diagnostic) -> Bool {
        diagnostic.severity == .note && diagnostic.message.hasSuffix("shown, not run: " + notRunReason)
    }

    /// How a language is named in the page's summary line: `Python`, `R`, `Julia`, …
    static func displayName(of language: String) -> String {
        switch language {
        case "python", "py", "python3", "ipython3": "Python"
        case "r": "R"
        case "julia": "Julia"
        case "ojs": "Observable JS"
        case "": "unlabelled"
        default: language
        }
    }
}
