import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// `X`, `W` and `b` after `{train}` describe the trained model, whatever its input scale.
@Suite struct ModelBindingsTests {
    /// The mean cross-entropy over every training row, from the fast path's logits.
    static func modelLoss(_ state: NotebookState) -> Double {
        let model = state.softmaxModel!, split = state.dataset!.train!
        let logits = Predictor.logits(of: model, on: split, threads: 1)
        var total = 0.0
        for n in 0..<split.count {
            let row = logits[n * model.classes ..< (n + 1) * model.classes].map(Double.init)
            total -= Softmax.logProbabilities(row)[Int(split.labels[n])]
        }
        return total / Double(split.count)
    }

    /// The same loss from `{eval}`'s names, over all rows (their order does not matter for a mean).
    static func bindingsLoss(_ state: NotebookState) throws -> (Double, ExpressionBindings) {
        let bindings = ExpressionBindings(state: state, samples: state.dataset!.train!.count, seed: 0)
        let loss = try bindings.scope.evaluate(try ExpressionParser.parse("-mean(sum(Y * log(softmax(X @ W + b)), axis=1))",
                                                                          at: SourceLocation(file: "t.md", line: 1)))
        return (loss.data[0], bindings)
    }

    @Test(arguments: ["true", "false"])
    func expressionsSeeTheTrainedModel(normalize: String) throws {
        let state = TrainDirectiveTests.state(trainCount: 120)
        let output = try DataFixtures.temporaryDirectory("bindings")
        let lr = normalize == "true" ? "0.1" : "0.0005"
        _ = try DataFixtures.run(TrainDirective.self, DataFixtures.cell("train", ["softmax"], [("epochs", "2"), ("batch", "16"),
                                                                                              ("lr", lr), ("normalize", normalize)]),
                                 state: state, output: output)
        let (loss, bindings) = try Self.bindingsLoss(state)
        #expect(abs(loss - Self.modelLoss(state)) < 1e-4 * max(1, loss))
        let x = try #require(bindings.scope["X"])
        if normalize == "true" {
            #expect(x.data.max()! <= 1)
            #expect(bindings.descriptions[0].hasSuffix("pixels / 255"))
        } else {
            #expect(x.data.max()! > 100 && x.data.allSatisfy { $0 == $0.rounded() })
            #expect(bindings.descriptions[0].contains("raw pixel values"))
        }
    }

    /// A few small steps, so that the model is not saturated and its gradient not vanishingly small.
    @Test func gradcheckAfterTrainingWithoutNormalizationPasses() throws {
        let state = TrainDirectiveTests.state(trainCount: 120)
        let output = try DataFixtures.temporaryDirectory("bindings")
        _ = try DataFixtures.run(TrainDirective.self, DataFixtures.cell("train", ["softmax"], [("steps", "2"), ("batch", "16"),
                                                                                              ("lr", "0.00002"), ("normalize", "false")]),
                                 state: state, output: output)
        let outputs = try DataFixtures.run(GradCheckDirective.self, DataFixtures.cell("gradcheck", ["softmax-regression"], [("samples", "16")]),
                                           state: state, output: output)
        #expect(outputs.metrics.first { $0.name == "passed" }?.value == 1)
    }
}
