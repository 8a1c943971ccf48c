/// Numbered equations and the references to them, found at parse time.
///
/// Grammar (MyST and TeX):
///
///     labelled  := "$$" tex "$$" "(" label ")"         -- MyST: the label after the display
///                | "```{math}" NL ":label:" label NL tex "```"
///                | … "\label{" label "}" …            -- in a display; on an `align` line it names that line
///     reference := "{eq}`" label "`"                   -- in prose: a link showing "(3)"
///                | "\eqref{" label "}" | "\ref{" label "}"   -- in math: "(3)" and "3"
///     label     := ( letter | digit | "-" | "_" | ":" | "." )+
///
/// Labelled equations are numbered 1, 2, … in document order; a `\tag{…}` on the same line
/// overrides the number (and takes none). A reference may come before its equation.
/// Unknown and duplicate labels are errors at the label; the notebook still renders.
public struct EquationTable: Sendable {
    public private(set) var equations: [Equation] = []
    /// Every reference, in document order.
    public private(set) var references: [EquationReference] = []
    /// The `{eq}` roles of the prose, in the order of their `Placeholder` tokens.
    public private(set) var roles: [EquationReference] = []
    /// Unknown or duplicate labels, bad `:checks:` labels: located errors.
    public private(set) var diagnostics: [Diagnostic] = []
    /// Positions in `equations` by label and by math span, and references by math span, so
    /// each lookup is constant time however many equations a notebook has.
    private var equationByLabel: [String: Int] = [:]
    private var equationsByMath: [Int: [Int]] = [:]
    private var referencesByMath: [Int: [EquationReference]] = [:]
    /// Equations of other pages of a course that this page's references name (`nbrun build`), by label.
    public private(set) var elsewhere: [String: Equation] = [:]

    public init() {}

    /// The equation labelled `label`, if any (this page's first, then another page's of the course).
    public func equation(_ label: String) -> Equation? {
        equationByLabel[label].map { equations[$0] } ?? elsewhere[label]
    }

    /// Equations typeset by the display `mathIndex`, in order.
    public func equations(inMath mathIndex: Int) -> [Equation] {
        equationsByMath[mathIndex, default: []].map { equations[$0] }
    }

    /// References written in math span `mathIndex` (`\eqref`, `\ref`), in order.
    public func references(inMath mathIndex: Int) -> [EquationReference] {
        referencesByMath[mathIndex, default: []]
    }

    private mutating func add(_ equation: Equation) {
        equationByLabel[equation.label] = equations.count
        equationsByMath[equation.mathIndex, default: []].append(equations.count)
        equations.append(equation)
    }

    /// Gives each equation of the page the number `number` returns for it (a course's "3.2"), or
    /// keeps its own when that is nil.
    public mutating func renumber(_ number: (Equation) -> String?) {
        for index in equations.indices {
            if let new = number(equations[index]) { equations[index].number = new }
        }
    }

    /// Adds `equation` of another page (its `page` set) for this page's references to name, and
    /// returns the errors its label no longer deserves (each "unknown equation label" for it).
    public mutating func adopt(_ equation: Equation) -> [Diagnostic] {
        guard equationByLabel[equation.label] == nil else { return [] }
        elsewhere[equation.label] = equation
        let unknown = "unknown equation label '\(equation.label)'"
        let resolved = diagnostics.filter { $0.message == unknown }
        diagnostics.removeAll { $0.message == unknown }
        return resolved
    }

    /// The HTML id of an equation: `eq-` and its label.
    public static func anchor(_ label: String) -> String { "eq-" + label }

    /// Whether `label` can name an equation: no spaces, brackets, quotes, `$`, `#` or backslash
    /// (Sphinx takes `kf1&2` and `AMSS_lagr;a` as labels, and so do the pages written for it).
    static func isValidLabel(_ label: String) -> Bool {
        !label.isEmpty && label.unicodeScalars.allSatisfy {
            !$0.properties.isWhitespace && !$0.properties.isNoncharacterCodePoint && !labelExcluded.contains($0)
        }
    }

    private static let labelExcluded = Set("()[]{}<>`'\"\\$#,".unicodeScalars)

