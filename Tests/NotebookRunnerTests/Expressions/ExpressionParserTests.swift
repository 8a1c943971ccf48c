import Testing
@testable import NotebookRunner
@testable import Tensors

private let origin = SourceLocation(file: "n.md", line: 7, column: 10)

/// The diagnostic thrown while parsing `source` at `origin`.
private func parseError(_ source: String) -> Diagnostic? {
    do {
        _ = try ExpressionParser.parseStatement(source, at: origin)
        return nil
    } catch {
        return error as? Diagnostic
    }
}

@Test func parsesPrecedenceLikePython() throws {
    let scope = ExpressionScope()
    func value(_ source: String) throws -> Double? { try scope.evaluate(try ExpressionParser.parse(source, at: origin)).scalar }
    #expect(try value("1 + 2 * 3") == 7)
    #expect(try value("-2 ** 2") == -4)
    #expect(try value("2 ** 3 ** 2") == 512)
    #expect(try value("2 ** -1") == 0.5)
    #expect(try value("(1 + 2) * 3") == 9)
    #expect(try value("8 / 2 / 2") == 2)
    #expect(try value("1 + 1 == 2") == 1)
    #expect(try value("1.5e2 + .5") == 150.5)
}

@Test func statementsBindNames() throws {
    let parsed = try ExpressionParser.parseStatement("P = softmax(A)", at: origin)
    #expect(parsed.binding == "P")
    #expect(parsed.expressionText == "softmax(A)")
    #expect(try ExpressionParser.parseStatement("a == b", at: origin).binding == nil)
}

@Test func errorsPointAtTheOffendingColumn() {
    // Columns: origin column 10 is offset 0.
    #expect(parseError("1 + * 2")?.location?.column == 14)
    #expect(parseError("exp(x")?.location?.column == 15)
    #expect(parseError("exp(x")?.message.contains("the '(' is at column 13") == true)
    #expect(parseError("[1, 2")?.location?.column == 15)
    #expect(parseError("x y")?.location?.column == 12)
    #expect(parseError("x y")?.hint?.contains("operator is missing") == true)
    #expect(parseError("x ^ 2")?.location?.column == 12)
    #expect(parseError("x ^ 2")?.hint?.contains("**") == true)
    #expect(parseError("2x")?.location?.column == 11)
    #expect(parseError("x.")?.location?.column == 12)
    #expect(parseError("")?.message == "expected an expression, found nothing")
    #expect(parseError("sum(x, axis=0, 1)")?.location?.column == 25)
    #expect(parseError("a = ")?.location?.column == 14)
}

@Test func columnsCountUnicodeScalars() {
    // "σ" is one scalar (two UTF-8 bytes), so '−' is at offset 3.
    let error = parseError("aσ − 1")
    #expect(error?.location?.column == 13)
    #expect(error?.hint?.contains("Unicode minus") == true)
}

@Test func unlabelledCellNamesReadAsOneName() throws {
    let parsed = try ExpressionParser.parse("cell-3.test_accuracy", at: origin)
    guard case .postfix(let base, let steps) = parsed.root.kind, case .member("test_accuracy", _, _) = steps.first, case .name("cell-3") = base.kind else {
        Issue.record("parsed as \(parsed.root)")
        return
    }
}

@Test func hyphenatedLabelsReadAsOneNameButSubtractionStays() throws {
    let label = try ExpressionParser.parse("right-sgd.test_accuracy", at: origin)
    guard case .postfix(let base, let steps) = label.root.kind, case .member("test_accuracy", _, _) = steps.first, case .name("right-sgd") = base.kind else {
        Issue.record("parsed as \(label.root)")
        return
    }
    for source in ["X-Y.T", "P-Y.shape", "a-b", "right - sgd.test_accuracy"] {
        let parsed = try ExpressionParser.parse(source, at: origin)
        guard case .chain(_, let steps) = parsed.root.kind, steps.first?.op == .subtract else {
            Issue.record("\(source) parsed as \(parsed.root)")
            continue
        }
    }
}
