import Foundation
import Testing
import TeXMath

/// Every supported feature against reviewed MathML (see docs/images/math-gallery.png).
@Suite struct GoldenTests {
    let converter = MathMLConverter()

    @Test func casesAreLoaded() {
        #expect(GoldenCase.all.count > 60)
        #expect(Set(GoldenCase.all.map(\.name)).count == GoldenCase.all.count, "case names must be unique")
    }

    @Test(arguments: GoldenCase.all)
    func golden(_ golden: GoldenCase) throws {
        let result = converter.convert(golden.tex, display: golden.display)
        let body = GoldenCase.body(of: result.mathML)
        let expected = try #require(golden.expected, "no golden output for \(golden.name); run with TEXMATH_UPDATE_GOLDEN=1")
        #expect(body == expected)
    }

    /// With TEXMATH_UPDATE_GOLDEN=1, rewrites golden.txt from the current converter.
    @Test func updateGolden() throws {
        guard ProcessInfo.processInfo.environment["TEXMATH_UPDATE_GOLDEN"] == "1" else { return }
        var text = ""
        for golden in GoldenCase.all {
            let body = GoldenCase.body(of: converter.convert(golden.tex, display: golden.display).mathML)
            text += golden.name + "\t" + body + "\n"
        }
        try text.write(to: GoldenCase.goldenFile, atomically: true, encoding: .utf8)
    }
}
