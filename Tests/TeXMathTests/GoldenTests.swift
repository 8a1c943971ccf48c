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
        let expected = try #require(golden.expected, "no golden output for \(golden.name); re-record with NBRUN_RECORD_SNAPSHOTS=1")
        #expect(body == expected)
    }

    /// golden.txt holds exactly the current cases, in order. With `NBRUN_RECORD_SNAPSHOTS=1`
    /// it is rewritten from the converter and the run fails, so the new output is reviewed
    /// (`make math-gallery`) before it is committed.
    @Test func goldenFileCoversEveryCase() throws {
        let recorded = GoldenCase.all.map { golden in
            golden.name + "\t" + GoldenCase.body(of: converter.convert(golden.tex, display: golden.display).mathML) + "\n"
        }.joined()
        if ProcessInfo.processInfo.environment["NBRUN_RECORD_SNAPSHOTS"] != nil {
            try recorded.write(to: GoldenCase.goldenFile, atomically: true, encoding: .utf8)
            Issue.record("recorded \(GoldenCase.goldenFile.path); review it (make math-gallery) and run again")
            return
        }
        let names = try String(contentsOf: GoldenCase.goldenFile, encoding: .utf8).split(separator: "\n")
            .map { String($0.prefix { $0 != "\t" }) }
        #expect(names == GoldenCase.all.map(\.name), "golden.txt is out of date; re-record with NBRUN_RECORD_SNAPSHOTS=1")
    }
}
