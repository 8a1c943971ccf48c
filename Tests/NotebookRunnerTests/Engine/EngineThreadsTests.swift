import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// The training engine on several threads: large matrix products in bands side by side, each
/// band one single-threaded OpenBLAS call; the optimiser's step in ranges of values.
@Suite struct EngineThreadsTests {
    static let split = ExpressionTestSupport.dataset(count: 1500).train!
    /// Wide enough that every product of a step is split: 512 × 16 × 1,024 multiply-adds and more.
    static let mlp = ["param W1: inputs×1024 normal(0.05)", "param b1: 1024 zeros", "param W2: 1024×classes normal(0.05)",
                      "param b2: classes zeros", "H = relu(X @ W1 + b1)", "P = softmax(H @ W2 + b2)", "loss: -mean(sum(Y * log(P), axis=1))"]

    static func train(_ batch: TrainingConfiguration.BatchSize, threads: Int) throws -> ModelTrainer.Outcome {
        let definition = try EngineTests.definition(mlp)
        let initial = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 4, as: Float.self)
        var configuration = TrainingConfiguration(learningRate: 0.01, batchSize: batch, length: .steps(3), seed: 9, threads: threads)
        configuration.optimizer = Optimizer(.adam)
        let trainer = ModelTrainer(definition: definition, configuration: configuration, gradients: .automatic, shuffles: true, pixelScale: 1 / 255)
        return try trainer.train(from: initial, on: split, test: nil, classes: 10)
    }

    /// op(a) · op(b) in Float64, row-major.
    static func exactProduct(_ a: [Float], transposeA: Bool, _ b: [Float], transposeB: Bool, m: Int, n: Int, k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var total = 0.0
                for l in 0..<k {
                    total += Double(transposeA ? a[l * m + i] : a[i * k + l]) * Double(transposeB ? b[j * k + l] : b[l * n + j])
                }
                c[i * n + j] = total
            }
        }
        return c
    }

    /// Every transposition, cut into bands of rows (more rows than columns) or of columns, with
    /// bands that do not divide the rows evenly: the product of every band is where it belongs.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func productsInBandsAreTheProduct(transposeA: Bool, transposeB: Bool) {
        var generator = Xoshiro256StarStar(seed: 11)
        for (m, n, k) in [(301, 70, 64), (40, 517, 60), (257, 257, 17)] {
            #expect(m * n * k >= BLAS.smallestSplitWork, "\(m)×\(n)×\(k) is not split")
            let a = (0..<m * k).map { _ in Float(generator.unit() * 2 - 1) }, b = (0..<k * n).map { _ in Float(generator.unit() * 2 - 1) }
            let exact = Self.exactProduct(a, transposeA: transposeA, b, transposeB: transposeB, m: m, n: n, k: k)
            for threads in [1, 2, 3] {
                var c = [Float](repeating: .nan, count: m * n)
                c.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(a, transposeA: transposeA, b, transposeB: transposeB, c.baseAddress!, m: m, n: n, k: k, threads: threads)
                }
                let error = GradientCheck.relativeError(c.map(Double.init), exact)
                #expect(error < 1e-6, "\(m)×\(n)×\(k), transposes \(transposeA) \(transposeB), \(threads) threads: \(error)")
            }
        }
    }

    /// Ranges cover the work once, in order, with aligned boundaries; short work is one range.
    @Test func workIsCutIntoAlignedRanges() {
        #expect(ParallelRanges(256, threads: 2, smallest: 16, alignment: 16).ranges == [0..<128, 128..<256])
        #expect(ParallelRanges(784, threads: 2, smallest: 16, alignment: 16).ranges == [0..<400, 400..<784])
        #expect(ParallelRanges(20, threads: 2, smallest: 16, alignment: 16).ranges == [0..<20])
        #expect(ParallelRanges(1000, threads: 1, smallest: 1, alignment: 8).ranges == [0..<1000])
        #expect(ParallelRanges(0, threads: 4, smallest: 1).ranges.isEmpty)
        let ranges = ParallelRanges(100_003, threads: 3, smallest: 1000, alignment: 8).ranges
        #expect(ranges.count == 3 && ranges.first?.lowerBound == 0 && ranges.last?.upperBound == 100_003)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && $1.lowerBound % 8 == 0 })
    }

    /// The same seed on as many threads gives the same bits, for minibatches and for a full
    /// batch in chunks; one thread's numbers within Float32 rounding.
    @Test(arguments: [TrainingConfiguration.BatchSize.rows(256), .full])
    func trainingOnSeveralThreadsIsDeterministic(batch: TrainingConfiguration.BatchSize) throws {
        let one = try Self.train(batch, threads: 1)
        let first = try Self.train(batch, threads: 2), second = try Self.train(batch, threads: 2)
        #expect(first.parameters == second.parameters && first.optimizerState == second.optimizerState)
        #expect(first.history.map(\.trainLoss) == second.history.map(\.trainLoss))
        for (name, values) in one.parameters {
            let error = GradientCheck.relativeError(first.parameters[name]!.map(Double.init), values.map(Double.init))
            #expect(error < 1e-4, "\(name): \(error)")
        }
    }

    /// Two trainings side by side in one process (a course's pages, the test runner), one on two
    /// threads and one on one, each give the numbers they give alone: no thread count is a
    /// setting of the whole process. (When OpenBLAS's own thread count was changed per training,
    /// a full batch's result varied between runs of the same seed.)
    @Test func trainingsSideBySideGiveTheirOwnNumbers() throws {
        let alone = try [Self.train(.full, threads: 2), Self.train(.full, threads: 1)]
        for _ in 0..<2 {
            nonisolated(unsafe) let together = UnsafeMutableBufferPointer<ModelTrainer.Outcome?>.allocate(capacity: 2)
            together.initialize(repeating: nil)
            defer { together.deallocate() }
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                together[index] = try? Self.train(.full, threads: index == 0 ? 2 : 1)
            }
            for index in 0..<2 {
                #expect(together[index]?.parameters == alone[index].parameters, "training \(index) (\(index == 0 ? 2 : 1) threads)")
            }
        }
    }

    /// Every method's step on ranges of the values gives the bits of one pass over them all.
    @Test(arguments: Optimizer.Method.allCases)
    func aStepInRangesIsTheWholeStep(method: Optimizer.Method) {
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
                    for range in ParallelRanges(count, threads: parts, smallest: 1).ranges {
                        optimizer.update(theta.baseAddress!, gradient: gradient, count: count, moments: moments.baseAddress!,
                                         step: 3, learningRate: 0.01, decay: 0.001, range: range)
                    }
                }
            }
            return (theta, moments)
        }
        let whole = step(parts: 1)
        #expect(whole.0 != theta, "\(method) moved nothing")
        for parts in [2, 3, 7] {
            let (theta, moments) = step(parts: parts)
            #expect(theta == whole.0 && moments == whole.1, "\(method) in \(parts) ranges")
        }
    }
}
