import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// The training engine on several threads: chunks of a batch side by side, the optimiser's
/// step split into ranges of values.
@Suite struct EngineThreadsTests {
    static let split = ExpressionTestSupport.dataset(count: 5000).train!
    static let mlp = ["param W1: inputs×32 normal(0.1)", "param b1: 32 zeros", "param W2: 32×classes normal(0.1)", "param b2: classes zeros",
                      "H = relu(X @ W1 + b1)", "P = softmax(H @ W2 + b2)", "loss: -mean(sum(Y * log(P), axis=1))"]

    static func train(_ batch: TrainingConfiguration.BatchSize, threads: Int, chunkRows: Int = 512,
                      optimizer: Optimizer = Optimizer(.adam)) throws -> ModelTrainer.Outcome {
        let definition = try EngineTests.definition(mlp)
        let initial = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 4, as: Float.self)
        var configuration = TrainingConfiguration(learningRate: 0.01, batchSize: batch, length: .steps(3), seed: 9, threads: threads)
        configuration.optimizer = optimizer
        var trainer = ModelTrainer(definition: definition, configuration: configuration, gradients: .automatic, shuffles: true, pixelScale: 1 / 255)
        trainer.chunkRows = chunkRows
        return try trainer.train(from: initial, on: split, test: nil, classes: 10)
    }

    /// A full batch's chunks, two or three at a time, are added in chunk order: the same
    /// numbers on every run with as many threads, and one thread's within Float32 rounding.
    @Test func aFullBatchOnSeveralThreadsIsDeterministic() throws {
        let one = try Self.train(.full, threads: 1, chunkRows: 700)
        for threads in [2, 3] {
            let many = try Self.train(.full, threads: threads, chunkRows: 700)
            let again = try Self.train(.full, threads: threads, chunkRows: 700)
            #expect(many.parameters == again.parameters && many.optimizerState == again.optimizerState, "\(threads) threads")
            #expect(many.history.map(\.trainLoss) == again.history.map(\.trainLoss), "\(threads) threads")
            for (name, values) in one.parameters {
                let error = GradientCheck.relativeError(many.parameters[name]!.map(Double.init), values.map(Double.init))
                #expect(error < 1e-5, "\(threads) threads, \(name): \(error)")
            }
        }
    }

    /// A minibatch cut into one chunk per thread: the same numbers on every run with as many
    /// threads, and the interpreter's (within Float32 rounding) whatever the threads.
    @Test func aMinibatchOnTwoThreadsIsDeterministic() throws {
        let first = try Self.train(.rows(256), threads: 2), second = try Self.train(.rows(256), threads: 2)
        #expect(first.parameters == second.parameters)
        #expect(first.history.map(\.trainLoss) == second.history.map(\.trainLoss))
        let one = try Self.train(.rows(256), threads: 1)
        for (name, values) in one.parameters {
            let error = GradientCheck.relativeError(first.parameters[name]!.map(Double.init), values.map(Double.init))
            #expect(error < 1e-5, "\(name): \(error)")
        }
    }

    /// 256 rows go to two workers of 128; 100 rows (fewer than 64 a worker) stay whole; a
    /// full batch is cut into chunks of `chunkRows` whatever the workers.
    @Test func batchesAreCutForTheWorkers() {
        #expect(BatchComputation.parts(256, chunkRows: 512, workers: 2) == [128, 128])
        #expect(BatchComputation.parts(255, chunkRows: 512, workers: 2) == [127, 128])
        #expect(BatchComputation.parts(100, chunkRows: 512, workers: 2) == [100])
        #expect(BatchComputation.parts(256, chunkRows: 512, workers: 1) == [256])
        #expect(BatchComputation.parts(1100, chunkRows: 512, workers: 2) == [512, 512, 76])
    }

    /// Every method's step on ranges of the values gives the bits of one pass over them all.
    @Test(arguments: Optimizer.Method.allCases)
    func aStepSplitIntoRangesIsTheWholeStep(method: Optimizer.Method) {
        var generator = Xoshiro256StarStar(seed: 5)
        let count = 1003
        let theta = (0..<count).map { _ in Float(generator.unit() * 2 - 1) }
        let gradient = (0..<count).map { _ in Float(generator.unit() - 0.5) }
        let moments = (0..<count * method.moments).map { _ in Float(generator.unit() * 0.01) }
        let optimizer = Optimizer(method)
        func step(parts: Int) -> ([Float], [Float]) {
            var theta = theta, moments = moments.isEmpty ? [0] : moments
            theta.withUnsafeMutableBufferPointer { theta in
                moments.withUnsafeMutableBufferPointer { moments in
                    for part in 0..<parts {
                        optimizer.update(theta.baseAddress!, gradient: gradient, count: count, moments: moments.baseAddress!,
                                         of: ParameterStep.range(part, of: parts, count: count), step: 3, learningRate: 0.01, decay: 0.001)
                    }
                }
            }
            return (theta, moments)
        }
        let whole = step(parts: 1)
        for parts in [2, 3, 7] {
            let (theta, moments) = step(parts: parts)
            #expect(theta == whole.0 && moments == whole.1, "\(method) in \(parts) ranges")
        }
        #expect(whole.0 != theta, "\(method) moved nothing")
        let ranges = (0..<7).map { ParameterStep.range($0, of: 7, count: count) }
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == count)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && $1.lowerBound % 16 == 0 })
    }
}
