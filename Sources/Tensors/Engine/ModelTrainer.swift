import Foundation

/// Trains a declared model by minibatch or full-batch gradient steps on the engine, in
/// Float32, each step the configuration's `Optimizer` (SGD, momentum, Adam, …), on the schedule the built-in trainer uses: rows reshuffled every epoch with
/// `Xoshiro256StarStar` from the seed (unless `shuffles` is false), the last batch of an
/// epoch smaller when the size does not divide the rows, the loss and accuracy of each
/// batch measured before its step, the test accuracy after each epoch.
///
/// A batch of more rows than `chunkRows` (a full batch of 60,000) is computed in chunks whose
/// losses and gradients add up to the batch's exactly (`BatchComputation`, `RowDependence`:
/// means over rows divide by the batch's rows, terms that do not depend on the rows count
/// once), so 60,000 rows need the memory of 512. A model whose loss or output depend on the batch as a whole (statistics over
/// its rows) is computed as one batch. Before training starts, the memory it needs —
/// activations and gradients of every compiled batch size, the parameters and their copies,
/// the optimiser's state, the test evaluation — is checked against `memoryBudget`. Weight
/// decay λ applies to every matrix parameter (not to vectors: biases), as `Optimizer` says.
public struct ModelTrainer {
    public struct Outcome: Sendable {
        public var parameters: [String: [Float]]
        public var history: [EpochRecord]
        /// The optimiser's moments and step count after the last step, to continue from.
        public var optimizerState: OptimizerState
        /// The step at which the loss stopped being finite (training stopped before it), if any.
        public var divergedAtStep: Int?
        /// With early stopping: the epoch of the lowest validation loss, whose parameters (and
        /// optimiser state) these are, and the epoch training stopped after, when it stopped early.
        public var bestEpoch: Int? = nil
        public var stoppedEarlyAfterEpoch: Int? = nil
    }

    public var definition: ModelDefinition
    public var configuration: TrainingConfiguration
    public var gradients: ModelProgramGradients
    public var shuffles = true
    public var pixelScale: Double
    public var memoryBudget: MemoryBudget
    /// The most rows a full batch computes at once: 512 rows of 784 pixels are 1.6 MB, which
    /// stay in the processor's cache from the forward pass to the gradient (chunks of 4,096 made
    /// a full-batch step of softmax regression with the author's formulas 3.9× the built-in
    /// kernel's time; of 512, 2.2×).
    public var chunkRows = 512
    /// Early stopping: stop when the validation loss has not improved for this many epochs,
    /// and keep the parameters of the epoch where it was lowest (nil: train to the end).
    public var patience: Int?

    public init(definition: ModelDefinition, configuration: TrainingConfiguration, gradients: ModelProgramGradients,
                shuffles: Bool, pixelScale: Double, memoryBudget: MemoryBudget = .default) {
        self.definition = definition
        self.configuration = configuration
        self.gradients = gradients
        self.shuffles = shuffles
        self.pixelScale = pixelScale
        self.memoryBudget = memoryBudget
    }

