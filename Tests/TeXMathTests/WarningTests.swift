import Foundation
import Testing
import TeXMath

/// Warnings name the problem and point at it; supported input gives none.
@Suite struct WarningTests {
    let converter = MathMLConverter()
    static let intentionallyBroken: Set<String> = ["unknown command", "missing brace", "extra brace"]

    @Test(arguments: GoldenCase.all.filter { !WarningTests.intentionallyBroken.contains($0.name) })
    func supportedInputHasNoWarnings(_ golden: GoldenCase) {
        let result = converter.convert(golden.tex, display: golden.display)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        #expect(!result.mathML.contains("<merror"))
    }

    @Test func unknownCommandIsMarkedAndLocated() {
        let result = converter.convert("a + \\foo{x}", display: false)
        #expect(result.warnings == [MathWarning(message: "unknown command \\foo", offset: 4)])
        #expect(result.mathML.contains("<merror><mtext>\\foo</mtext></merror>"))
        #expect(result.mathML.contains("<mi>x</mi>"), "the rest of the formula still renders")
    }

    @Test func offsetsCountUnicodeScalars() {
        // α and 损 are one scalar each; e + U+0301 is two.
        let result = converter.convert("α\\text{损}e\u{301} \\bogus", display: false)
        #expect(result.warnings.map(\.offset) == [12])
        #expect(result.warnings.first?.message == "unknown command \\bogus")
    }

    @Test func missingBraceIsReportedAtTheOpeningBrace() {
        let result = converter.convert("\\frac{a}{b", display: false)
        #expect(result.warnings == [MathWarning(message: "missing } for the { here", offset: 8)])
        #expect(result.mathML.contains("<mfrac><mi>a</mi><mi>b</mi></mfrac>"))
    }

    @Test func unmatchedClosingBrace() {
        let result = converter.convert("a } b", display: false)
        #expect(result.warnings == [MathWarning(message: "unmatched }", offset: 2)])
    }

    @Test func unknownEnvironmentAndMismatchedEnd() {
        let unknown = converter.convert("\\begin{weird} a \\end{weird}", display: true)
        #expect(unknown.warnings.map(\.message) == ["unknown environment weird"])
        let mismatched = converter.convert("\\begin{matrix} a \\end{pmatrix}", display: true)
        #expect(mismatched.warnings.map(\.message) == ["\\begin{matrix} ended by \\end{pmatrix}"])
        #expect(mismatched.warnings.first?.offset == 17)
    }

    @Test func leftWithoutRight() {
        let result = converter.convert("\\left( x", display: true)
        #expect(result.warnings == [MathWarning(message: "missing \\right for the \\left here", offset: 0)])
        #expect(result.mathML.contains("stretchy=\"true\">(</mo>"))
    }

    @Test func missingArguments() {
        #expect(converter.convert("\\frac{a}", display: false).warnings.map(\.message) == ["missing argument for \\frac"])
        #expect(converter.convert("x^", display: false).warnings.map(\.message) == ["missing script after ^ or _"])
        #expect(converter.convert("\\sqrt", display: false).warnings.map(\.message) == ["missing argument for \\sqrt"])
    }

    @Test func tagInInlineMathFollowsTheFormula() {
        let result = converter.convert("x \\tag{1}", display: false)
        #expect(result.warnings.isEmpty)
        #expect(result.mathML.contains("<mi>x</mi><mspace width=\"0.5em\"/><mtext>(1)</mtext>"))
        #expect(!result.mathML.contains("<merror"))
        let starred = converter.convert("y \\tag*{A}", display: false)
        #expect(starred.mathML.contains("<mtext>A</mtext>"))
        #expect(!converter.convert("z \\label{eq:z}", display: false).mathML.contains("eq:z</m"))
    }

    @Test func escapesHTMLInTextAndAnnotation() {
        let result = converter.convert("a < b \\text{<b>&</b>}", display: false)
        #expect(result.mathML.contains("<mo>&lt;</mo>"))
        #expect(result.mathML.contains("<mtext>&lt;b&gt;&amp;&lt;/b&gt;</mtext>"))
        #expect(result.mathML.contains("<annotation encoding=\"application/x-tex\">a &lt; b \\text{&lt;b&gt;&amp;&lt;/b&gt;}</annotation>"))
        #expect(!result.mathML.contains("<b>"))
    }