    /// Numbers the labelled displays of `math` in document order and resolves `references`
    /// (the `{eq}` roles of the prose) and those written in math, and the `:checks:` options of `cells`.
    static func build(math: [MathSpan], roles: [EquationReference], cells: [Cell]) -> EquationTable {
        var table = EquationTable()
        var counter = 0
        let order = math.indices.sorted {
            (math[$0].location.line, math[$0].location.column) < (math[$1].location.line, math[$1].location.column)
        }
        var mathReferences: [EquationReference] = []
        for index in order {
            let span = math[index]
            let scan = TeXLabelScan(span.tex)
            let locator = span.texLocator()
            for reference in scan.references {
                mathReferences.append(EquationReference(label: reference.label, location: locator.location(ofOffset: reference.offset),
                                                        style: reference.parenthesized ? .parenthesized : .bare, mathIndex: index))
            }
            guard span.display else { continue }
            var labels: [(label: String, location: SourceLocation, row: Int?)] = []
            if let label = span.label {
                labels.append((label, span.labelLocation ?? span.location, nil))
            }
            let perRow = scan.labels.count > 1 || (span.label != nil && !scan.labels.isEmpty)
            for label in scan.labels {
                labels.append((label.label, locator.location(ofOffset: label.offset), perRow ? label.row : nil))
            }
            for (label, location, row) in labels {
                guard isValidLabel(label) else {
                    table.diagnostics.append(.error("'\(label)' is not an equation label", at: location,
                                                    hint: "a label has no spaces, brackets, quotes, $, # or commas, e.g. (softmax-gradient)"))
                    continue
                }
                if let previous = table.equation(label) {
                    table.diagnostics.append(.error("equation label '\(label)' is already used at line \(previous.location.line)",
                                                    at: location, hint: "give each equation its own label"))
                    continue
                }
                let tagRow = row ?? (scan.tags.count == 1 ? scan.tags[0].row : nil)
                let number: String
                let tagged: Bool
                if let tag = scan.tags.first(where: { $0.row == tagRow }) {
                    number = tag.text
                    tagged = true
                } else {
                    counter += 1
                    number = String(counter)
                    tagged = false
                }
                table.add(Equation(label: label, number: number, location: location, mathIndex: index, row: row, tagged: tagged))
            }
        }
        table.roles = roles
        table.references = (roles + mathReferences).sorted {
            ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column)
        }
        for reference in table.references {
            if let mathIndex = reference.mathIndex { table.referencesByMath[mathIndex, default: []].append(reference) }
        }
        for reference in table.references where table.equation(reference.label) == nil {
            table.diagnostics.append(table.unknown(reference.label, at: reference.location))
        }
        for cell in cells {
            for (label, location) in checkedLabels(of: cell) where table.equation(label) == nil {
                table.diagnostics.append(table.unknown(label, at: location))
            }
        }
        return table
    }

    /// The labels a cell's `:checks:` option names (separated by commas or spaces), with their locations.
    public static func checkedLabels(of cell: Cell) -> [(label: String, location: SourceLocation)] {
        guard let option = cell.option("checks") else { return [] }
        var result: [(String, SourceLocation)] = []
        var current = "", start = 0
        for (offset, scalar) in option.value.unicodeScalars.enumerated() {
            if scalar == "," || scalar == " " || scalar == "\t" {
                if !current.isEmpty { result.append((current, option.valueLocation.advanced(byColumns: start))) }
                current = ""
            } else {
                if current.isEmpty { start = offset }
                current.unicodeScalars.append(scalar)
            }
        }
        if !current.isEmpty { result.append((current, option.valueLocation.advanced(byColumns: start))) }
        return result
    }

    private func unknown(_ label: String, at location: SourceLocation) -> Diagnostic {
        let known = equations.map(\.label)
        let near = Suggestion.nearest(to: label, in: known).map { "did you mean '\($0)'? " } ?? ""
        let list = known.isEmpty ? "no equation has a label yet: write $$ … $$ (\(label)) after a display"
            : "labelled equations: " + known.joined(separator: ", ")
        return .error("unknown equation label '\(label)'", at: location, hint: near + list)
    }
}