    /// Trains from `initial` parameter values on `train`, measuring `test` after each epoch;
    /// the optimiser continues from `state` when it is the same method's (else it starts afresh);
    /// `validation` (rows held out of training) is measured after each epoch too.
    public func train(from initial: [String: [Float]], state: OptimizerState? = nil, on train: DataSplit, validation: DataSplit? = nil,
                      test: DataSplit?, classes: Int,
                      progress: (EpochRecord) -> Void = { _ in },
                      checkCancelled: () throws -> Void = {}) throws -> Outcome {
        let rows = train.count
        guard rows > 0 else { throw Diagnostic.error("the training split has no rows") }
        let full: Bool
        let batchSize: Int
        switch configuration.batchSize {
        case .full: full = true; batchSize = rows
        case .rows(let size): full = false; batchSize = min(max(1, size), rows)
        }
        // Every size a step computes, compiled before any memory is taken.
        let sizes = full ? Set([rows]) : Set([batchSize, rows % batchSize].filter { $0 > 0 })
        let batches = try BatchComputation(definition: definition, gradients: gradients, inputs: train.pixelCount, classes: classes,
                                           sizes: sizes, chunkRows: chunkRows, threads: configuration.threads)
        // The validation rows as one batch (in chunks), for their loss and accuracy.
        let validating = try validation.flatMap { split in
            split.count == 0 ? nil : try BatchComputation(definition: definition, gradients: gradients, inputs: train.pixelCount, classes: classes,
                                                         sizes: [split.count], chunkRows: chunkRows, threads: configuration.threads)
        }
        try checkMemory(batches, batchRows: full ? rows : batchSize, full: full, validation: validating, test: test, classes: classes)
        // The running statistics of batchnorms are kept with the parameters (from their first values when `initial` has none).
        let names = definition.parameters.map(\.name) + definition.stateNames
        let firstState = definition.initialState(inputs: train.pixelCount, classes: classes, as: Float.self)
        // One copy of the parameters, read by every compiled size (the batch and a smaller last batch).
        let storage = Dictionary(uniqueKeysWithValues: names.map { name -> (String, UnsafeMutableBufferPointer<Float>) in
            let values = initial[name] ?? firstState[name]!
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: values.count)
            _ = buffer.initialize(from: values)
            return (name, buffer)
        })
        defer { for buffer in storage.values { buffer.deallocate() } }
        for name in names {
            batches.bind(name, to: storage[name]!.baseAddress!)
            validating?.bind(name, to: storage[name]!.baseAddress!)
        }
        let isMatrix = Dictionary(uniqueKeysWithValues: batches.parameterNames.map { ($0, batches.shapes[$0]!.count == 2) })
        let trained = batches.trainedParameters
        let optimizer = configuration.optimizer
        let moments = optimizer.method.moments
        let continued = state.flatMap { state in
            state.method == optimizer.method && trained.allSatisfy({ state.moments[$0]?.count == storage[$0]!.count * moments }) ? state : nil
        }
        // The moments of every trained parameter, in one buffer each.
        let momentStorage = Dictionary(uniqueKeysWithValues: trained.map { name -> (String, UnsafeMutableBufferPointer<Float>) in
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, storage[name]!.count * moments))
            if let values = continued?.moments[name] { _ = buffer.initialize(from: values) } else { buffer.initialize(repeating: 0) }
            return (name, buffer)
        })
        defer { for buffer in momentStorage.values { buffer.deallocate() } }
        var optimizerSteps = continued?.steps ?? 0
        func current() -> [String: [Float]] { storage.mapValues { Array($0) } }
        func currentState() -> OptimizerState {
            OptimizerState(method: optimizer.method, steps: optimizerSteps,
                           moments: moments == 0 ? [:] : Dictionary(uniqueKeysWithValues: momentStorage.map { name, buffer in
                               (name, Array(buffer.prefix(storage[name]!.count * moments))) }))
        }
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
        let totalEpochs = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch
        var learningRate = configuration.learningRate
        /// The optimiser's step on one parameter (λ for matrices only), a large one in ranges side by side.
        func update(_ name: String, _ gradient: UnsafePointer<Float>) {
            nonisolated(unsafe) let (theta, gradient, moments) = (storage[name]!.baseAddress!, gradient, momentStorage[name]!.baseAddress!)
            let (count, step, rate) = (storage[name]!.count, optimizerSteps, learningRate)
            let decay = isMatrix[name]! ? configuration.weightDecay : 0
            ParallelRanges(count, threads: configuration.threads, smallest: 1 << 15).run { range in
                optimizer.update(theta, gradient: gradient, count: count, moments: moments, step: step,
                                 learningRate: rate, decay: decay, range: range)
            }
        }
        var best: (epoch: Int, loss: Double, parameters: [String: [Float]], state: OptimizerState)?
        var stoppedEarly: Int?
        while step < totalSteps && stoppedEarly == nil {
            try checkCancelled()
            let started = DispatchTime.now()
            if shuffles && !full { generator.shuffle(&order) }
            var lossTotal = 0.0, correct = 0, seen = 0, steps = 0
            var start = 0
            while start < rows && step < totalSteps {
                let count = full ? rows : min(batchSize, rows - start)
                let (loss, hits) = batches.run(train, order: order, start: start, count: count, scale: Float(pixelScale), classes: classes,
                                               noise: (configuration.seed, step))
                guard loss.isFinite else {
                    return Outcome(parameters: current(), history: history, optimizerState: currentState(), divergedAtStep: step + 1)
                }
                lossTotal += Double(loss) * Double(count)
                correct += hits
                optimizerSteps += 1
                learningRate = configuration.schedule.rate(configuration.learningRate, step: step + 1, epoch: history.count + 1, epochs: totalEpochs)
                for name in trained { update(name, batches.gradient(name)!) }
                seen += count
                steps += 1
                step += 1
                start += count
                try checkCancelled()
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            let evaluated = DispatchTime.now()
            let parameters = current()
            let regression = definition.output == .regression
            let testAccuracy = regression ? nil : try test.map { try accuracy(parameters, on: $0, classes: classes) }
            var validationLoss: Double?, validationAccuracy: Double?
            if let validation, let validating {
                let (loss, hits) = validating.run(validation, order: [Int32](0 ..< Int32(validation.count)), start: 0, count: validation.count,
                                                  scale: Float(pixelScale), classes: classes)
                validationLoss = Double(loss)
                validationAccuracy = regression ? nil : Double(hits) / Double(validation.count)
            }
            var record = EpochRecord(epoch: history.count + 1, steps: steps, rows: seen, trainLoss: lossTotal / Double(max(1, seen)),
                                     trainAccuracy: Double(correct) / Double(max(1, seen)), testAccuracy: testAccuracy,
                                     seconds: seconds,
                                     evaluationSeconds: 0,
                                     learningRate: configuration.schedule == .constant ? nil : learningRate)
            record.validationLoss = validationLoss
            record.validationAccuracy = validationAccuracy
            if regression { record.testFit = try test.map { try fit(parameters, on: $0, classes: classes) } }
            record.evaluationSeconds = Double(DispatchTime.now().uptimeNanoseconds - evaluated.uptimeNanoseconds) / 1e9
            history.append(record)
            progress(record)
            if let patience, let loss = validationLoss {
                if best == nil || loss < best!.loss {
                    best = (record.epoch, loss, parameters, currentState())
                } else if record.epoch - best!.epoch >= patience {
                    stoppedEarly = record.epoch
                }
            }
        }
        if let best {
            return Outcome(parameters: best.parameters, history: history, optimizerState: best.state, divergedAtStep: nil,
                           bestEpoch: best.epoch, stoppedEarlyAfterEpoch: stoppedEarly)
        }
        return Outcome(parameters: current(), history: history, optimizerState: currentState(), divergedAtStep: nil)
    }

    /// Throws unless training fits in `memoryBudget`: the activations and gradients of every
    /// compiled batch size, the parameters three times over (the caller's values, the trained
    /// copy, the outcome), the optimiser's moments twice (the trained copy, the outcome), with
    /// early stopping one more copy of both (the best epoch's), the validation batch, and the
    /// predictor that measures `test`.
    private func checkMemory(_ batches: BatchComputation, batchRows: Int, full: Bool, validation: BatchComputation?,
                             test: DataSplit?, classes: Int) throws {
        let activations = batches.bytes + (validation?.bytes ?? 0)
        let parameters = batches.shapes.values.reduce(0) { $0 + $1.reduce(1, *) }
        // Early stopping keeps one more copy of both: the best epoch's.
        let kept = patience == nil ? 0 : 1
        let copies = parameters * MemoryLayout<Float>.stride * (3 + kept)
        let method = configuration.optimizer.method
        let state = OptimizerState.bytes(method, parameters: parameters) * (2 + kept)
        let evaluation = try test.map { try Self.predictionBytes(definition, on: $0, classes: classes, threads: configuration.threads) } ?? 0
        let total = activations + copies + state + evaluation
        guard total > memoryBudget.bytes else { return }
        var what = "training on \(full ? "a full batch" : "batches") of \(NumberText.grouped(batchRows)) rows"
        if batches.largestChunk < batchRows { what += " in chunks of \(NumberText.grouped(batches.largestChunk))" }
        if let obstacle = batches.obstacle {
            what += " at once (\(obstacle.message)\(obstacle.location.map { ", at \($0)" } ?? ""))"
        }
        var parts = ["activations and gradients \(MemoryBudget.describe(bytes: Double(activations)))",
                     "parameters and their copies \(MemoryBudget.describe(bytes: Double(copies)))"]
        if state > 0 {
            parts.append("\(method.rawValue)'s state, \(method.moments) value\(method.moments == 1 ? "" : "s") per parameter, and its copy \(MemoryBudget.describe(bytes: Double(state)))")
        }
        if evaluation > 0 { parts.append("measuring the test split \(MemoryBudget.describe(bytes: Double(evaluation)))") }
        what += " (" + parts.joined(separator: ", ") + ")"
        try memoryBudget.check(total, for: what, hint: state > 0 ? "use a smaller :batch:, fewer hidden units, or an optimizer that keeps less state (sgd keeps none)" : "use a smaller :batch: or fewer hidden units")
    }

    /// The fraction of `split` the model with `parameters` classifies correctly.
    public func accuracy(_ parameters: [String: [Float]], on split: DataSplit, classes: Int) throws -> Double {
        let predictions = try ModelTrainer.predictions(definition: definition, parameters: parameters, on: split,
                                                       classes: classes, pixelScale: pixelScale, threads: configuration.threads)
        var hits = 0
        for (p, label) in zip(predictions, split.labels) where p == label { hits += 1 }
        return split.count == 0 ? 0 : Double(hits) / Double(split.count)
    }

    /// How well a model of real values with `parameters` fits the targets of `split`.
    public func fit(_ parameters: [String: [Float]], on split: DataSplit, classes: Int) throws -> RegressionFit {
        let values = try ModelTrainer.outputs(definition: definition, parameters: parameters, on: split, classes: classes, pixelScale: pixelScale,
                                            threads: configuration.threads)
        return RegressionFit(predicted: values.map(Double.init), actual: (0..<split.count).map(split.target))
    }

    /// The predicted class of every image of `split` (see `outputs`); a model of real values has none.
    public static func predictions(definition: ModelDefinition, parameters: [String: [Float]], on split: DataSplit,
                                   classes: Int, pixelScale: Double, block: Int = 1000, threads: Int = 1) throws -> [UInt8] {
        guard definition.output != .regression else {
            throw Diagnostic.error("the model predicts real values (yhat), not classes", hint: "measure it with {evaluate}, which shows its residuals")
        }
        let width = definition.output.width(classes: classes)
        let values = try outputs(definition: definition, parameters: parameters, on: split, classes: classes, pixelScale: pixelScale, block: block, threads: threads)
        return values.withUnsafeBufferPointer { values in
            (0..<split.count).map { UInt8(definition.output.predictedClass(values.baseAddress! + $0 * width, width: width)!) }
        }
    }

    /// The output (`P`, `p` or `yhat`) of every row of `split`, rows × width row-major, computed
    /// in blocks of rows — or all at once for a model whose output depends on the batch as a
    /// whole (statistics over its rows), so it is the output of exactly these rows together;
    /// products split over `threads` threads.
    public static func outputs(definition: ModelDefinition, parameters: [String: [Float]], on split: DataSplit,
                               classes: Int, pixelScale: Double, block: Int = 1000, threads: Int = 1) throws -> [Float] {
        let width = definition.output.width(classes: classes)
        var result = [Float](repeating: 0, count: split.count * width)
        let order = [Int32](0 ..< Int32(split.count))
        var start = 0
        for (count, program) in try predictionPrograms(definition, on: split, classes: classes, block: block, threads: threads) {
            // The parameters, and the running statistics batchnorms evaluate with.
            let firstState = definition.initialState(inputs: split.pixelCount, classes: classes, as: Float.self)
            for name in program.parameterNames + program.stateNames {
                guard let buffer = program.parameter(name, in: program.predictor), let values = parameters[name] ?? firstState[name] else { continue }
                values.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: $0.count) }
            }
            order.withUnsafeBufferPointer { program.load(split, order: $0.baseAddress!, start: start, count: count, scale: Float(pixelScale), into: program.predictor) }
            program.predictor.run()
            let values = program.output(in: program.predictor)
            for i in 0..<count * width { result[start * width + i] = values[i] }
            start += count
        }
        return result
    }

    /// The bytes `outputs` allocates for `split` on `threads` threads (a layer kernel's scratch has a slot per thread).
    static func predictionBytes(_ definition: ModelDefinition, on split: DataSplit, classes: Int, threads: Int) throws -> Int {
        var programs: [ObjectIdentifier: ModelProgram] = [:]
        for (_, program) in try predictionPrograms(definition, on: split, classes: classes, threads: threads) { programs[ObjectIdentifier(program)] = program }
        return programs.values.reduce(0) { $0 + $1.bytes(training: false) }
    }

    /// The blocks `outputs` computes `split` in, in order: each block's rows and its program
    /// (one program for blocks of the same size).
    static func predictionPrograms(_ definition: ModelDefinition, on split: DataSplit, classes: Int,
                                   block: Int = 1000, threads: Int = 1) throws -> [(count: Int, program: ModelProgram)] {
        guard split.count > 0 else { return [] }
        func compile(_ count: Int) throws -> ModelProgram {
            try ModelProgram(definition: definition, inputs: split.pixelCount, classes: classes, rows: count, gradients: .automatic, training: false,
                             threads: threads)
        }
        let size = min(block, split.count)
        let first = try compile(size)
        if size < split.count, first.chunkingObstacle != nil { return [(split.count, try compile(split.count))] }
        var blocks = [(count: Int, program: ModelProgram)](repeating: (size, first), count: split.count / size)
        if split.count % size > 0 { blocks.append((split.count % size, try compile(split.count % size))) }
        return blocks
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
