import Foundation

/// Trains a declared model by minibatch SGD or full-batch gradient descent on the engine,
/// in Float32, on the schedule the built-in trainer uses: rows reshuffled every epoch with
/// `Xoshiro256StarStar` from the seed (unless `shuffles` is false), the last batch of an
/// epoch smaller when the size does not divide the rows, the loss and accuracy of each
/// batch measured before its step, the test accuracy after each epoch.
///
/// A full batch is computed in chunks of at most `chunkRows` rows whose gradients are added,
/// each weighted by its share of the rows, so 60,000 rows need the memory of 4,096. Weight
/// decay λ subtracts lr·λ·θ from every matrix parameter (not from vectors: biases).
public struct ModelTrainer {
    public struct Outcome: Sendable {
        public var parameters: [String: [Float]]
        public var history: [EpochRecord]
        /// The step at which the loss stopped being finite (training stopped before it), if any.
        public var divergedAtStep: Int?
    }

    public var definition: ModelDefinition
    public var configuration: TrainingConfiguration
    public var gradients: ModelProgramGradients
    public var shuffles = true
    public var pixelScale: Double
    public static let chunkRows = 4096

    public init(definition: ModelDefinition, configuration: TrainingConfiguration, gradients: ModelProgramGradients,
                shuffles: Bool, pixelScale: Double) {
        self.definition = definition
        self.configuration = configuration
        self.gradients = gradients
        self.shuffles = shuffles
        self.pixelScale = pixelScale
    }

