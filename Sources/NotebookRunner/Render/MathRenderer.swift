import TeXMath

/// Typesets the notebook's math spans as MathML, collecting the converter's
/// warnings as diagnostics at the exact source position of the bad command.
struct MathRenderer {
    private let converter = MathMLConverter()
    private(set) var warnings: [Diagnostic] = []
    /// Every MathML element produced, so the embedded font can be cut to the glyphs used.
    private(set) var renderedMath = ""

    mutating func render(_ span: MathSpan) -> String {
        let result = converter.convert(span.tex, display: span.display)
        for warning in result.warnings {
            warnings.append(.warning(warning.message, at: span.location(ofTeXOffset: warning.offset),
                                     hint: "the formula is shown with the unknown part marked"))
        }
        renderedMath += result.mathML
        return span.display ? "<span class=\"math-display\">\(result.mathML)</span>" : result.mathML
    }

    /// The `@font-face` rule embedding the math font (subset to what was rendered) and
    /// the font stack for `math` elements; empty when nothing was typeset.
    func fontCSS(embed: Bool) -> String {
        guard !renderedMath.isEmpty else { return "" }
        let face = embed ? (MathFont.fontFaceCSS(forText: renderedMath).map { $0 + "\n" } ?? "") : ""
        return face + "math { font-family: \"\(CJKFont.family)\", \(MathFont.fontStack); }\n"
    }
}
