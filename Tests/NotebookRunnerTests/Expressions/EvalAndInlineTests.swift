import Testing
@testable import NotebookRunner
@testable import Tensors

private typealias Support = ExpressionTestSupport

private func texts(_ result: CellResult) -> [String] {
    result.outputs.compactMap { if case .text(let t) = $0 { t } else { nil } }
}

private func tables(_ result: CellResult) -> [Table] {
    result.outputs.compactMap { if case .table(let t) = $0 { t } else { nil } }
}

@Test func evalShowsSoftmaxWithThreeDecimals() throws {
    let result = try Support.run(EvalDirective.self, Support.cell("eval", body: ["softmax([1, 2, 3])"]))
    #expect(result.status == .ok)
    let table = try #require(tables(result).first)
    #expect(table.rows == [["0.090", "0.245", "0.665"]])
    #expect(table.caption == "softmax([1, 2, 3])  (3)")
}

@Test func evalShowsOverflowOfNaiveSoftmax() throws {
    let body = ["z = [1000, 1001]", "exp(z)", "exp(z) / sum(exp(z))", "softmax(z)"]
    let result = try Support.run(EvalDirective.self, Support.cell("eval", body: body))
    let rows = tables(result).map { $0.rows[0] }
    #expect(rows[1] == ["inf", "inf"])
    #expect(rows[2] == ["nan", "nan"])
    #expect(rows[3] == ["0.269", "0.731"])
}

@Test func evalBindingsReachLaterCellsAndMetrics() throws {
    let state = Support.state()
    let first = try Support.run(EvalDirective.self, Support.cell("eval", options: [("digits", "2")], body: ["k = 2 / 3", "Y[0:2]"], label: "calc"), state: state)
    #expect(texts(first) == ["k = 2 / 3 = 0.67"])
    #expect(Support.metric(first, "k") == 2.0 / 3.0)
    let onehot = try #require(tables(first).first)
    #expect(onehot.rows.allSatisfy { row in row.dropFirst().filter { $0 == "1" }.count == 1 && row.dropFirst().allSatisfy { $0 == "0" || $0 == "1" } })
    let second = try Support.run(EvalDirective.self, Support.cell("eval", body: ["k * 3", "calc.k * 3"]), state: state)
    #expect(texts(second) == ["k * 3 = 2", "calc.k * 3 = 2"])
}

@Test func evalSummarisesLargeTensors() throws {
    let result = try Support.run(EvalDirective.self, Support.cell("eval", body: ["X"]))
    let table = try #require(tables(result).first)
    #expect(table.caption == "X  (32×16), rows 0–7 of 32, columns 0–9 of 16")
    #expect(table.rows.count == 9)
    #expect(table.header.last == "…")
}

@Test func evalErrorsPointIntoTheLine() throws {
    let result = try Support.run(EvalDirective.self, Support.cell("eval", body: ["  softmax(X @ W.T)"]))
    #expect(result.error?.location == SourceLocation(file: "t.md", line: 2, column: 13))
    #expect(result.error?.message.contains("(32×16) @ (10×16)") == true)
}

@Test func evalUsesTheTrainedModel() throws {
    let state = Support.state()
    var model = SoftmaxModel.zeros(inputs: 16, classes: 10)
    model.bias[3] = 5
    state.setModel(model, named: "train")
    let result = try Support.run(EvalDirective.self, Support.cell("eval", body: ["argmax(softmax(X[0] @ W + b))"]), state: state)
    #expect(texts(result) == ["argmax(softmax(X[0] @ W + b)) = 3"])
}

@Test func formatterChoosesNotation() {
    let formatter = TensorFormatter()
    #expect(formatter.format(0.0900306) == "0.090")
    #expect(formatter.format(-0.0001) == "-1.00e-04")
    #expect(formatter.format(-0.0) == "0.000")
    #expect(formatter.format(1e7) == "1.00e+07")
    #expect(formatter.format(.infinity) == "inf")
    #expect(formatter.format(-.infinity) == "-inf")
    #expect(formatter.format(3, integers: true) == "3")
    #expect(TensorFormatter.compact(0.8312) == "0.831")
    #expect(TensorFormatter.compact(60000) == "60000")
    #expect(TensorFormatter.compact(12.345) == "12.3")
    #expect(TensorFormatter.compact(1234.5) == "1235")
}

@Test func inlineExpressionsFormatNumbers() throws {
    let state = NotebookState()
    state.metrics["train"] = [Metric(name: "test_accuracy", value: 0.8312)]
    let at = SourceLocation(file: "n.md", line: 4, column: 20)
    func inline(_ source: String) throws -> String { try InlineExpression.evaluate(source, at: at, in: state) }
    #expect(try inline("train.test_accuracy") == "0.831")
    #expect(try inline("train.test_accuracy:.1%") == "83.1%")
    #expect(try inline("train.test_accuracy:%") == "83.1%")
    #expect(try inline("train.test_accuracy:.2f") == "0.83")
    #expect(try inline("1 - train.test_accuracy:.3e") == "1.688e-01")
    #expect(try inline("100 * train.test_accuracy:d") == "83")
    #expect(try inline("softmax([1, 2, 3])") == "[0.090, 0.245, 0.665]")
    #expect(try inline("[10, 20, 30][1:]") == "[20, 30]")
    do {
        _ = try inline("train.test_accuracy:.1x")
        Issue.record("expected an error")
    } catch let error as Diagnostic {
        #expect(error.location?.column == 20 + 20)
    }
    do {
        _ = try inline("train.test_acuracy")
        Issue.record("expected an error")
    } catch let error as Diagnostic {
        #expect(error.location?.column == 26)
        #expect(error.hint?.contains("test_accuracy") == true)
    }
}
