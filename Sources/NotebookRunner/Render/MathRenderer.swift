import TeXMath

/// Typesets the notebook's math spans as MathML, collecting the converter's
/// warnings as diagnostics at the exact source position of the bad command.
struct MathRenderer {
    private let converter = MathMLConverter()
    /// The page's macros: the front matter's, then each formula's definitions, for the formulas after it.
    private var macros: TeXMacros
    private(set) var warnings: [Diagnostic] = []
    /// Every MathML element produced, so the embedded font can be cut to the glyphs used.
    private(set) var renderedMath = ""

    /// A renderer for a page whose front matter defines `macros` (`math:`).
    init(macros: [(name: String, body: String)] = []) {
        var table = TeXMacros()
        for macro in macros { table.define(macro.name, as: macro.body) }
        self.macros = table
    }

    mutating func render(_ span: MathSpan) -> String {
        let mathML = typeset(span, tex: span.tex) { $0 }
        return span.display ? "<span class=\"math-display\">\(mathML)</span>" : mathML
    }

    /// The `<math>` element for `tex`, the span's TeX rewritten (equation numbers, references);
    /// `offsetInSource` maps an offset in `tex` back to one in the span's TeX, for warnings.
    mutating func typeset(_ span: MathSpan, tex: String, offsetInSource: (Int) -> Int) -> String {
        let result = converter.convert(tex, display: span.display, macros: &macros)
        if !result.warnings.isEmpty {
            let locator = span.texLocator()
            for warning in result.warnings {
                warnings.append(.warning(warning.message, at: locator.location(ofOffset: offsetInSource(warning.offset)),
                                         hint: "the formula is shown with the unknown part marked"))
            }
        }
        renderedMath += result.mathML
        return result.mathML
    }

    /// Takes over what `other` typeset (its warnings and glyphs), e.g. the math of cell outputs.
    mutating func append(_ other: MathRenderer) {
        warnings += other.warnings
        renderedMath += other.renderedMath
    }

    /// The `@font-face` rule embedding the math font, subset to the glyphs of the MathML `math`
    /// (a page's, or a whole course's for its one shared font), and the font stack for `math` elements.
    static func fontCSS(forMath math: String, embed: Bool) -> String {
        let face = embed ? (MathFont.fontFaceCSS(forText: math).map { $0 + "\n" } ?? "") : ""
        return face + "math { font-family: \"\(CJKFont.family)\", \(MathFont.fontStack); }\n"
    }
}
