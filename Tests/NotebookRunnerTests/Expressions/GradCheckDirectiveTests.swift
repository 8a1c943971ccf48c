import Testing
@testable import NotebookRunner
@testable import Tensors

private typealias Support = ExpressionTestSupport

private let lossLine = "loss: -mean(sum(Y * log(softmax(X @ W + b)), axis=1))"

private func check(_ gradW: String, _ gradB: String? = nil, options: [(String, String)] = []) throws -> CellResult {
    var body = ["P = softmax(X @ W + b)", lossLine, "grad W: \(gradW)"]
    if let gradB { body.append("grad b: \(gradB)") }
    return try Support.run(GradCheckDirective.self, Support.cell("gradcheck", options: options, body: body))
}

@Test func rightDerivationPasses() throws {
    let result = try check("X.T @ (P - Y) / N", "sum(P - Y, axis=0) / N")
    #expect(result.status == .ok)
    let w = try #require(Support.metric(result, "W_relative_error"))
    let b = try #require(Support.metric(result, "b_relative_error"))
    #expect(w < 1e-7)
    #expect(b < 1e-7)
    #expect(Support.metric(result, "passed") == 1)
}

@Test func trueClassOnlyFailsWithItsHint() throws {
    let result = try check("X.T @ ((P - Y) * Y) / N")
    #expect(result.status == .error)
    #expect(result.error?.location?.line == 4)
    #expect(result.error?.location?.column == 9)
    let notes = Support.notes(result)
    #expect(notes.contains { $0.contains("zero wherever Y is 0") })
    #expect(result.outputs.contains { if case .svg = $0 { true } else { false } })
}

@Test func publishedTrueClassMistakeAlsoNamesTheSign() throws {
    // The published notebook's form: (Y - P) multiplied by the one-hot Y.
    let result = try check("X.T @ ((Y - P) * Y) / N")
    #expect(result.status == .error)
    let notes = Support.notes(result)
    #expect(notes.contains { $0.contains("zero wherever Y is 0") && $0.contains("opposite sign") })
}

@Test func flippedSignFailsWithHint() throws {
    let result = try check("X.T @ (Y - P) / N")
    #expect(result.status == .error)
    #expect(Support.notes(result).contains { $0.contains("opposite sign") })
}

@Test func missingOneOverNFailsWithHint() throws {
    let result = try check("X.T @ (P - Y)")
    #expect(result.status == .error)
    #expect(Support.notes(result).contains { $0.contains("N × the numeric gradient (N = 32)") })
}

@Test func wrongDerivationsSucceedWhenExpectedToFail() throws {
    for formula in ["X.T @ ((P - Y) * Y) / N", "X.T @ (Y - P) / N", "X.T @ (P - Y)"] {
        let result = try check(formula, options: [("expect", "fail")])
        #expect(result.status == .ok, "\(formula)")
        #expect(Support.notes(result).contains { $0.contains("as :expect: fail says") })
    }
}

@Test func rightDerivationFailsWhenExpectedToFail() throws {
    let result = try check("X.T @ (P - Y) / N", options: [("expect", "fail")])
    #expect(result.status == .error)
    #expect(result.error?.message.contains("the check passed") == true)
    #expect(result.error?.location?.line == 2)
}

@Test func shapeMistakeNamesShapesAndColumn() throws {
    let result = try check("X @ (P - Y) / N")
    #expect(result.status == .error)
    let error = try #require(result.error)
    #expect(error.location == SourceLocation(file: "t.md", line: 4, column: 11))
    #expect(error.message.contains("(32×16) @ (32×10)"))
    #expect(error.hint?.contains("X.T @ (P - Y)") == true)
}

@Test func gradientOfWrongShapeIsAnError() throws {
    let result = try check("(P - Y).T @ X / N")
    #expect(result.error?.message.contains("the formula for W is (10×16), but W is (16×10)") == true)
    #expect(result.error?.hint?.contains("transposed") == true)
}

