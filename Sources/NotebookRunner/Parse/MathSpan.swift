/// A piece of LaTeX math found in prose, kept byte for byte away from cmark.
public struct MathSpan: Sendable, Hashable {
    /// The TeX between the delimiters.
    public var tex: String
    /// `$$…$$` and `\[…\]` are display math; `$…$` and `\(…\)` inline.
    public var display: Bool
    /// The delimiters as written, e.g. `$`, `$$`, `\(`, `\[`.
    public var opening: String
    public var closing: String
    /// Where the opening delimiter starts.
    public var location: SourceLocation
    /// Where the TeX itself starts (after the opening delimiter).
    public var texLocation: SourceLocation
    /// A display's equation label: MyST's `$$ … $$ (label)` or a `{math}` block's `:label:`.
    public var label: String? = nil
    /// Where that label is written.
    public var labelLocation: SourceLocation? = nil

    /// The span exactly as the author wrote it.
    public var source: String { opening + tex + closing }

    /// The location of the `offset`-th Unicode scalar of `tex`.
    public func location(ofTeXOffset offset: Int) -> SourceLocation {
        texLocator().location(ofOffset: offset)
    }

    /// Finds the locations of many offsets of `tex` (a formula's warnings, labels, references)
    /// without scanning the TeX from its start for each.
    func texLocator() -> TeXLocator {
        TeXLocator(tex: tex, start: texLocation)
    }
}

/// Source locations of scalar offsets into a formula's TeX: the TeX's line starts are found
/// once, then each offset is a binary search.
struct TeXLocator {
    private let start: SourceLocation
    /// Scalar offsets at which each line of the TeX starts (the first is 0).
    private var lineStarts = [0]
    private var count = 0

    init(tex: String, start: SourceLocation) {
        self.start = start
        for scalar in tex.unicodeScalars {
            count += 1
            if scalar == "\n" { lineStarts.append(count) }
        }
    }

    /// The location of scalar `offset` (clamped to the TeX).
    func location(ofOffset offset: Int) -> SourceLocation {
        let offset = min(max(0, offset), count)
        let line = NotebookParser.count(of: lineStarts, below: offset + 1) - 1
        let column = line == 0 ? start.column + offset : 1 + offset - lineStarts[line]
        return SourceLocation(file: start.file, line: start.line + line, column: column)
    }
}

/// An inline `` {eval}`EXPR` `` role in prose, replaced by the expression's value.
public struct InlineRole: Sendable, Hashable {
    public var expression: String
    /// Where `{eval}` starts.
    public var location: SourceLocation
    /// Where the expression inside the backticks starts.
    public var expressionLocation: SourceLocation
    /// How many directive cells come before it in the notebook.
    public var cellsBefore: Int
    /// Set for a value the page's Jupyter kernel computes: `` {py}`EXPR` `` (`.role`) or
    /// Quarto's `` `{python} EXPR` `` (`.quarto`); nil for nbrun's own `` {eval}`EXPR` ``.
    public var kernel: KernelRoleForm? = nil

    /// How a kernel value is written in the prose.
    public enum KernelRoleForm: Sendable, Hashable {
        case role, quarto
    }
}
