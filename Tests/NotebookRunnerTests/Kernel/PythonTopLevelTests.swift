import Testing
@testable import NotebookRunner

/// One scanner finds the commas of `:args:` and the colon of an inline value's format: outside
/// strings and brackets.
struct PythonTopLevelTests {
    @Test func findsTheCharacterOutsideStringsAndBrackets() {
        let source = #"W, X[:64, 0], "a,b", f(1, 2), 'it\'s, ok', {"k": (1, 2)}"#
        let scalars = Array(source.unicodeScalars)
        let commas = PythonTopLevel.offsets(of: ",", in: scalars)
        #expect(commas.map { scalars[$0] } == Array(repeating: ",", count: 5))
        let parts = try? PythonGradientCheck.splitArguments(source, at: SourceLocation(file: "nb.md", line: 3, column: 8))
        #expect(parts?.map(\.name) == ["W", "X[:64, 0]", "\"a,b\"", "f(1, 2)", #"'it\'s, ok'"#, #"{"k": (1, 2)}"#])
        #expect(parts?[1].location.column == 11)
    }

    @Test func anInlineValueSplitsAtItsLastTopLevelColon() throws {
        let at = SourceLocation(file: "nb.md", line: 1, column: 1)
        #expect(try KernelInlineValue.split("acc:.1%", at: at).0 == "acc")
        #expect(try KernelInlineValue.split("x[1:3].sum():.2f", at: at).0 == "x[1:3].sum()")
        #expect(try KernelInlineValue.split(#"d["a:b"]"#, at: at).1 == nil)
        #expect(try KernelInlineValue.split("(y := 3)", at: at).1 == nil)
        #expect(try KernelInlineValue.split("(lambda v: v)(2)", at: at).1 == nil)
    }

    @Test func anEmptyArgumentIsLocated() {
        #expect(throws: Diagnostic.self) { try PythonGradientCheck.splitArguments("W,, b", at: SourceLocation(file: "nb.md", line: 1, column: 1)) }
    }
}
