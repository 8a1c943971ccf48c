import Foundation
import Testing
import TeXMath
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Garbage never crashes, hangs or produces malformed markup.
@Suite struct RobustnessTests {
    let converter = MathMLConverter()

    /// SplitMix64: a small seeded generator, so failures reproduce.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Converts and checks the result is one well-formed `<math>` element.
    func convertChecked(_ tex: String, display: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) -> MathMLResult {
        let result = converter.convert(tex, display: display)
        let parser = XMLParser(data: Data(result.mathML.utf8))
        #expect(parser.parse(), "malformed output for \(tex.prefix(80).debugDescription)", sourceLocation: sourceLocation)
        #expect(result.mathML.hasPrefix("<math "), sourceLocation: sourceLocation)
        return result
    }

    /// The processor time `body` took on this thread: what the converter did, not how busy the
    /// machine was (the suite runs tests in parallel, beside other work).
    func seconds(_ body: () -> Void) -> Double {
        func now() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        let start = now()
        body()
        return now() - start
    }

    @Test func randomBytes() {
        var rng = SeededGenerator(state: 42)
        for _ in 0..<200 {
            let count = Int.random(in: 0..<600, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = convertChecked(String(decoding: bytes, as: UTF8.self), display: Bool.random(using: &rng))
        }
    }

    @Test func randomTeXTokens() {
        let vocabulary = ["{", "}", "^", "_", "&", "\\\\", "\\frac", "\\sqrt", "[", "]", "\\left(", "\\right)",
                          "\\left.", "\\middle|", "\\begin{matrix}", "\\end{matrix}", "\\begin{align}", "\\end{align}",
                          "\\begin{cases}", "\\end{cases}", "\\text{", "\\mathbf", "\\sum", "\\limits", "'", "x", "1.5",
                          "+", "-", "\\alpha", "\\foo", "\\tag{1}", "\\over", "\\displaystyle", "\\color{red}", "%",
                          "\n", " ", "\\", "\\hat", "\\underbrace", "\\operatorname*{x}", "\\big", "\\not", "$", "#"]
        var rng = SeededGenerator(state: 7)
        for _ in 0..<500 {
            let count = Int.random(in: 1..<60, using: &rng)
            let tex = (0..<count).map { _ in vocabulary.randomElement(using: &rng)! }.joined()
            _ = convertChecked(tex, display: Bool.random(using: &rng))
        }
    }

    /// A generated input, shown by name rather than by its 100k characters.
    struct Input: CustomTestStringConvertible, Sendable {
        var name: String
        var tex: String
        var testDescription: String { name }
        init(_ unit: String, _ count: Int, suffix: String = "") {
            name = "\(count) × \(unit)"
            tex = String(repeating: unit, count: count) + suffix
        }
    }

    @Test(arguments: [
        Input("{", 10_000, suffix: "x" + String(repeating: "}", count: 10_000)),
        Input("{", 10_000),
        Input("}", 10_000),
        Input("\\sqrt", 10_000, suffix: "x"),
        Input("\\frac", 10_000),
        Input("x^", 10_000, suffix: "x"),
        Input("\\left(", 5_000, suffix: "x"),
        // From fuzzing: past the cap each \right is one without its \left — thousands of warnings.
        Input("\\left(", 6_000, suffix: "x" + String(repeating: "\\right)", count: 6_000)),
        Input("\\begin{matrix}", 3_000),
        Input("\\displaystyle ", 5_000),
        Input("\\sqrt[", 5_000),
        Input("\\text{", 5_000),
        Input("\\frac{", 5_000),
        Input("x^{\\left(\\sqrt{", 3_000),
        Input("\\begin{pmatrix}\\left\\{", 2_000),
    ])
    func deepNestingIsCapped(_ input: Input) {
        var result: MathMLResult?
        let time = seconds { result = convertChecked(input.tex) }
        #expect(time < 5, "took \(time) s")
        #expect(result?.warnings.isEmpty == false)
        let length = input.tex.unicodeScalars.count
        #expect(result?.warnings.allSatisfy { $0.offset >= 0 && $0.offset <= length } == true)
    }

    @Test func deepNestingWarnsAboutTheCap() {
        let tex = String(repeating: "{", count: 1_000) + "x" + String(repeating: "}", count: 1_000)
        let result = converter.convert(tex, display: false)
        #expect(result.warnings.map(\.message) == ["formula nested too deeply (more than 100 groups)"])
        let shallow = String(repeating: "{", count: 90) + "x" + String(repeating: "}", count: 90)
        #expect(converter.convert(shallow, display: false).warnings.isEmpty)
    }

    @Test(arguments: ["x+", "\\alpha_{i}^{2} ", "\\frac{a}{b}", "a & b \\\\ ", "\\left( x \\right) ", "\\foo "].map {
        Input($0, 100_000 / $0.count)
    })
    func hundredThousandCharactersRunInLinearTime(_ input: Input) {
        let tex = input.tex
        let time = seconds { _ = converter.convert(tex, display: true) }
        #expect(time < 5, "took \(time) s for \(tex.count) characters")
    }

    /// Macros that use themselves or grow exponentially stop at the expansion limit with one
    /// warning, quickly, in bounded output; the formula after the bomb still renders.
    @Test(arguments: [
        "\\def\\a{\\a}\\a",
        "\\def\\a{\\a\\a}\\a",
        "\\newcommand{\\a}[1]{\\a{#1#1}}\\a{x}",
        "\\def\\a{xxxxxxxxxx}\\def\\b{\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a}\\def\\c{\\b\\b\\b\\b\\b\\b\\b\\b\\b\\b}\\def\\d{\\c\\c\\c\\c\\c\\c\\c\\c\\c\\c}\\def\\e{\\d\\d\\d\\d\\d\\d\\d\\d\\d\\d}\\def\\f{\\e\\e\\e\\e\\e\\e\\e\\e\\e\\e}\\f",
        "\\def\\a#1{#1#1#1#1#1#1#1#1#1}\\a{\\a{\\a{\\a{\\a{\\a{\\a{\\a{x}}}}}}}}",
        "\\renewcommand{\\frac}[2]{\\frac{#1}{#2}}\\frac{a}{b}",
    ])
    func macroBombsStopAtTheLimit(_ tex: String) {
        var macros = TeXMacros()
        var result: MathMLResult?
        let time = seconds { result = converter.convert(tex, display: true, macros: &macros) }
        #expect(time < 5, "took \(time) s")
        let warnings = result?.warnings.filter { $0.message.contains("expands too far") } ?? []
        #expect(warnings.count == 1, "\(result?.warnings.prefix(3) ?? [])")
        #expect((result?.mathML.utf8.count ?? 0) < 20 * TeXMacros.maxExpandedTokens)
        let after = converter.convert("x + 1", display: false, macros: &macros)
        #expect(after.warnings.isEmpty)
    }
}
