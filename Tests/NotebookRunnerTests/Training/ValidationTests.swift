import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// `:validation:` (rows held out of the training split) and `:early-stopping:`.
@Suite struct ValidationTests {
    @Test func heldOutRowsAreSeededDisjointAndComplete() {
        let split = TrainingFixtures.synthetic(count: 50)
        let (train, validation) = split.holdingOut(12, seed: 3)
        #expect(train.count == 38 && validation.count == 12 && validation.name == "validation")
        // Every row is in exactly one part, each part in the split's order.
        var rows: [[UInt8]] = []
        for part in [train, validation] { for r in 0..<part.count { rows.append(Array(part.image(r)) + [part.labels[r]]) } }
        let original = (0..<50).map { Array(split.image($0)) + [split.labels[$0]] }
        #expect(rows.sorted { $0.lexicographicallyPrecedes($1) } == original.sorted { $0.lexicographicallyPrecedes($1) })
        let again = split.holdingOut(12, seed: 3)
        #expect(again.validation.images == validation.images && again.train.labels == train.labels)
        #expect(split.holdingOut(12, seed: 4).validation.images != validation.images)
    }

    static let mlp = ["param W1: inputs×32 normal(0.5)", "param b1: 32 zeros", "param W2: 32×classes normal(0.5)", "param b2: classes zeros",
                      "P = softmax(tanh(X @ W1 + b1) @ W2 + b2)", "loss: -mean(sum(Y * log(P), axis=1))"]

    /// Random labels: the training loss falls, the validation loss soon rises, and training
    /// stops `patience` epochs after its lowest point, keeping that epoch's parameters — the
    /// parameters a run of exactly that many epochs ends with.
    @Test func earlyStoppingKeepsTheBestEpoch() throws {
        let data = ExpressionTestSupport.dataset(count: 80).train!
        let (train, validation) = data.holdingOut(20, seed: 1)
        let definition = try EngineTests.definition(Self.mlp)
        let start = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 2, as: Float.self)
        func trainer(epochs: Int, patience: Int?) -> ModelTrainer {
            var configuration = TrainingConfiguration(learningRate: 0.02, batchSize: .rows(16), length: .epochs(epochs), seed: 5, threads: 1)
            configuration.optimizer = Optimizer(.adam)
            var trainer = ModelTrainer(definition: definition, configuration: configuration, gradients: .automatic, shuffles: true, pixelScale: 1 / 255)
            trainer.patience = patience
            return trainer
        }
        let outcome = try trainer(epochs: 60, patience: 3).train(from: start, on: train, validation: validation, test: nil, classes: 10)
        let losses = outcome.history.compactMap(\.validationLoss)
        #expect(losses.count == outcome.history.count)
        let best = try #require(outcome.bestEpoch)
        let stopped = try #require(outcome.stoppedEarlyAfterEpoch, "validation losses \(losses)")
        #expect(stopped == best + 3 && outcome.history.count == stopped)
        #expect(losses[best - 1] == losses.min())
        #expect(outcome.history.last!.trainLoss < outcome.history[best - 1].trainLoss)
        let exact = try trainer(epochs: best, patience: nil).train(from: start, on: train, test: nil, classes: 10)
        #expect(outcome.parameters == exact.parameters)
        #expect(outcome.optimizerState == exact.optimizerState)
    }

    @Test func theCellShowsValidationAndTheKeptEpoch() throws {
        let state = TrainDirectiveTests.state()
        let output = try DataFixtures.temporaryDirectory("validation")
        let cell = DataFixtures.cell("train", ["softmax"], [("epochs", "3"), ("batch", "32"), ("validation", "60")])
        let outputs = try DataFixtures.run(TrainDirective.self, cell, state: state, output: output)
        guard case .table(let table) = outputs.items[0], case .svg(let chart) = outputs.items[1] else { Issue.record("\(outputs.items)"); return }
        #expect(table.header.prefix(5) == ["epoch", "train loss", "train accuracy", "validation loss", "validation accuracy"])
        #expect(chart.svg.contains(">validation loss<") && chart.svg.contains(">validation<"))
        let names = Set(outputs.metrics.map(\.name))
        #expect(names.isSuperset(of: ["validation_loss", "validation_accuracy", "history[2].validation_loss", "history[0].validation_accuracy"]))
        let text = outputs.items.compactMap { if case .text(let text) = $0 { return text } else { return nil } }.joined(separator: "\n")
        #expect(text.contains("60 training rows held out for validation (:validation:, drawn by :seed: 0); trained on the other 240."), "\(text)")
        #expect(text.contains("on 240 blocks images"), "\(text)")
    }

    @Test func earlyStoppingNeedsValidationRows() {
        let missing = DataFixtures.diagnostic {
            _ = try TrainDirective(cell: DataFixtures.cell("train", ["softmax"], [("early-stopping", "3")]), defaults: Defaults())
        }
        #expect(missing?.message == ":early-stopping: needs rows to watch: add :validation: N")
        #expect(missing?.location == SourceLocation(file: "notebook.md", line: 2, column: 18))
        let state = TrainDirectiveTests.state()
        let all = DataFixtures.diagnostic {
            _ = try DataFixtures.run(TrainDirective.self, DataFixtures.cell("train", ["softmax"], [("validation", "300")]), state: state,
                                     output: try DataFixtures.temporaryDirectory("validation-all"))
        }
        #expect(all?.message == ":validation: 300 would hold out every row of the 300 training rows")
    }
}
