import Foundation

/// Trains a `SoftmaxModel` on a data split with minibatch SGD or full-batch gradient descent.
///
/// Usable on its own, without any notebook:
///
/// ```swift
/// let trainer = SoftmaxTrainer(configuration: TrainingConfiguration(learningRate: 0.1))
/// let result = try trainer.train(on: dataset.train!, test: dataset.test, classes: 10)
/// print(result.epochs.last!.testAccuracy!)
/// ```
///
/// The generator (`Xoshiro256StarStar` seeded with `configuration.seed`) first draws
/// the initial weights in `inputs × classes` row-major order, then one Fisher–Yates
/// shuffle of 0..<rows per epoch (minibatches are consecutive runs of the shuffled
/// order; the last one is smaller when the batch size does not divide the rows).
/// Full-batch training takes the rows in order and draws nothing after initialisation.
/// The numeric work runs in `SoftmaxKernel`.
public struct SoftmaxTrainer: Sendable {
    public var configuration: TrainingConfiguration

    public init(configuration: TrainingConfiguration = TrainingConfiguration()) {
        self.configuration = configuration
    }

    /// The starting model for `inputs` and `classes`, drawn from `generator`.
    public func initialModel(inputs: Int, classes: Int, generator: inout Xoshiro256StarStar) -> SoftmaxModel {
        var model = SoftmaxModel.zeros(inputs: inputs, classes: classes,
                                       inputScale: configuration.normalize ? 1 / 255 : 1)
        if case .normal(let deviation) = configuration.initialization {
            for i in model.weights.indices {
                model.weights[i] = Float(deviation * generator.normal())
            }
        }
        return model
    }

    /// Trains on `train`, measuring accuracy on `test` (when given) after every epoch.
    ///
    /// - Parameters:
    ///   - classes: labels must lie in `0..<classes`.
    ///   - progress: called after every epoch with its record.
    ///   - checkCancelled: called before every step; throwing stops training.
    /// - Throws: a `Diagnostic` when the loss stops being finite (naming the epoch and
    ///   step) or a label is out of range, or whatever `checkCancelled` throws.
    public func train(on train: DataSplit, test: DataSplit? = nil, classes: Int,
                      progress: (EpochRecord) -> Void = { _ in },
                      checkCancelled: () throws -> Void = {}) throws -> TrainingResult {
        let configuration = self.configuration
        let rows = train.count
        guard rows > 0 else { throw Diagnostic.error("the training split '\(train.name)' has no rows") }
        guard classes > 0 && classes <= 256 else { throw Diagnostic.error("cannot train with \(classes) classes") }
        try Self.checkLabels(train, classes: classes)
        if let test { try Self.checkLabels(test, classes: classes) }
        if let test, test.pixelCount != train.pixelCount {
            throw Diagnostic.error("the test images have \(test.pixelCount) pixels but the training images \(train.pixelCount)")
        }

        var generator = Xoshiro256StarStar(seed: configuration.seed)
        let kernel = SoftmaxKernel(model: initialModel(inputs: train.pixelCount, classes: classes, generator: &generator))
        let batchSize: Int
        let shuffles: Bool
        switch configuration.batchSize {
        case .full: batchSize = rows; shuffles = false
        case .rows(let size): batchSize = min(max(1, size), rows); shuffles = true
        }
        let stepsPerEpoch = (rows + batchSize - 1) / batchSize
        let totalSteps: Int
        switch configuration.length {
        case .epochs(let epochs): totalSteps = max(0, epochs) * stepsPerEpoch
        case .steps(let steps): totalSteps = max(0, steps)
        }
        let threads = max(1, configuration.threads)
        let learningRate = Float(configuration.learningRate)
        let decay = Float(configuration.weightDecay)

        var order = [Int32](0 ..< Int32(rows))
        let gradient = SoftmaxKernel.allocate(batchSize * classes)
        let losses = SoftmaxKernel.allocate(batchSize)
        let accumulator = SoftmaxKernel.allocate(shuffles && batchSize > SoftmaxKernel.rowBlock ? classes * kernel.stride : 0)
        // Full batches take the fused path, with one partial gradient per block of rows.
        let partials = SoftmaxKernel.allocate(shuffles ? 0 : kernel.partialSumsCount(rows: batchSize))
        let correct = UnsafeMutablePointer<UInt8>.allocate(capacity: batchSize)
        // Shuffled minibatches are gathered into `packed` (batch × stride bytes) in phase 1;
        // full batches are read where they are.
        let packed = UnsafeMutablePointer<UInt8>.allocate(capacity: shuffles ? batchSize * kernel.stride : 1)
        defer {
            packed.deallocate()
            gradient.deallocate()
            losses.deallocate()
            accumulator.deallocate()
            partials.deallocate()
            correct.deallocate()
        }
        let sharedAccumulator = SoftmaxKernel.Shared(base: accumulator)
        let results = SoftmaxKernel.RowResults(gradient: gradient, loss: losses, correct: correct)
        var records: [EpochRecord] = []
        var stepsDone = 0

        try train.images.withUnsafeBufferPointer { pixels in
            try train.labels.withUnsafeBufferPointer { labels in
                var epoch = 0
                while stepsDone < totalSteps {
                    epoch += 1
                    let started = DispatchTime.now()
                    if shuffles { generator.shuffle(&order) }
                    var lossSum = 0.0, correctCount = 0, epochRows = 0, epochSteps = 0
                    try order.withUnsafeBufferPointer { orderBuffer in
                        var start = 0
                        while start < rows && stepsDone < totalSteps {
                            try checkCancelled()
                            let count = min(batchSize, rows - start)
                            let batch = SoftmaxKernel.Batch(pixels: pixels.baseAddress!, labels: labels.baseAddress!,
                                                            order: orderBuffer.baseAddress! + start, count: count,
                                                            rowLength: train.pixelCount)
                            let parts = SoftmaxKernel.parts(rows: count, threads: threads, minimum: configuration.rowsPerThread)
                            if shuffles {
                                let packing = SoftmaxKernel.Shared(base: packed)
                                SoftmaxKernel.parallel(parts) { part in
                                    kernel.forward(batch, SoftmaxKernel.range(part, of: parts, count: count), into: results,
                                                   packing: packing)
                                }
                            } else {
                                kernel.fullBatchForward(pixels: pixels.baseAddress! + start * train.pixelCount,
                                                        labels: labels.baseAddress! + start, count: count, into: results,
                                                        partials: partials, threads: threads,
                                                        rowsPerThread: configuration.rowsPerThread)
                            }
                            var batchLoss = 0.0
                            for r in 0..<count {
                                batchLoss += Double(losses[r])
                                correctCount += Int(correct[r])
                            }
                            guard batchLoss.isFinite else {
                                throw Self.divergence(epoch: epoch, step: stepsDone + 1, loss: batchLoss,
                                                      learningRate: configuration.learningRate)
                            }
                            lossSum += batchLoss
                            if shuffles {
                                let rowsForUpdate = kernel.packedLayout(packed, count: count)
                                let chunkParts = parts > 1 ? min(threads, kernel.chunks) : 1
                                SoftmaxKernel.parallel(chunkParts) { part in
                                    kernel.update(rowsForUpdate, gradient: results.gradient,
                                                  chunks: SoftmaxKernel.range(part, of: chunkParts, count: kernel.chunks),
                                                  learningRate: learningRate, decay: decay, accumulator: sharedAccumulator.base)
                                }
                            } else {
                                kernel.fullBatchUpdate(partials: partials, rows: count, learningRate: learningRate,
                                                       decay: decay, threads: threads, rowsPerThread: configuration.rowsPerThread)
                            }
                            kernel.updateBias(gradient: gradient, rows: count, learningRate: learningRate)
                            start += count
                            epochRows += count
                            epochSteps += 1
                            stepsDone += 1
                        }
                    }
                    let seconds = Self.seconds(since: started)
                    let evaluated = DispatchTime.now()
                    let testAccuracy = test.map { Self.accuracy(of: kernel, on: $0, threads: threads) }
                    let record = EpochRecord(epoch: epoch, steps: epochSteps, rows: epochRows,
                                             trainLoss: lossSum / Double(epochRows),
                                             trainAccuracy: Double(correctCount) / Double(epochRows),
                                             testAccuracy: testAccuracy, seconds: seconds,
                                             evaluationSeconds: Self.seconds(since: evaluated))
                    records.append(record)
                    progress(record)
                }
            }
        }
        return TrainingResult(model: kernel.model, epochs: records, configuration: configuration)
    }

