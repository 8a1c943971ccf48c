import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// `:split: test` binds X, y, Y and N from the test split in `{eval}` and `{gradcheck}`.
private func stateWithBothSplits() -> NotebookState {
    let train = ExpressionTestSupport.dataset(count: 60, seed: 7).train!
    var test = ExpressionTestSupport.dataset(count: 40, seed: 8).train!
    test.name = "test"
    let data = Dataset(name: "synthetic", classNames: (0..<10).map(String.init), train: train, test: test)
    let state = NotebookState()
    state.datasets[data.name] = data
    state.dataset = data
    return state
}

@Test func evalTakesTheTestSplitWhenAsked() throws {
    let state = stateWithBothSplits()
    let body = ["n = N", "s = sum(y)"]
    let onTest = try ExpressionTestSupport.run(EvalDirective.self,
        ExpressionTestSupport.cell("eval", options: [("split", "test"), ("samples", "40")], body: body, label: "t"), state: state)
    let onTrain = try ExpressionTestSupport.run(EvalDirective.self,
        ExpressionTestSupport.cell("eval", options: [("samples", "40")], body: body, label: "r"), state: state)
    let testLabels = state.dataset!.test!.labels.map(Double.init).reduce(0, +)
    #expect(ExpressionTestSupport.metric(onTest, "s") == testLabels)
    #expect(ExpressionTestSupport.metric(onTrain, "s") != testLabels)
    #expect(ExpressionTestSupport.metric(onTest, "n") == 40)
}

@Test func aMissingTestSplitSaysSo() throws {
    let result = try ExpressionTestSupport.run(EvalDirective.self,
        ExpressionTestSupport.cell("eval", options: [("split", "test")], body: ["X.shape"]))
    #expect(result.status == .error)
    #expect(result.error?.message == "'X' is not available: the data set 'synthetic' has no test split loaded")
    #expect(throws: Diagnostic.self) {
        try EvalDirective(cell: ExpressionTestSupport.cell("eval", options: [("split", "tset")], body: ["1"]), defaults: Defaults())
    }
}

@Test func gradcheckRunsOnTheTestSplit() throws {
    let state = stateWithBothSplits()
    let cell = ExpressionTestSupport.cell("gradcheck", options: [("split", "test"), ("samples", "16")], body: [
        "P = softmax(X @ W + b)",
        "loss: -mean(sum(Y * log(P), axis=1))",
        "grad W: X.T @ (P - Y) / N",
        "grad b: sum(P - Y, axis=0) / N",
    ])
    let result = try ExpressionTestSupport.run(GradCheckDirective.self, cell, state: state)
    #expect(result.status == .ok, "\(String(describing: result.error))")
    let texts = result.outputs.compactMap { if case .text(let text) = $0 { text } else { nil } }
    #expect(texts.contains { $0.contains("synthetic test") }, "\(texts)")
}