    @Test func wrapperElement() {
        let block = converter.convert("x", display: true).mathML
        #expect(block.hasPrefix("<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\"><semantics><mrow>"))
        #expect(block.hasSuffix("</semantics></math>"))
        let inline = converter.convert("x", display: false).mathML
        #expect(inline.hasPrefix("<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"inline\">"))
    }
}

/// Details of single constructs that the golden table does not pin down.
@Suite struct ConstructTests {
    let converter = MathMLConverter()

    @Test func explicitLengths() {
        let result = converter.convert("a\\kern2pt b\\mkern-3mu c\\hspace{1em}d", display: false)
        #expect(result.warnings.isEmpty)
        #expect(result.mathML.contains("<mspace width=\"0.2em\"/>"))
        #expect(result.mathML.contains("<mspace style=\"margin-left:-0.1667em\"/>"))
        #expect(result.mathML.contains("<mspace width=\"1.0em\"/>"))
    }

    @Test func displayStyleDecidesLimits() {
        let inline = converter.convert("\\lim_{n} a_n", display: false).mathML
        let block = converter.convert("\\lim_{n} a_n", display: true).mathML
        #expect(inline.contains("<msub><mi>lim</mi>"))
        #expect(block.contains("<munder><mi>lim</mi>"))
        // Inside a fraction in display math the style is text style again.
        #expect(converter.convert("\\frac{\\sum_i x}{2}", display: true).mathML.contains("<msub><mo>∑</mo>"))
    }

    @Test func topLevelAlignmentWithoutEnvironment() {
        let result = converter.convert("a &= b \\\\ c &= d", display: true)
        #expect(result.warnings.isEmpty)
        #expect(result.mathML.contains("<mtable displaystyle=\"true\"><mtr>"))
        #expect(result.mathML.components(separatedBy: "<mtr>").count == 3)
    }

    /// A macro defined in one formula is in effect in the formulas after it (not before), and
    /// front-matter macros in all of them.
    @Test func macrosLastForTheRestOfThePage() {
        var macros = TeXMacros()
        macros.define("\\R", as: "\\mathbb{R}")
        macros.define("vect", as: "\\mathbf{#1}")
        let first = converter.convert("\\vect{v} \\in \\R^n, \\N", display: false, macros: &macros)
        #expect(first.warnings == [MathWarning(message: "unknown command \\N", offset: 19)])
        #expect(first.mathML.contains("<mi>𝐯</mi>") && first.mathML.contains("<mi>ℝ</mi>"))
        _ = converter.convert("\\newcommand{\\N}{\\mathbb{N}} \\def\\pair#1#2{(#1, #2)}", display: true, macros: &macros)
        let later = converter.convert("\\pair{n}{m} \\in \\N^2", display: false, macros: &macros)
        #expect(later.warnings.isEmpty, "\(later.warnings)")
        #expect(later.mathML.contains("<mi>ℕ</mi>"))
        #expect(later.mathML.contains("<annotation encoding=\"application/x-tex\">\\pair{n}{m} \\in \\N^2</annotation>"))
    }

    /// A warning inside a macro's expansion points at the macro's use; a broken definition is named.
    @Test func macroWarningsPointAtTheUse() {
        var macros = TeXMacros()
        let result = converter.convert("\\newcommand{\\bad}{\\foo} x + \\bad + \\newcommand{x}{y}", display: false, macros: &macros)
        #expect(result.warnings.map(\.message) == ["unknown command \\foo", "\\newcommand defines a command such as \\R: its name starts with a backslash"])
        #expect(result.warnings.map(\.offset) == [28, 35])
    }

    /// A backslash at the end of a line is a control space, as `\ ` is.
    @Test func controlSpaceAtTheEndOfALine() {
        for tex in ["a\\\nb", "a\\ b", "a\\\r\nb"] {
            let result = converter.convert(tex, display: false)
            #expect(result.warnings.isEmpty, "\(result.warnings)")
            #expect(result.mathML.contains("<mi>a</mi><mspace width=\"0.3333em\"/><mi>b</mi>"), "\(result.mathML)")
        }
    }
}
