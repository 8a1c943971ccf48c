import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// Numbers and errors of the training engine that were once wrong.
@Suite struct EngineRegressionTests {
    static let split = ExpressionTestSupport.dataset(count: 5000).train!

    /// The engine's loss after `lines` trained with `batch` (and rows per chunk), and the
    /// interpreter's loss of the same initial values over every row.
    func firstLoss(_ lines: [String], batch: TrainingConfiguration.BatchSize, chunkRows: Int = 4096, epochs: Int = 1)
        throws -> (engine: ModelTrainer.Outcome, exact: Double) {
        let definition = try EngineTests.definition(lines)
        let initial = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 1, as: Float.self)
        var trainer = ModelTrainer(definition: definition, configuration: TrainingConfiguration(learningRate: 0.01, batchSize: batch, length: .epochs(epochs), seed: 3),
                                   gradients: .automatic, shuffles: false, pixelScale: 1 / 255)
        trainer.chunkRows = chunkRows
        let outcome = try trainer.train(from: initial, on: Self.split, test: nil, classes: 10)
        var scope = ExpressionScope(values: Self.split.tensors(rows: Array(0..<Self.split.count), classes: 10))
        for parameter in definition.parameters {
            scope.values[parameter.name] = Tensor(shape: definition.shapes(inputs: 16, classes: 10)[parameter.name]!,
                                                  data: initial[parameter.name]!.map(Double.init))
        }
        return (outcome, try scope.evaluate(definition.loss, after: definition.forward).data[0])
    }

    static let sumLoss = ["param W: inputs×classes normal(0.1)", "param b: classes zeros", "P = softmax(X @ W + b)",
                          "loss: -sum(Y * log(P)) + 0.5 * sum(W * W)"]

    /// A full batch of 5,000 rows in chunks of 4,096 and 904 reported a sum-type loss as the
    /// chunks' losses weighted by their share of the rows, and stepped by that mixture.
    @Test func aFullBatchInChunksIsTheBatch() throws {
        let chunked = try firstLoss(Self.sumLoss, batch: .full, epochs: 2)
        #expect(abs(chunked.engine.history[0].trainLoss - chunked.exact) / chunked.exact < 1e-5,
                "\(chunked.engine.history[0].trainLoss) vs \(chunked.exact)")
        let whole = try firstLoss(Self.sumLoss, batch: .full, chunkRows: 10_000, epochs: 2)
        for (name, values) in whole.engine.parameters {
            let error = GradientCheck.relativeError(chunked.engine.parameters[name]!.map(Double.init), values.map(Double.init))
            #expect(error < 1e-5, "\(name): \(error)")
        }
        #expect(abs(chunked.engine.history[1].trainLoss - whole.engine.history[1].trainLoss) / whole.engine.history[1].trainLoss < 1e-5)
        // A minibatch of more rows than a chunk is chunked the same way.
        let minibatch = try firstLoss(Self.sumLoss, batch: .rows(5000), chunkRows: 700)
        #expect(abs(minibatch.engine.history[0].trainLoss - chunked.exact) / chunked.exact < 1e-5)
    }

    /// Statistics over the batch's rows (batch normalisation) were taken per chunk.
    @Test func batchStatisticsAreOverTheWholeBatch() throws {
        let lines = ["param W: inputs×classes normal(0.1)", "param b: classes zeros", "Z = X @ W",
                     "A = (Z - mean(Z, axis=0)) / sqrt(mean(Z * Z, axis=0, keepdims=True) + 1)", "P = softmax(A + b)",
                     "loss: -mean(sum(Y * log(P), axis=1))"]
        let (outcome, exact) = try firstLoss(lines, batch: .full)
        #expect(abs(outcome.history[0].trainLoss - exact) / exact < 1e-5, "\(outcome.history[0].trainLoss) vs \(exact)")
        let definition = try EngineTests.definition(lines)
        let program = try ModelProgram(definition: definition, inputs: 16, classes: 10, rows: 100, batchRows: 5000, gradients: .automatic, training: true)
        let obstacle = try #require(program.chunkingObstacle)
        #expect(obstacle.location == SourceLocation(file: "m.md", line: 4, column: 8))
        // Predictions of such a model are of the split as one batch, as {eval} computes them.
        let values = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 1, as: Float.self)
        let blocks = try ModelTrainer.predictions(definition: definition, parameters: values, on: Self.split, classes: 10, pixelScale: 1 / 255, block: 1000)
        let whole = try ModelTrainer.predictions(definition: definition, parameters: values, on: Self.split, classes: 10, pixelScale: 1 / 255, block: 5000)
        #expect(blocks == whole)
    }

    /// `keepdims=True` was read as false: the engine computed another model than `{eval}`.
    @Test func keywordArgumentsAreReadAsTheInterpreterReadsThem() throws {
        for flag in ["True", "true", "1"] {
            let lines = ["param W: inputs×classes normal(0.3)", "S = exp(X @ W)", "T = S / sum(S, axis=1, keepdims=\(flag))",
                         "P = T * 0.5 + softmax(X @ W, axis=-1) * 0.5", "loss: -mean(sum(Y * log(P), axis=-1, keepdims=False))"]
            let (engine, exact) = try EngineTests().gradients(try EngineTests.definition(lines))
            #expect(GradientCheck.relativeError(engine["W"]!.map(Double.init), exact["W"]!.data) < 1e-4, "keepdims=\(flag)")
        }
        func error(_ forward: String) throws -> Diagnostic {
            let definition = try EngineTests.definition(["param W: inputs×classes zeros", "Z = X @ W", forward, "P = softmax(Z)",
                                                         "loss: -mean(sum(Y * log(P), axis=1))"])
            return try #require(throws: Diagnostic.self) {
                _ = try ModelProgram(definition: definition, inputs: 16, classes: 10, rows: 4, gradients: .automatic, training: true)
            }
        }
        #expect(try error("A = sum(Z, axes=1)").message == "sum() has no argument 'axes'")
        #expect(try error("A = sum(Z, axes=1)").location == SourceLocation(file: "m.md", line: 3, column: 12))
        #expect(try error("A = mean(Z, 1)").message.hasPrefix("mean() takes the axis only as a keyword"))
        #expect(try error("A = mean(Z, axis=0, keepdims=2)").message == "keepdims= must be True or False (or 1 or 0)")
        #expect(try error("A = mean(Z, axis=N)").message.hasPrefix("axis= must be written as a number here"))
        #expect(try error("A = softmax(Z, axis=0)").message.hasPrefix("the training engine takes softmax over rows"))
        #expect(try error("A = exp(Z, axis=0)").message == "exp() has no argument 'axis'")
        #expect(try error("A = Z * 1e300").message.contains("is outside the range of Float32"))
        #expect(try error("A = Z * 1e300").location == SourceLocation(file: "m.md", line: 3, column: 9))
    }

    /// Training memory was not budgeted: activations of 60,000 rows × 4,096 units took 7 GB
    /// under --memory-limit 512M.
    @Test func trainingMemoryIsCheckedBeforeItStarts() throws {
        let definition = try EngineTests.definition(["param W1: inputs×4096 normal(0.01)", "param W2: 4096×classes normal(0.01)",
                                                     "H = relu(X @ W1)", "P = softmax(H @ W2)", "loss: -mean(sum(Y * log(P), axis=1))"])
        let initial = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 1, as: Float.self)
        func train(_ batch: TrainingConfiguration.BatchSize, budget: Int) throws {
            let trainer = ModelTrainer(definition: definition, configuration: TrainingConfiguration(batchSize: batch, length: .steps(1)),
                                       gradients: .automatic, shuffles: false, pixelScale: 1 / 255, memoryBudget: MemoryBudget(bytes: budget))
            _ = try trainer.train(from: initial, on: Self.split, test: nil, classes: 10)
        }
        let error = try #require(throws: Diagnostic.self) { try train(.rows(5000), budget: 64_000_000) }
        #expect(error.message.hasPrefix("training on batches of 5,000 rows in chunks of 512 (activations and gradients "), "\(error.message)")
        #expect(error.message.contains("more than the memory budget of 64.0 MB"), "\(error.message)")
        #expect(error.hint?.hasPrefix("use a smaller :batch: or fewer hidden units") == true)
        // The estimate: a chunk of 4,096 rows holds X @ W1, relu's output, its step and their
        // gradients, 4,096 × 4,096 floats each — the same again for the 904 rows of the other chunk.
        let bytes = try BatchComputation(definition: definition, gradients: .automatic, inputs: 16, classes: 10, sizes: [5000], chunkRows: 4096).bytes
        #expect(bytes > 5000 * 4096 * 4 * 4 && bytes < 5000 * 4096 * 4 * 12, "\(bytes)")
        try train(.rows(500), budget: 200_000_000)
    }

    /// A `{model}` cell with `body` (its `:label:` is m), run on the blocks data set.
    static func declare(_ body: [String], budget: MemoryBudget = .default, state: NotebookState = TrainDirectiveTests.state()) throws -> CellOutputs {
        let lines = body.enumerated().map { SourceLine(text: $1, location: SourceLocation(file: "notebook.md", line: 3 + $0)) }
        let label = CellOption(key: "label", value: "m", location: SourceLocation(file: "notebook.md", line: 2),
                               valueLocation: SourceLocation(file: "notebook.md", line: 2, column: 10))
        let cell = Cell(index: 1, directive: "model", arguments: [], options: [label], body: lines,
                        location: SourceLocation(file: "notebook.md", line: 1),
                        directiveLocation: SourceLocation(file: "notebook.md", line: 1, column: 4), source: "")
        return try ModelDirective(cell: cell, defaults: Defaults()).run(in: context(for: cell, state: state, budget: budget))
    }

    static func context(for cell: Cell, state: NotebookState, budget: MemoryBudget) throws -> ExecutionContext {
        let output = try DataFixtures.temporaryDirectory("model")
        var settings = RunSettings(outputDirectory: output, dataDirectory: nil)
        settings.memoryBudget = budget
        return ExecutionContext(state: state, cell: cell, settings: settings, notebookName: "notebook",
                                assetDirectory: output.appendingPathComponent("notebook"),
                                cancellation: CellCancellation(run: Cancellation()), progress: { _ in })
    }

    /// The training memory error is the {train} cell's.
    @Test func theTrainingMemoryErrorIsLocatedAtTheCell() throws {
        let state = TrainDirectiveTests.state()
        _ = try Self.declare(["param W1: inputs×2000 normal(0.01)", "param W2: 2000×classes normal(0.01)", "H = relu(X @ W1)",
                              "P = softmax(H @ W2)", "loss: -mean(sum(Y * log(P), axis=1))"], state: state)
        let cell = DataFixtures.cell("train", [], [("model", "m"), ("batch", "300"), ("epochs", "1")])
        let error = try #require(throws: Diagnostic.self) {
            _ = try TrainDirective(cell: cell, defaults: Defaults()).run(in: Self.context(for: cell, state: state, budget: MemoryBudget(bytes: 5_000_000)))
        }
        #expect(error.location == cell.directiveLocation)
        #expect(error.message.hasPrefix("training on batches of 300 rows (activations and gradients "), "\(error.message)")
        #expect(error.message.hasSuffix("more than the memory budget of 5.0 MB"), "\(error.message)")
        _ = try TrainDirective(cell: cell, defaults: Defaults()).run(in: Self.context(for: cell, state: state, budget: MemoryBudget(bytes: 50_000_000)))
    }

    /// An initial value past Float32's range made training fail with "try a smaller :lr:".
    @Test func initialValuesPastFloat32AreLocatedAtTheirParameter() throws {
        for initializer in ["constant(1e300)", "normal(1e39)", "uniform(1e40)"] {
            let error = try #require(throws: Diagnostic.self) {
                _ = try Self.declare(["param b: classes zeros", "param W: inputs×classes \(initializer)", "P = softmax(X @ W + b)",
                                      "loss: -mean(sum(Y * log(P), axis=1))"])
            }
            #expect(error.message.hasPrefix("the initial values of W, \(initializer.prefix(while: { $0 != "(" }))("), "\(error.message)")
            #expect(error.message.hasSuffix("overflow Float32 (largest about 3.4·10³⁸), in which the training engine keeps parameters"))
            #expect(error.location == SourceLocation(file: "notebook.md", line: 4, column: 7))
        }
    }

    /// The {model} check counted 12 bytes a value where the cell holds 16 at once.
    @Test func declaringAModelCountsWhatItHolds() throws {
        // 20 pixels × 100,000 + 100,000 × 3 values: 2.3 million, 36.8 MB at 16 bytes each.
        let body = ["param W1: inputs×100000 zeros", "param W2: 100000×classes zeros", "P = softmax(X @ W1 @ W2)",
                    "loss: -mean(sum(Y * log(P), axis=1))"]
        let error = try #require(throws: Diagnostic.self) { _ = try Self.declare(body, budget: MemoryBudget(bytes: 36_000_000)) }
        #expect(error.message.contains("needs 36,800,000 bytes (36.8 MB)"), "\(error.message)")
        _ = try Self.declare(body, budget: MemoryBudget(bytes: 37_000_000))
    }
}