@Test func lossMustBeScalar() throws {
    let cell = Support.cell("gradcheck", body: ["loss: -Y * log(softmax(X @ W + b))", "grad W: X.T @ (softmax(X @ W + b) - Y) / N"])
    let result = try Support.run(GradCheckDirective.self, cell)
    #expect(result.error?.message.contains("the loss must be a scalar, but it is (32×10)") == true)
    #expect(result.error?.location?.column == 7)
}

@Test func builtInTargetsPass() throws {
    for target in ["softmax", "cross-entropy", "softmax-regression"] {
        let result = try Support.run(GradCheckDirective.self, Support.cell("gradcheck", arguments: [target]))
        #expect(result.status == .ok, "\(target): \(String(describing: result.error))")
        let errors = result.metrics.filter { $0.name.hasSuffix("_relative_error") }
        #expect(!errors.isEmpty)
        #expect(errors.allSatisfy { $0.value < 1e-7 }, "\(target): \(errors)")
    }
}

@Test func crossEntropyWorksWithoutData() throws {
    let result = try Support.run(GradCheckDirective.self, Support.cell("gradcheck", arguments: ["cross-entropy"]), state: Support.state(withData: false))
    #expect(result.status == .ok)
}

@Test func dataNamesWithoutDataSayToLoad() throws {
    let result = try check("X.T @ (P - Y) / N")
    #expect(result.status == .ok)
    let cell = Support.cell("gradcheck", body: [lossLine, "grad W: X.T @ (softmax(X @ W + b) - Y) / N"])
    let noData = try Support.run(GradCheckDirective.self, cell, state: Support.state(withData: false))
    #expect(noData.error?.message.contains("add a {load} cell") == true)
}

@Test func entriesOptionChecksASubset() throws {
    let result = try check("X.T @ (P - Y) / N", options: [("entries", "20")])
    #expect(result.status == .ok)
    let table = result.outputs.compactMap { if case .table(let t) = $0 { t } else { nil } }.first
    #expect(table?.rows.first?[2] == "20 of 160")
}

@Test func validationErrorsPointAtLines() {
    #expect(throws: Diagnostic.self) { try GradCheckDirective(cell: Support.cell("gradcheck", body: ["grad W: X"]), defaults: Defaults()) }
    do {
        _ = try GradCheckDirective(cell: Support.cell("gradcheck", body: [lossLine, "grad W X.T"]), defaults: Defaults())
        Issue.record("expected an error")
    } catch let error as Diagnostic {
        #expect(error.location == SourceLocation(file: "t.md", line: 3, column: 8))
    } catch { Issue.record("\(error)") }
    do {
        _ = try GradCheckDirective(cell: Support.cell("gradcheck", arguments: ["sofmax"]), defaults: Defaults())
        Issue.record("expected an error")
    } catch let error as Diagnostic {
        #expect(error.hint?.contains("did you mean 'softmax'") == true)
    } catch { Issue.record("\(error)") }
}

@Test func trueClassOnlyBiasIsRecognisedToo() throws {
    let result = try check("X.T @ (P - Y) / N", "sum((P - Y) * Y, axis=0) / N")
    #expect(result.status == .error)
    #expect(result.error?.location?.line == 5)
    #expect(Support.notes(result).contains { $0.hasPrefix("b: the formula is zero wherever Y is 0") })
    #expect(try #require(Support.metric(result, "W_relative_error")) < 1e-7)
    #expect(try #require(Support.metric(result, "b_relative_error")) > 0.1)
    #expect(Support.metric(result, "passed") == 0)
}

@Test func parameterNamesAreChecked() throws {
    let unknown = try Support.run(GradCheckDirective.self, Support.cell("gradcheck", body: [lossLine, "grad Wt: X"]))
    #expect(unknown.error?.message == "unknown parameter 'Wt'")
    #expect(unknown.error?.location == SourceLocation(file: "t.md", line: 3, column: 6))
    #expect(unknown.error?.hint?.hasPrefix("did you mean 'W'?") == true)
    let defined = try Support.run(GradCheckDirective.self, Support.cell("gradcheck", body: ["W = X.T @ Y", lossLine, "grad W: X"]))
    #expect(defined.error?.message.contains("'W' is defined in the cell") == true)
    #expect(defined.error?.location?.line == 2)
}