/// A labelled display equation (or one labelled line of an `align`).
public struct Equation: Sendable, Hashable {
    public var label: String
    /// What the page shows between parentheses: its number, or its `\tag`.
    public var number: String
    /// Where the label is written.
    public var location: SourceLocation
    /// The display math span that shows it.
    public var mathIndex: Int
    /// The line of a multi-line display it labels (0-based), or nil for the whole display.
    public var row: Int?
    /// The number comes from a `\tag{…}`.
    public var tagged: Bool
    /// In a course, the page that shows it when that is another page: the link from this page to its `.html`.
    public var page: String? = nil

    /// What a link to it points at: `#eq-label`, or `other.html#eq-label`.
    public var href: String { (page ?? "") + "#" + EquationTable.anchor(label) }
}

/// A reference to an equation: `{eq}` in prose, `\eqref` or `\ref` in math.
public struct EquationReference: Sendable, Hashable {
    public enum Style: Sendable, Hashable {
        /// "(3)": `{eq}` and `\eqref`.
        case parenthesized
        /// "3": `\ref`.
        case bare
    }

    public var label: String
    /// Where the label is written.
    public var location: SourceLocation
    public var style: Style
    /// The math span it is written in, or nil for an `{eq}` role in prose.
    public var mathIndex: Int?

    public init(label: String, location: SourceLocation, style: Style, mathIndex: Int? = nil) {
        self.label = label
        self.location = location
        self.style = style
        self.mathIndex = mathIndex
    }
}

/// `\label`, `\tag`, `\eqref` and `\ref` in a formula, each with its scalar offset and the line
/// (row) of an alignment it is on. Rows are split by `\\` at the top level or directly inside
/// an `align`/`gather`/`equation`-like environment, not inside a matrix.
struct TeXLabelScan {
    struct Item { var label: String; var offset: Int; var row: Int }
    struct Tag { var text: String; var offset: Int; var row: Int }
    struct Reference { var label: String; var offset: Int; var parenthesized: Bool }

    var labels: [Item] = []
    var tags: [Tag] = []
    var references: [Reference] = []
    /// Offsets of the `\\` that end each row (row r ends at rowEnds[r]).
    var rowEnds: [Int] = []

    static let numberedEnvironments: Set<String> = [
        "align", "align*", "gather", "gather*", "equation", "equation*", "multline", "multline*",
        "flalign", "flalign*", "alignat", "alignat*", "eqnarray", "eqnarray*",
    ]

    init(_ tex: String) {
        let s = Array(tex.unicodeScalars)
        var i = 0, row = 0
        var environments: [String] = []
        func group(at start: Int) -> (String, Int)? {
            var k = start
            while k < s.count, s[k] == " " { k += 1 }
            guard k < s.count, s[k] == "{" else { return nil }
            var depth = 0, text = String.UnicodeScalarView()
            var j = k
            while j < s.count {
                if s[j] == "{" { depth += 1; if depth == 1 { j += 1; continue } }
                if s[j] == "}" { depth -= 1; if depth == 0 { return (String(text), j + 1) } }
                text.append(s[j])
                j += 1
            }
            return nil
        }
        while i < s.count {
            guard s[i] == "\\" else { i += 1; continue }
            var j = i + 1
            if j < s.count, s[j] == "\\" {
                if environments.isEmpty || Self.numberedEnvironments.contains(environments.last!) {
                    rowEnds.append(i)
                    row += 1
                }
                i = j + 1
                continue
            }
            while j < s.count, s[j].properties.isAlphabetic { j += 1 }
            let name = String(String.UnicodeScalarView(s[(i + 1)..<j]))
            switch name {
            case "label", "tag", "eqref", "ref", "begin", "end":
                guard let (text, end) = group(at: j) else { i = j; continue }
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                switch name {
                case "label": labels.append(Item(label: trimmed, offset: i, row: row))
                case "tag": tags.append(Tag(text: trimmed, offset: i, row: row))
                case "eqref": references.append(Reference(label: trimmed, offset: i, parenthesized: true))
                case "ref": references.append(Reference(label: trimmed, offset: i, parenthesized: false))
                case "begin": environments.append(trimmed)
                default: if !environments.isEmpty { environments.removeLast() }
                }
                i = end
            default:
                i = max(j, i + 2)
            }
        }
    }
}
