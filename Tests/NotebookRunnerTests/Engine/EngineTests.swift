import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// The training engine against the Float64 interpreter and its automatic differentiation.
@Suite struct EngineTests {
    static let mlpLines = [
        "param W1: inputs×6 normal(0.3)", "param b1: 6 constant(0.05)", "param W2: 6×classes xavier", "param b2: classes uniform(0.1)",
        "Z1 = X @ W1 + b1", "H = relu(Z1)", "Z2 = H @ W2 + b2", "P = softmax(Z2)", "loss: -mean(sum(Y * log(P), axis=1)) + 0.01 * sum(W1 * W1)",
    ]

    static func definition(_ lines: [String]) throws -> ModelDefinition {
        try ModelDefinitionParser.parse(lines.enumerated().map { SourceLine(text: $1, location: SourceLocation(file: "m.md", line: $0 + 1)) },
                                        at: SourceLocation(file: "m.md", line: 1))
    }

    /// The gradient of every parameter from the engine (Float32) and from the interpreter (Float64).
    func gradients(_ definition: ModelDefinition, formulas: ModelProgram.Gradients = .automatic, noise: (seed: UInt64, step: Int)? = nil)
        throws -> (engine: [String: [Float]], exact: [String: Tensor]) {
        let split = ExpressionTestSupport.dataset(count: 12).train!
        let values = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 4)
        let program = try ModelProgram(definition: definition, inputs: 16, classes: 10, rows: 12, gradients: formulas, training: true)
        for (name, value) in values {
            let buffer = program.parameter(name, in: program.trainer)!
            for (i, v) in value.enumerated() { buffer[i] = Float(v) }
        }
        let order = [Int32](0..<12)
        order.withUnsafeBufferPointer { program.load(split, order: $0.baseAddress!, start: 0, count: 12, scale: 1 / 255, noise: noise, into: program.trainer) }
        program.trainer.run()
        var engine: [String: [Float]] = [:]
        for name in program.parameterNames { engine[name] = Array(UnsafeBufferPointer(start: program.gradient(name)!, count: values[name]!.count)) }

