import Testing
@testable import NotebookRunner

@Suite struct DiagnosticSummaryTests {
    @Test func repeatsBeyondTheLimitBecomeOneLine() {
        let repeated = (1...40_000).map { Diagnostic.warning("unknown command \\foo", at: SourceLocation(file: "nb.md", line: $0, column: 3)) }
        let other = Diagnostic.warning("missing argument for \\frac", at: SourceLocation(file: "nb.md", line: 2, column: 1))
        let summary = Diagnostic.summarised([repeated[0], other] + repeated.dropFirst(), limit: 5)
        #expect(summary.count == 7)
        #expect(summary[1] == other)
        #expect(summary[6].headline == "nb.md:6:3: warning: 39995 more like this: unknown command \\foo")
    }
}