    /// Trains from `initial` parameter values on `train`, measuring `test` after each epoch.
    public func train(from initial: [String: [Float]], on train: DataSplit, test: DataSplit?, classes: Int,
                      progress: (EpochRecord) -> Void = { _ in },
                      checkCancelled: () throws -> Void = {}) throws -> Outcome {
        BLAS.setThreads(max(1, configuration.threads))
        let rows = train.count
        guard rows > 0 else { throw Diagnostic.error("the training split has no rows") }
        let full: Bool
        let batchSize: Int
        switch configuration.batchSize {
        case .full: full = true; batchSize = rows
        case .rows(let size): full = false; batchSize = min(max(1, size), rows)
        }
        let chunk = full ? min(rows, Self.chunkRows) : batchSize
        // One copy of the parameters, read by every compiled size (the batch and a smaller last batch).
        let names = definition.parameters.map(\.name)
        let storage = Dictionary(uniqueKeysWithValues: names.map { name -> (String, UnsafeMutableBufferPointer<Float>) in
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: initial[name]!.count)
            _ = buffer.initialize(from: initial[name]!)
            return (name, buffer)
        })
        // The gradient summed over the chunks of a full batch.
        let sums = Dictionary(uniqueKeysWithValues: names.map { name -> (String, UnsafeMutableBufferPointer<Float>) in
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: full ? initial[name]!.count : 0)
            buffer.initialize(repeating: 0)
            return (name, buffer)
        })
        defer {
            for buffer in storage.values { buffer.deallocate() }
            for buffer in sums.values { buffer.deallocate() }
        }
        var programs: [Int: ModelProgram] = [:]
        func program(_ count: Int) throws -> ModelProgram {
            if let existing = programs[count] { return existing }
            let made = try ModelProgram(definition: definition, inputs: train.pixelCount, classes: classes, rows: count,
                                        gradients: gradients.program, training: true)
            for name in names { made.bind(name, to: storage[name]!.baseAddress!) }
            programs[count] = made
            return made
        }
        let main = try program(chunk)
        let isMatrix = Dictionary(uniqueKeysWithValues: names.map { ($0, main.shapes[$0]!.count == 2) })
        let trained = names.filter { main.gradient($0) != nil }
        func current() -> [String: [Float]] { storage.mapValues { Array($0) } }
        let stepsPerEpoch = full ? 1 : (rows + batchSize - 1) / batchSize
        let totalSteps: Int
        switch configuration.length {
        case .epochs(let epochs): totalSteps = epochs * stepsPerEpoch
        case .steps(let steps): totalSteps = steps
        }
        var generator = Xoshiro256StarStar(seed: configuration.seed)
        var order = [Int32](0 ..< Int32(rows))
        var history: [EpochRecord] = []
        var step = 0
        let learningRate = Float(configuration.learningRate), decay = Float(configuration.weightDecay)
        /// θ −= lr·(g + λθ) (λ for matrices only).
        func update(_ name: String, _ gradient: UnsafePointer<Float>) {
            let values = storage[name]!.baseAddress!, count = storage[name]!.count
            let lambda = isMatrix[name]! ? decay : 0
            for i in 0..<count { values[i] -= learningRate * (gradient[i] + lambda * values[i]) }
        }
        while step < totalSteps {
            try checkCancelled()
            let started = DispatchTime.now()
            if shuffles && !full { generator.shuffle(&order) }
            var lossTotal = 0.0, correct = 0, seen = 0, steps = 0
            var start = 0
            while start < rows && step < totalSteps {
                let count = full ? rows : min(batchSize, rows - start)
                if full { for name in trained { sums[name]!.update(repeating: 0) } }
                var offset = 0
                while offset < count {
                    let part = min(chunk, count - offset)
                    let runner = try program(part)
                    order.withUnsafeBufferPointer { o in
                        runner.load(train, order: o.baseAddress!, start: start + offset, count: part, scale: Float(pixelScale), into: runner.trainer)
                    }
                    runner.trainer.run()
                    let loss = runner.lossValue
                    guard loss.isFinite else {
                        return Outcome(parameters: current(), history: history, divergedAtStep: step + 1)
                    }
                    lossTotal += Double(loss) * Double(part)
                    correct += Self.correct(runner.probabilities(in: runner.trainer), labels: train.labels, order: order,
                                            start: start + offset, count: part, classes: classes)
                    if full {
                        let weight = Float(part) / Float(count)
                        for name in trained {
                            let gradient = runner.gradient(name)!, sum = sums[name]!
                            for i in 0..<sum.count { sum[i] += weight * gradient[i] }
                        }
                    } else {
                        for name in trained { update(name, runner.gradient(name)!) }
                    }
                    offset += part
                }
                if full { for name in trained { update(name, sums[name]!.baseAddress!) } }
                seen += count
                steps += 1
                step += 1
                start += count
                try checkCancelled()
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            let evaluated = DispatchTime.now()
            let parameters = current()
            let testAccuracy = try test.map { try accuracy(parameters, on: $0, classes: classes) }
            let record = EpochRecord(epoch: history.count + 1, steps: steps, rows: seen, trainLoss: lossTotal / Double(max(1, seen)),
                                     trainAccuracy: Double(correct) / Double(max(1, seen)), testAccuracy: testAccuracy,
                                     seconds: seconds,
                                     evaluationSeconds: Double(DispatchTime.now().uptimeNanoseconds - evaluated.uptimeNanoseconds) / 1e9)
            history.append(record)
            progress(record)
        }
        return Outcome(parameters: current(), history: history, divergedAtStep: nil)
    }

    /// The fraction of `split` the model with `parameters` classifies correctly.
    public func accuracy(_ parameters: [String: [Float]], on split: DataSplit, classes: Int) throws -> Double {
        let predictions = try ModelTrainer.predictions(definition: definition, parameters: parameters, on: split,
                                                       classes: classes, pixelScale: pixelScale)
        var hits = 0
        for (p, label) in zip(predictions, split.labels) where p == label { hits += 1 }
        return split.count == 0 ? 0 : Double(hits) / Double(split.count)
    }

    /// The most probable class of every image of `split`, computed in blocks of rows.
    public static func predictions(definition: ModelDefinition, parameters: [String: [Float]], on split: DataSplit,
                                   classes: Int, pixelScale: Double, block: Int = 1000) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: split.count)
        var programs: [Int: ModelProgram] = [:]
        let order = [Int32](0 ..< Int32(split.count))
        var start = 0
        while start < split.count {
            let count = min(block, split.count - start)
            let program = try programs[count] ?? ModelProgram(definition: definition, inputs: split.pixelCount, classes: classes,
                                                              rows: count, gradients: .automatic, training: false)
            programs[count] = program
            for name in program.parameterNames {
                guard let buffer = program.parameter(name, in: program.predictor) else { continue }
                parameters[name]!.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: $0.count) }
            }
            order.withUnsafeBufferPointer { program.load(split, order: $0.baseAddress!, start: start, count: count, scale: Float(pixelScale), into: program.predictor) }
            program.predictor.run()
            let p = program.probabilities(in: program.predictor)
            for r in 0..<count {
                var best = 0
                for c in 1..<classes where p[r * classes + c] > p[r * classes + best] { best = c }
                result[start + r] = UInt8(best)
            }
            start += count
        }
        return result
    }

    private static func correct(_ p: UnsafeMutablePointer<Float>, labels: [UInt8], order: [Int32], start: Int, count: Int, classes: Int) -> Int {
        labels.withUnsafeBufferPointer { labels in
            order.withUnsafeBufferPointer { order in
                var hits = 0
                for r in 0..<count {
                    var best = 0
                    for c in 1..<classes where p[r * classes + c] > p[r * classes + best] { best = c }
                    if best == Int(labels[Int(order[start + r])]) { hits += 1 }
                }
                return hits
            }
        }
    }
}

/// Where a declared model's gradients come from when it trains.
public enum ModelProgramGradients: Sendable {
    /// Reverse-mode differentiation of the model's loss.
    case automatic
    /// The author's formulas and their helper definitions.
    case formulas(definitions: [ParsedExpression], gradients: [GradCheckProgram.Gradient])

    var program: ModelProgram.Gradients {
        switch self {
        case .automatic: return .automatic
        case let .formulas(definitions, gradients): return .formulas(definitions: definitions, gradients: gradients)
        }
    }
}
