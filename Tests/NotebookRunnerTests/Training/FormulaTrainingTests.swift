import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// `{train} softmax` with the author's gradient formulas (`:grad W:`, `:grad b:`, body lines).
@Suite struct FormulaTrainingTests {
    static let right = [("grad W", "X.T @ (P - Y) / N"), ("grad b", "sum(P - Y, axis=0) / N")]
    static let trueClassOnly = [("grad W", "X.T @ ((P - Y) * Y) / N"), ("grad b", "sum((P - Y) * Y, axis=0) / N")]

    static func metrics(_ outputs: CellOutputs) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: outputs.metrics.map { ($0.name, $0.value) })
    }

    static func train(_ options: [(String, String)], body: [String] = [], state: NotebookState = TrainDirectiveTests.state()) throws -> CellOutputs {
        var cell = DataFixtures.cell("train", ["softmax"], options)
        cell.body = body.enumerated().map { SourceLine(text: $1, location: SourceLocation(file: "notebook.md", line: 10 + $0)) }
        let output = try DataFixtures.temporaryDirectory("train-formulas")
        _ = try DirectiveRegistry.standard.instantiate(cell, defaults: Defaults())
        return try DataFixtures.run(TrainDirective.self, cell, state: state, output: output)
    }

    @Test func rightFormulasFollowTheFastPath() throws {
        let schedule = [("epochs", "3"), ("batch", "32"), ("seed", "3")]
        let fastState = TrainDirectiveTests.state(), formulaState = TrainDirectiveTests.state()
        let fast = Self.metrics(try Self.train(schedule, state: fastState))
        let outputs = try Self.train(schedule + Self.right, state: formulaState)
        let formulas = Self.metrics(outputs)
        // Same initial weights and shuffles: only Float32 against Float64 rounding differs.
        #expect(abs(formulas["train_loss"]! - fast["train_loss"]!) < 1e-4)
        #expect(abs(formulas["test_accuracy"]! - fast["test_accuracy"]!) <= 1.0 / 90)
        #expect(formulas["steps"] == 30 && formulas["diverged"] == 0)
        let a = try #require(fastState.softmaxModel), b = try #require(formulaState.softmaxModel)
        #expect(zip(a.weights, b.weights).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(b.inputScale == a.inputScale)
        guard case .table(let table) = outputs.items[0], case .svg(let chart) = outputs.items[1],
              case .text(let used) = outputs.items[2], case .text(let summary) = outputs.items[3] else {
            Issue.record("unexpected outputs \(outputs.items)")
            return
        }
        #expect(table.rows.count == 3 && chart.svg.contains("<title>Training curves"))
        #expect(used.contains("∂J/∂W = X.T @ (P - Y) / N") && used.contains("∂J/∂b = sum(P - Y, axis=0) / N"))
        #expect(summary.contains("3 epochs (30 steps) of minibatch SGD (batch 32)"))
    }

    @Test func fullBatchStepsAndNormalizationFollowTheFastPathToo() throws {
        let schedule = [("batch", "full"), ("steps", "5"), ("normalize", "false"), ("lr", "0.0001"), ("weight-decay", "0.01")]
        let fastState = TrainDirectiveTests.state(), formulaState = TrainDirectiveTests.state()
        let fast = Self.metrics(try Self.train(schedule, state: fastState))
        let formulas = Self.metrics(try Self.train(schedule + Self.right, state: formulaState))
        #expect(formulas["steps"] == 5 && formulas["epochs"] == 5)
        #expect(abs(formulas["train_loss"]! - fast["train_loss"]!) < 1e-4)
        #expect(formulaState.softmaxModel?.inputScale == 1)
    }

    @Test(.enabled(if: DataFixtures.hasFashionMNIST, "Fashion-MNIST is not installed (/usr/share/datasets/fashion-mnist)"))
    func trueClassOnlyTrainsWorse() throws {
        let train = try #require(try TrainingFixtures.fashionMNIST("train", rows: 1000))
        let test = try #require(try TrainingFixtures.fashionMNIST("t10k", rows: 500))
        let state = NotebookState()
        let dataset = Dataset(name: "fashion-mnist", classNames: [], train: train, test: test)
        state.datasets[dataset.name] = dataset
        state.dataset = dataset
        let schedule = [("epochs", "3"), ("batch", "50"), ("lr", "0.1")]
        let right = Self.metrics(try Self.train(schedule + Self.right, state: state))
        let partial = Self.metrics(try Self.train(schedule + Self.trueClassOnly, state: state))
        #expect(right["test_accuracy"]! > 0.65, "\(right) \(partial)")
        #expect(partial["test_accuracy"]! < right["test_accuracy"]! - 0.05)
        #expect(partial["train_loss"]! > right["train_loss"]!)
    }

    @Test func bodyLinesAndHelpersWork() throws {
        let outputs = try Self.train([("epochs", "2"), ("batch", "32")],
                                     body: ["# the residual", "G = P - Y", "grad W: X.T @ G / N", "grad b: sum(G, axis=0) / N"])
        #expect(Self.metrics(outputs)["test_accuracy"]! > 0.9)
    }

    @Test func samplesLimitsTheTrainingRows() throws {
        let outputs = try Self.train([("epochs", "1"), ("batch", "10"), ("samples", "50")] + Self.right)
        #expect(Self.metrics(outputs)["steps"] == 5)
        guard case .text(let summary) = outputs.items[3] else { Issue.record("no summary"); return }
        #expect(summary.contains("on 50 blocks images"))
        let fast = try Self.train([("epochs", "1"), ("batch", "10"), ("samples", "50")])
        #expect(Self.metrics(fast)["steps"] == 5)
    }

    @Test func formulaErrorsPointIntoTheOption() throws {
        // DataFixtures.cell puts option k on line 2 + k, its value at column key.count + 4.
        let shape = DataFixtures.diagnostic { _ = try Self.train([("epochs", "1"), ("grad W", "X @ (P - Y) / N")]) }
        #expect(shape?.location == SourceLocation(file: "notebook.md", line: 3, column: 12))
        #expect(shape?.message.contains("(32×20) @ (32×3)") == true || shape?.message.contains("×20) @ (") == true)
        let wrongShape = DataFixtures.diagnostic { _ = try Self.train([("epochs", "1"), ("grad b", "P - Y")]) }
        #expect(wrongShape?.message.hasPrefix("the formula for b is") == true)
        #expect(wrongShape?.message.contains("but b is") == true)
        #expect(wrongShape?.location == SourceLocation(file: "notebook.md", line: 3, column: 10))
        let syntax = DataFixtures.diagnostic { _ = try Self.train([("grad W", "X.T @ (P - Y")]) }
        #expect(syntax?.location?.line == 2)
        #expect((syntax?.location?.column ?? 0) >= 10)
        let unknown = DataFixtures.diagnostic { _ = try Self.train([("grad W", "X.T @ (Q - Y) / N")]) }
        #expect(unknown?.location == SourceLocation(file: "notebook.md", line: 2, column: 17))
        let loss = DataFixtures.diagnostic { _ = try Self.train([], body: ["loss: -mean(log(P))"]) }
        #expect(loss?.message == "{train} takes gradient formulas, not a loss")
        let parameter = DataFixtures.diagnostic { _ = try Self.train([], body: ["grad V: X"]) }
        #expect(parameter?.location == SourceLocation(file: "notebook.md", line: 10, column: 6))
    }

    static func notices(_ outputs: CellOutputs) -> [Diagnostic] {
        outputs.items.compactMap { item -> Diagnostic? in
            if case .notice(let diagnostic) = item { return diagnostic }
            return nil
        }
    }

    @Test func anInfiniteLossIsReportedAndTrainingGoesOn() throws {
        // Gradient ascent: the true class's probability underflows to 0, the loss to infinity.
        let outputs = try Self.train([("epochs", "3"), ("batch", "30"), ("lr", "1"), ("normalize", "false"),
                                      ("grad W", "X.T @ (Y - P) / N * 1000")])
        let notices = Self.notices(outputs)
        #expect(notices.count == 1)
        #expect(notices.first?.message.hasPrefix("the training loss was not finite in") == true)
        let metrics = Self.metrics(outputs)
        #expect(metrics["train_loss"] == .infinity && metrics["diverged"] == 0 && metrics["epochs"] == 3)
        guard case .table(let table) = outputs.items[0], case .svg(let chart) = outputs.items[1] else {
            Issue.record("unexpected outputs \(outputs.items)")
            return
        }
        #expect(table.rows.last?[1] == "inf")
        #expect(chart.svg.contains("<title>Training curves"))
    }

    @Test func parametersThatOverflowStopTrainingAndKeepTheLastFiniteModel() throws {
        let state = TrainDirectiveTests.state()
        let outputs = try Self.train([("epochs", "3"), ("batch", "30"), ("lr", "1e300"), ("normalize", "false"),
                                      ("grad W", "X.T @ (Y - P) / N * 1e300")], state: state)
        #expect(Self.notices(outputs).contains { $0.message.hasPrefix("training stopped at step 1 (epoch 1): W or b became nan or infinite") })
        #expect(Self.metrics(outputs)["diverged"] == 1)
        #expect(Self.metrics(outputs)["steps"] == 1)
        let model = try #require(state.softmaxModel)
        #expect(model.weights.allSatisfy { $0.isFinite })
        #expect(outputs.items.contains { if case .svg = $0 { return true } else { return false } })
    }
}