    package static func checkLabels(_ split: DataSplit, classes: Int) throws {
        if let bad = split.labels.first(where: { Int($0) >= classes }) {
            throw Diagnostic.error("the \(split.name) split has label \(bad), outside 0..<\(classes)")
        }
    }

    static func divergence(epoch: Int, step: Int, loss: Double, learningRate: Double) -> Diagnostic {
        let smaller = learningRate / 10
        return Diagnostic.error(
            "training diverged in epoch \(epoch) (step \(step)): the loss became \(loss.isNaN ? "NaN" : "infinite")",
            hint: "the learning rate \(NumberText.compact(learningRate)) is too large for this data; try a smaller one, e.g. :lr: \(NumberText.compact(smaller))")
    }

    /// The fraction of `split` that `kernel`'s current weights classify correctly.
    static func accuracy(of kernel: SoftmaxKernel, on split: DataSplit, threads: Int) -> Double {
        let predictions = Predictor.predictions(of: kernel, on: split, threads: threads)
        var hits = 0
        for (p, label) in zip(predictions, split.labels) where p == label { hits += 1 }
        return split.count == 0 ? 0 : Double(hits) / Double(split.count)
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// A trained model and how its training went.
public struct TrainingResult: Sendable {
    public var model: SoftmaxModel
    public var epochs: [EpochRecord]
    public var configuration: TrainingConfiguration

    public init(model: SoftmaxModel, epochs: [EpochRecord], configuration: TrainingConfiguration) {
        self.model = model
        self.epochs = epochs
        self.configuration = configuration
    }

    /// Seconds in the training loop over all epochs (test passes excluded).
    public var trainingSeconds: Double { epochs.reduce(0) { $0 + $1.seconds } }
    /// The test accuracy after the last epoch, when a test split was given.
    public var finalTestAccuracy: Double? { epochs.last?.testAccuracy }
}
