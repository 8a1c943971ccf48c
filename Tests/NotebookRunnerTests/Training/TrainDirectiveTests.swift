import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

@Suite struct TrainDirectiveTests {
    static func state(trainCount: Int = 300, testCount: Int = 90) -> NotebookState {
        let state = NotebookState()
        var test = TrainingFixtures.synthetic(count: testCount, seed: 8)
        test.name = "test"
        let dataset = Dataset(name: "blocks", classNames: ["left", "middle", "right"],
                              train: TrainingFixtures.synthetic(count: trainCount), test: test)
        state.datasets["blocks"] = dataset
        state.dataset = dataset
        return state
    }

    static func defaults(_ pairs: [String: String]) -> Defaults {
        var defaults = Defaults()
        for (key, value) in pairs { defaults.set(key, value, at: SourceLocation(file: "notebook.md", line: 2)) }
        return defaults
    }

    @Test func optionsHaveTheStandardDefaults() throws {
        let directive = try TrainDirective(cell: DataFixtures.cell("train", ["softmax"]), defaults: Defaults())
        #expect(directive.configuration.learningRate == 0.1)
        #expect(directive.configuration.batchSize == .rows(256))
        #expect(directive.configuration.length == .epochs(10))
        #expect(directive.configuration.initialization == .normal(standardDeviation: 0.01))
        #expect(directive.configuration.normalize)
        #expect(directive.configuration.weightDecay == 0)
    }

    @Test func optionsAreReadAndFrontMatterApplies() throws {
        let cell = DataFixtures.cell("train", ["softmax"], [("batch", "full"), ("init", "normal(0.05)"), ("steps", "7"),
                                                          ("weight-decay", "0.001"), ("normalize", "false")])
        let directive = try TrainDirective(cell: cell, defaults: Self.defaults(["lr": "0.05", "seed": "4", "epochs": "3"]))
        #expect(directive.configuration.learningRate == 0.05)
        #expect(directive.configuration.seed == 4)
        #expect(directive.configuration.batchSize == .full)
        #expect(directive.configuration.length == .steps(7))
        #expect(directive.configuration.initialization == .normal(standardDeviation: 0.05))
        #expect(directive.configuration.weightDecay == 0.001)
        #expect(!directive.configuration.normalize)
        let zeros = try TrainDirective(cell: DataFixtures.cell("train", ["softmax"], [("init", "zeros")]), defaults: Self.defaults(["epochs": "3"]))
        #expect(zeros.configuration.initialization == .zeros)
        #expect(zeros.configuration.length == .epochs(3))
    }

    @Test func badOptionsPointAtTheirValue() {
        let badInit = DataFixtures.diagnostic {
            _ = try TrainDirective(cell: DataFixtures.cell("train", ["softmax"], [("init", "uniform")]), defaults: Defaults())
        }
        #expect(badInit?.message == "option :init: expects zeros or normal(STD), got 'uniform'")
        #expect(badInit?.location == SourceLocation(file: "notebook.md", line: 2, column: 8))
        let both = DataFixtures.diagnostic {
            _ = try TrainDirective(cell: DataFixtures.cell("train", ["softmax"], [("epochs", "2"), ("steps", "5")]), defaults: Defaults())
        }
        #expect(both?.message.contains(":epochs: and :steps:") == true)
        let batch = DataFixtures.diagnostic {
            _ = try TrainDirective(cell: DataFixtures.cell("train", ["softmax"], [("batch", "half")]), defaults: Defaults())
        }
        #expect(batch?.message == "option :batch: expects an integer, got 'half'")
        let model = DataFixtures.diagnostic { _ = try TrainDirective(cell: DataFixtures.cell("train", ["mlp"]), defaults: Defaults()) }
        #expect(model?.message == "{train} does not know 'mlp'")
    }

    @Test func trainingProducesTableChartSummaryMetricsAndAModel() throws {
        let state = Self.state()
        let output = try DataFixtures.temporaryDirectory("train")
        let cell = DataFixtures.cell("train", ["softmax"], [("epochs", "3"), ("batch", "32")])
        let outputs = try DataFixtures.run(TrainDirective.self, cell, state: state, output: output)
        guard case .table(let table) = outputs.items[0], case .svg(let chart) = outputs.items[1], case .text(let summary) = outputs.items[2] else {
            Issue.record("unexpected outputs \(outputs.items)")
            return
        }
        #expect(table.header == ["epoch", "train loss", "train accuracy", "test accuracy", "seconds"])
        #expect(table.rows.map { $0[0] } == ["1", "2", "3"])
        #expect(chart.svg.hasPrefix("<svg") && chart.svg.contains("<title>Training curves"))
        #expect(chart.svg.contains(">train loss<") && chart.svg.contains(">test<"))
        #expect(summary.contains("3 epochs (30 steps) of minibatch SGD (batch 32), lr 0.1"))
        let metrics = Dictionary(uniqueKeysWithValues: outputs.metrics.map { ($0.name, $0.value) })
        let history = (0..<3).flatMap { k in ["train_loss", "train_accuracy", "test_accuracy"].map { "history[\(k)].\($0)" } }
        #expect(Set(metrics.keys) == Set(["train_loss", "train_accuracy", "test_accuracy", "seconds", "epochs", "steps"] + history))
        #expect(metrics["history[2].test_accuracy"] == metrics["test_accuracy"])
        #expect(metrics["epochs"] == 3 && metrics["steps"] == 30)
        #expect(metrics["test_accuracy"]! > 0.9)
        #expect(state.model?.classes == 3)
    }

