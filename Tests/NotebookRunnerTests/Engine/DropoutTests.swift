import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// `dropout(x, p)`: inverted dropout while training, the identity everywhere else; masks drawn
/// from the training seed, the step and the data row, the same in the engine and the interpreter.
@Suite struct DropoutTests {
    static let mlp = ["param W1: inputs×12 normal(0.3)", "param b1: 12 zeros", "param W2: 12×classes normal(0.3)", "param b2: classes zeros",
                      "H = dropout(relu(X @ W1 + b1), 0.5)", "P = softmax(H @ W2 + b2)", "loss: -mean(sum(Y * log(P), axis=1))"]

    func evaluate(_ text: String, noise: TrainingNoise?) throws -> Tensor {
        var scope = ExpressionScope(values: ["A": Tensor(shape: [200, 50], data: (0..<10_000).map { Double($0 % 7) + 1 })])
        scope.noise = noise
        return try scope.evaluate(ExpressionParser.parse(text, at: SourceLocation(file: "d.md", line: 3)))
    }

    @Test func zeroesAboutPAndScalesTheRest() throws {
        let noise = TrainingNoise(seed: 1, step: 0, rows: Array(0..<200))
        let input = try evaluate("A", noise: nil)
        for p in [0.1, 0.5, 0.8] {
            let out = try evaluate("dropout(A, \(p))", noise: noise)
            let zeros = out.data.filter { $0 == 0 }.count
            // 10,000 entries: the share of zeros is p within 4 standard deviations.
            let sigma = (p * (1 - p) / 10_000).squareRoot()
            #expect(abs(Double(zeros) / 10_000 - p) < 4 * sigma, "p \(p): \(zeros) zeros")
            for (o, x) in zip(out.data, input.data) where o != 0 { #expect(abs(o - x / (1 - p)) < 1e-12) }
        }
        #expect(try evaluate("dropout(A, 0)", noise: noise).data == input.data)
    }

    @Test func isTheIdentityWithoutATrainingStep() throws {
        #expect(try evaluate("dropout(A, 0.5)", noise: nil).data == evaluate("A", noise: nil).data)
        let error = try #require(throws: Diagnostic.self) { _ = try evaluate("dropout(A, 1)", noise: nil) }
        #expect(error.message.contains("below 1"))
    }

    /// The seed and the step decide the mask, and a data row draws its mask wherever it sits in the batch.
    @Test func masksFollowTheSeedTheStepAndTheRow() throws {
        func mask(_ noise: TrainingNoise) -> [Bool] {
            var kept = [Bool](repeating: false, count: 2 * 30)
            noise.forEachEntry([2, 30], site: 5, rate: 0.5) { kept[$0] = $1 }
            return kept
        }
        let base = mask(TrainingNoise(seed: 3, step: 2, rows: [10, 11]))
        #expect(base == mask(TrainingNoise(seed: 3, step: 2, rows: [10, 11])))
        #expect(base != mask(TrainingNoise(seed: 4, step: 2, rows: [10, 11])))
        #expect(base != mask(TrainingNoise(seed: 3, step: 3, rows: [10, 11])))
        let swapped = mask(TrainingNoise(seed: 3, step: 2, rows: [11, 10]))
        #expect(Array(swapped[30...]) == Array(base[..<30]) && Array(swapped[..<30]) == Array(base[30...]))
        // Two dropouts in one statement draw different masks.
        let noise = TrainingNoise(seed: 1, step: 0, rows: Array(0..<200))
        let pair = try evaluate("dropout(A, 0.5) - dropout(A, 0.5)", noise: noise)
        #expect(pair.data.contains { $0 != 0 })
    }

    /// Training is deterministic given the seed, the seed changes it, and test accuracy is
    /// measured with dropout off: the outputs equal those of the model without it.
    @Test func trainingIsDeterministicAndEvaluationHasNoDropout() throws {
        let split = ExpressionTestSupport.dataset(count: 60).train!
        let definition = try EngineTests.definition(Self.mlp)
        let start = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 2, as: Float.self)
        func train(seed: UInt64) throws -> ModelTrainer.Outcome {
            let configuration = TrainingConfiguration(learningRate: 0.1, batchSize: .rows(16), length: .epochs(3), seed: seed, threads: 1)
            return try ModelTrainer(definition: definition, configuration: configuration, gradients: .automatic, shuffles: true, pixelScale: 1 / 255)
                .train(from: start, on: split, test: split, classes: 10)
        }
        let first = try train(seed: 7), again = try train(seed: 7), other = try train(seed: 8)
        #expect(first.parameters == again.parameters)
        #expect(first.parameters != other.parameters)
        let plain = try EngineTests.definition(Self.mlp.map { $0.replacingOccurrences(of: "H = dropout(relu(X @ W1 + b1), 0.5)", with: "H = relu(X @ W1 + b1)") })
        let withDropout = try ModelTrainer.outputs(definition: definition, parameters: first.parameters, on: split, classes: 10, pixelScale: 1 / 255)
        let without = try ModelTrainer.outputs(definition: plain, parameters: first.parameters, on: split, classes: 10, pixelScale: 1 / 255)
        #expect(withDropout == without)
        // Validation and test accuracies are those of the model without dropout.
        let accuracy = try ModelTrainer(definition: plain, configuration: TrainingConfiguration(), gradients: .automatic, shuffles: true,
                                        pixelScale: 1 / 255).accuracy(first.parameters, on: split, classes: 10)
        #expect(first.history.last?.testAccuracy == accuracy)
    }

    /// The validation loss after an epoch is the interpreter's loss of the held-out rows with no dropout.
    @Test func validationLossHasNoDropout() throws {
        let (train, validation) = ExpressionTestSupport.dataset(count: 60).train!.holdingOut(15, seed: 1)
        let definition = try EngineTests.definition(Self.mlp)
        let start = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 2, as: Float.self)
        let configuration = TrainingConfiguration(learningRate: 0.1, batchSize: .rows(16), length: .epochs(2), seed: 3, threads: 1)
        let outcome = try ModelTrainer(definition: definition, configuration: configuration, gradients: .automatic, shuffles: true, pixelScale: 1 / 255)
            .train(from: start, on: train, validation: validation, test: nil, classes: 10)
        var scope = ExpressionScope(values: validation.tensors(rows: Array(0..<15), classes: 10))
        for parameter in definition.parameters {
            scope.values[parameter.name] = Tensor(shape: definition.shapes(inputs: 16, classes: 10)[parameter.name]!,
                                                  data: outcome.parameters[parameter.name]!.map(Double.init))
        }
        let exact = try ExpressionGradient.gradient(of: definition.loss, after: definition.forward, withRespectTo: [], in: scope).loss
        let reported = try #require(outcome.history.last?.validationLoss)
        #expect(abs(reported - exact) / exact < 1e-5, "\(reported) vs \(exact)")
    }

    /// The engine draws masks per data row, so it refuses a dropout of a value without rows.
    @Test func theEngineRefusesADropoutOfAParameter() throws {
        let lines = ["param W: inputs×classes normal(0.3)", "P = softmax(X @ dropout(W, 0.5))", "loss: -mean(sum(Y * log(P), axis=1))"]
        let error = try #require(throws: Diagnostic.self) {
            _ = try ModelProgram(definition: EngineTests.definition(lines), inputs: 16, classes: 10, rows: 4, gradients: .automatic, training: true)
        }
        #expect(error.message.contains("row by row") && error.location?.line == 2 && error.location?.column == 17, "\(error)")
    }
}