        var scope = ExpressionScope(values: split.tensors(rows: Array(0..<12), classes: 10))
        scope.noise = noise.map { TrainingNoise(seed: $0.seed, step: $0.step, rows: Array(0..<12)) }
        for parameter in definition.parameters {
            scope.values[parameter.name] = Tensor(shape: program.shapes[parameter.name]!, data: values[parameter.name]!)
        }
        let exact = try ExpressionGradient.gradient(of: definition.loss, after: definition.forward,
                                                    withRespectTo: program.parameterNames, in: scope).gradients
        return (engine, exact)
    }

    @Test func automaticGradientsMatchTheInterpreter() throws {
        let (engine, exact) = try gradients(Self.definition(Self.mlpLines))
        for (name, values) in engine {
            let error = GradientCheck.relativeError(values.map(Double.init), exact[name]!.data)
            #expect(error < 1e-4, "\(name): \(error)")
        }
    }

    @Test func authorFormulasCompileIntoTheSameGraph() throws {
        let lines = Self.mlpLines.dropLast() + ["loss: -mean(sum(Y * log(P), axis=1))", "dZ2 = (P - Y) / N", "dH = dZ2 @ W2.T",
                                               "dZ1 = dH * (Z1 > 0)", "grad W1: X.T @ dZ1", "grad b1: sum(dZ1, axis=0)",
                                               "grad W2: H.T @ dZ2", "grad b2: sum(dZ2, axis=0)"]
        let definition = try Self.definition(Array(lines))
        let formulas = try gradients(definition, formulas: .formulas(definitions: definition.gradientDefinitions, gradients: definition.gradients))
        let automatic = try gradients(definition)
        for (name, values) in formulas.engine {
            #expect(GradientCheck.relativeError(values.map(Double.init), automatic.engine[name]!.map(Double.init)) < 1e-5, "\(name)")
            #expect(GradientCheck.relativeError(values.map(Double.init), formulas.exact[name]!.data) < 1e-4, "\(name)")
        }
    }

    @Test func everyOperationDifferentiates() throws {
        // tanh, sigmoid, exp, sqrt, abs, maximum, minimum, clip, where, division, mean over rows and keepdims.
        let lines = ["param W: inputs×classes normal(0.2)", "param b: classes constant(0.5)",
                     "A = X @ W + b", "B = tanh(A) + sigmoid(A) * 0.5 - exp(-abs(A)) / 3 + sqrt(A * A + 1)",
                     "C = maximum(B, 0.1) + minimum(B, 0.4) + clip(A, -0.3, 0.3) + where(A > 0, A, A * 0.1)",
                     "D = C - mean(C, axis=1, keepdims=1) + b / (abs(b) + 1)",
                     "P = softmax(D)", "loss: -mean(sum(Y * log(P), axis=1)) + mean(A * A)"]
        let (engine, exact) = try gradients(Self.definition(lines))
        for (name, values) in engine {
            #expect(GradientCheck.relativeError(values.map(Double.init), exact[name]!.data) < 1e-4, "\(name)")
        }
    }

    @Test func shapeErrorsAreLocated() throws {
        let definition = try Self.definition(["param W: inputs×7 zeros", "param b: classes zeros", "P = softmax(X @ W + b)",
                                              "loss: -mean(sum(Y * log(P), axis=1))"])
        let error = try #require(throws: Diagnostic.self) {
            _ = try ModelProgram(definition: definition, inputs: 16, classes: 10, rows: 4, gradients: .automatic, training: true)
        }
        #expect(error.location == SourceLocation(file: "m.md", line: 3, column: 19))
        // What the engine cannot compute fails when the model is declared, before any data.
        let unsupported = #expect(throws: Diagnostic.self) {
            _ = try Self.definition(["param W: inputs×classes zeros", "P = softmax(X @ W)[0:2]", "loss: -mean(sum(Y * log(P), axis=1))"])
        }
        #expect(unsupported?.message == "the training engine does not index or read members")
        #expect(unsupported?.location == SourceLocation(file: "m.md", line: 2, column: 5))
    }

    @Test func trainingIsReproducibleAndFullBatchesAreChunked() throws {
        let definition = try Self.definition(Self.mlpLines)
        let split = ExpressionTestSupport.dataset(count: 5000).train!
        let initial = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 1).mapValues { $0.map(Float.init) }
        func train(_ batch: TrainingConfiguration.BatchSize) throws -> ModelTrainer.Outcome {
            let configuration = TrainingConfiguration(learningRate: 0.5, batchSize: batch, length: .epochs(2), seed: 3)
            return try ModelTrainer(definition: definition, configuration: configuration, gradients: .automatic, shuffles: true,
                                    pixelScale: 1 / 255).train(from: initial, on: split, test: nil, classes: 10)
        }
        let first = try train(.rows(64)), second = try train(.rows(64))
        #expect(first.parameters == second.parameters)
        #expect(first.history.map(\.trainLoss) == second.history.map(\.trainLoss))
        #expect(first.history.last!.trainLoss < first.history.first!.trainLoss)
        // 5,000 rows run as chunks of 4,096 and 904: the step is the mean gradient over all rows.
        let full = try train(.full)
        #expect(full.history.map(\.steps) == [1, 1])
        var scope = ExpressionScope(values: split.tensors(rows: Array(0..<5000), classes: 10))
        for parameter in definition.parameters {
            scope.values[parameter.name] = Tensor(shape: definition.shapes(inputs: 16, classes: 10)[parameter.name]!,
                                                  data: initial[parameter.name]!.map(Double.init))
        }
        let exact = try ExpressionGradient.gradient(of: definition.loss, after: definition.forward,
                                                    withRespectTo: ["W1", "b1", "W2", "b2"], in: scope)
        #expect(abs(full.history[0].trainLoss - exact.loss) < 1e-4)
    }
}