    /// A long training lists epoch 1, every K-th and the last; the curve and the metrics keep all.
    @Test func aLongTrainingsTableFolds() throws {
        let output = try DataFixtures.temporaryDirectory("train-long")
        let cell = DataFixtures.cell("train", ["softmax"], [("epochs", "30"), ("batch", "full")])
        let outputs = try DataFixtures.run(TrainDirective.self, cell, state: Self.state(trainCount: 60, testCount: 30), output: output)
        guard case .table(let table) = outputs.items[0], case .svg(let chart) = outputs.items[1] else {
            Issue.record("unexpected outputs \(outputs.items)")
            return
        }
        #expect(table.rows.map { $0[0] } == ["1", "3", "6", "9", "12", "15", "18", "21", "24", "27", "30"])
        #expect(table.caption?.hasSuffix("; rows for epoch 1, every 3 epochs and the last of 30 (the curves show all)") == true, "\(String(describing: table.caption))")
        #expect(outputs.metrics.contains { $0.name == "history[28].train_loss" })
        #expect(chart.svg.contains("30"))
        let short = try DataFixtures.run(TrainDirective.self, DataFixtures.cell("train", ["softmax"], [("epochs", "12"), ("batch", "full")]),
                                         state: Self.state(trainCount: 60, testCount: 30), output: output)
        guard case .table(let all) = short.items[0] else { return }
        #expect(all.rows.count == 12 && all.caption?.contains("rows for") == false)
    }

    @Test func withoutDataTheErrorSaysWhatToAdd() throws {
        let output = try DataFixtures.temporaryDirectory("train")
        let diagnostic = DataFixtures.diagnostic {
            _ = try DataFixtures.run(TrainDirective.self, DataFixtures.cell("train", ["softmax"]), state: NotebookState(), output: output)
        }
        #expect(diagnostic?.message == "{train} needs a data set, and none is loaded yet")
    }

    @Test func divergenceIsLocatedAtTheCell() throws {
        let output = try DataFixtures.temporaryDirectory("train")
        let cell = DataFixtures.cell("train", ["softmax"], [("lr", "1e35"), ("normalize", "false")])
        let diagnostic = DataFixtures.diagnostic { _ = try DataFixtures.run(TrainDirective.self, cell, state: Self.state(), output: output) }
        #expect(diagnostic?.message.hasPrefix("training diverged in epoch 1") == true)
        #expect(diagnostic?.location == cell.directiveLocation)
    }

    @Test func evaluateReportsAccuracyPerClassAndAConfusionMatrix() throws {
        let state = Self.state()
        let output = try DataFixtures.temporaryDirectory("evaluate")
        let noModel = DataFixtures.diagnostic { _ = try DataFixtures.run(EvaluateDirective.self, DataFixtures.cell("evaluate"), state: state, output: output) }
        #expect(noModel?.hint == "add a {train} softmax cell before this one")
        _ = try DataFixtures.run(TrainDirective.self, DataFixtures.cell("train", ["softmax"], [("epochs", "3"), ("batch", "32")]), state: state, output: output)
        let outputs = try DataFixtures.run(EvaluateDirective.self, DataFixtures.cell("evaluate", [], [("split", "test")]), state: state, output: output)
        guard case .text(let text) = outputs.items[0], case .table(let table) = outputs.items[1], case .svg(let heatMap) = outputs.items[2] else {
            Issue.record("unexpected outputs \(outputs.items)")
            return
        }
        let metrics = Dictionary(uniqueKeysWithValues: outputs.metrics.map { ($0.name, $0.value) })
        let predictions = Predictor.predictions(of: state.softmaxModel!, on: state.dataset!.test!)
        let correct = zip(predictions, state.dataset!.test!.labels).filter { $0 == $1 }.count
        #expect(metrics["accuracy"] == Double(correct) / 90)
        #expect(metrics["count"] == 90)
        #expect(text == "Accuracy on the test split: \(String(format: "%.4f", Double(correct) / 90)) (\(correct) of 90 images).")
        #expect(table.rows.map { $0[0] } == ["left", "middle", "right"])
        #expect(heatMap.svg.contains(">middle</text>") && heatMap.svg.contains("<title>Confusion matrix"))
        let train = try DataFixtures.run(EvaluateDirective.self, DataFixtures.cell("evaluate", [], [("split", "train")]), state: state, output: output)
        #expect(train.metrics.first { $0.name == "count" }?.value == 300)
    }
}
