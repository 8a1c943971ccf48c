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
        var line = texLocation.line, column = texLocation.column
        for scalar in tex.unicodeScalars.prefix(max(0, offset)) {
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return SourceLocation(file: texLocation.file, line: line, column: column)
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
}
