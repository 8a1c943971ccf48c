import Foundation

/// Trains softmax regression with the author's gradient formulas, evaluated in Float64.
///
/// Used by `{train}` cells with `:grad W:` / `:grad b:` options so a notebook can show a
/// wrong derivation training badly next to the right one. Each mini-batch binds
/// `X` (batch × inputs, pixel bytes times `inputScale`), `y`, `Y` (one-hot), `N` (batch
/// size), the current `W` and `b`, and `P = softmax(X @ W + b)`; then the helper
/// definitions (`NAME = EXPR`) are evaluated in order, then the formulas. Every formula
/// must have its parameter's shape. A parameter without a formula keeps its initial value.
///
/// The schedule is `SoftmaxTrainer`'s: a `Xoshiro256StarStar` seeded with `seed` draws the
/// initial weights (biases start at zero), then one shuffle of the rows per epoch;
/// minibatches are consecutive runs of the shuffled order. Full batches (`shuffles` false)
/// take the rows in order. Each step is the optimiser's (`Optimizer`, in Float64), with the
/// formula as the gradient and λ for W only; for SGD θ ← θ − lr · (formula + λ·W for W). So
/// with the right formulas the run follows the engine's, only in Float64 instead of Float32.
///
/// Loss and accuracy per epoch are running values over its batches, each measured before
/// that batch's step. An infinite loss (a training image whose true class got probability
/// 0) does not stop training; parameters that stop being finite do: training ends after
/// that step, `diverged` is set, and the model is the last one whose parameters were finite.
public struct ExpressionTrainer {
    /// A gradient formula for `W` or `b`, parsed at its option's location.
    public struct Formula: Sendable {
        public var parameter: String
        public var expression: ParsedExpression

        public init(parameter: String, expression: ParsedExpression) {
            self.parameter = parameter
            self.expression = expression
        }

        /// Parses the text of a `:grad W:` option whose value starts at `location`.
        public init(parameter: String, source: String, at location: SourceLocation) throws {
            guard parameter == "W" || parameter == "b" else {
                throw Diagnostic.error("only W and b can be trained, not '\(parameter)'", at: location)
            }
            self.init(parameter: parameter, expression: try ExpressionParser.parse(source, at: location))
        }
    }

    public struct Configuration: Sendable {
        public var learningRate: Double
        public var batchSize: Int
        public var epochs: Int
        public var seed: UInt64
        /// Stop after this many steps in all (the last epoch may be partial); nil: whole epochs.
        public var maxSteps: Int?
        /// Reshuffle the rows every epoch (minibatch SGD); false takes them in order.
        public var shuffles: Bool
        /// What pixel bytes are multiplied by to make `X`: 1/255 (normalised) or 1.
        public var inputScale: Double
        /// L2 penalty λ on W: each step also subtracts lr·λ·W.
        public var weightDecay: Double
        /// How W starts when no initial parameters are given.
        public var initialization: TrainingConfiguration.Initialization
        /// How each step moves W and b.
        public var optimizer = Optimizer()

        public init(learningRate: Double = 0.5, batchSize: Int = 100, epochs: Int = 5, seed: UInt64 = 0,
                    maxSteps: Int? = nil, shuffles: Bool = true, inputScale: Double = 1.0 / 255,
                    weightDecay: Double = 0, initialization: TrainingConfiguration.Initialization = .zeros) {
            self.learningRate = learningRate
            self.batchSize = batchSize
            self.epochs = epochs
            self.seed = seed
            self.maxSteps = maxSteps
            self.shuffles = shuffles
            self.inputScale = inputScale
            self.weightDecay = weightDecay
            self.initialization = initialization
        }
    }

    /// Numbers for one epoch: mean batch loss and accuracy while training (at each batch's
    /// parameters before its step), and the test accuracy at the end of the epoch.
    public struct Epoch: Sendable, Hashable {
        /// 1-based epoch number.
        public var epoch: Int
        /// Gradient steps taken and training rows used in this epoch.
        public var steps: Int
        public var rows: Int
        /// Mean cross-entropy; infinite when some row's true class had probability 0, nan
        /// once the parameters are nan.
        public var loss: Double
        public var trainAccuracy: Double
        /// Test accuracy after the epoch (nil without a test split or when the parameters are not finite).
        public var testAccuracy: Double?
        /// Seconds spent in the epoch's steps (not the test pass).
        public var seconds: Double
    }

    public struct Outcome: Sendable {
        /// The trained model; after divergence, the last one with finite parameters.
        public var model: SoftmaxModel
        public var history: [Epoch]
        /// Set when the parameters became nan or infinite; training stopped there.
        public var diverged: Bool
        /// The step (1-based, counted over all epochs) whose update made them so.
        public var divergedAtStep: Int?
    }

    public var formulas: [Formula]
    /// `NAME = EXPR` helpers evaluated before the formulas in every batch.
    public var definitions: [ParsedExpression]
    public var configuration: Configuration

    public init(formulas: [Formula], definitions: [ParsedExpression] = [], configuration: Configuration) {
        self.formulas = formulas
        self.definitions = definitions
        self.configuration = configuration
    }

    /// The largest batch, in rows × inputs, that one step binds as Float64 `X` (80 MB).
    public static let maxBatchElements = 10_000_000

    /// Trains on `train`, measuring on `test` after each epoch, from `initial` W and b
    /// (drawn as `configuration.initialization` says when nil). `epochFinished` reports
    /// progress; `checkCancelled` runs between batches and may throw.
    public func train(on train: DataSplit, test: DataSplit?, classes: Int, initial: (w: Tensor, b: Tensor)? = nil,
                      epochFinished: (Epoch) -> Void = { _ in },
                      checkCancelled: () throws -> Void = {}) throws -> Outcome {
        let inputs = train.pixelCount
        let configuration = self.configuration
        guard train.count > 0 else { throw Diagnostic.error("the training split '\(train.name)' has no rows") }
        var generator = Xoshiro256StarStar(seed: configuration.seed)
        var w: Tensor, b: Tensor
        if let initial {
            (w, b) = initial
        } else {
            var start = TrainingConfiguration(initialization: configuration.initialization)
            start.normalize = configuration.inputScale != 1
            let model = SoftmaxTrainer(configuration: start).initialModel(inputs: inputs, classes: classes, generator: &generator)
            w = Tensor(rows: inputs, cols: classes, data: model.weights.map(Double.init))
            b = Tensor.filled([classes], 0)
        }
        precondition(w.shape == [inputs, classes] && b.shape == [classes], "initial parameters must be inputs×classes and classes")
        let batchSize = min(max(1, configuration.batchSize), train.count)
        guard batchSize * inputs <= Self.maxBatchElements else {
            throw Diagnostic.error("a batch of \(batchSize) rows of \(inputs) pixels is too large for training with formulas (Float64, \(batchSize * inputs * 8 / 1_000_000) MB)",
                                   hint: "use a smaller :batch: (at most \(Self.maxBatchElements / inputs) rows) or fewer rows with :samples:")
        }
        let stepsPerEpoch = (train.count + batchSize - 1) / batchSize
        let totalSteps = configuration.maxSteps ?? max(1, configuration.epochs) * stepsPerEpoch
        var history: [Epoch] = []
        var order = [Int](0..<train.count)
        var stepsDone = 0
        var lastFinite = (w, b)
        var fullBatch: [String: Tensor]?
        let optimizer = configuration.optimizer
        var moments = ["W": [Double](repeating: 0, count: max(1, w.count * optimizer.method.moments)),
                       "b": [Double](repeating: 0, count: max(1, b.count * optimizer.method.moments))]
        /// The optimiser's step on `parameter` with `gradient` (λ for W only).
        func update(_ parameter: inout Tensor, _ name: String, _ gradient: Tensor) {
            parameter.data.withUnsafeMutableBufferPointer { theta in
                gradient.data.withUnsafeBufferPointer { g in
                    moments[name]!.withUnsafeMutableBufferPointer { m in
                        optimizer.update(theta.baseAddress!, gradient: g.baseAddress!, count: theta.count,
                                         moments: m.baseAddress!, step: stepsDone,
                                         learningRate: configuration.learningRate, decay: name == "W" ? configuration.weightDecay : 0)
                    }
                }
            }
        }
        var epoch = 0
        while stepsDone < totalSteps {
            epoch += 1
            if configuration.shuffles { generator.shuffle(&order) }
            let started = Date()
            var lossSum = 0.0, correct = 0, seen = 0, steps = 0
            var start = 0
            var diverged = false
            while start < order.count && stepsDone < totalSteps {
                try checkCancelled()
                let rows = Array(order[start ..< min(order.count, start + batchSize)])
                start += rows.count
                let batch: [String: Tensor]
                if !configuration.shuffles && rows.count == train.count {
                    if fullBatch == nil { fullBatch = train.tensors(rows: rows, classes: classes, scale: configuration.inputScale) }
                    batch = fullBatch!
                } else {
                    batch = train.tensors(rows: rows, classes: classes, scale: configuration.inputScale)
                }
                var scope = ExpressionScope(values: batch)
                scope.values["W"] = w
                scope.values["b"] = b
                let p = try SoftmaxRegressionReference.probabilities(x: batch["X"]!, w: w, b: b)
                scope.values["P"] = p
                for (n, label) in rows.map({ Int(train.labels[$0]) }).enumerated() {
                    let row = p.data[n * classes ..< (n + 1) * classes]
                    lossSum -= Foundation.log(row[row.startIndex + label])
                    if row.indices.max(by: { row[$0] < row[$1] }) == row.startIndex + label { correct += 1 }
                }
                seen += rows.count
                steps += 1
                stepsDone += 1
                for definition in definitions {
                    let value = try scope.evaluate(definition)
                    if let name = definition.binding { scope.values[name] = value }
                }
                var gradients: [String: Tensor] = [:]
                for formula in formulas {
                    let gradient = try scope.evaluate(formula.expression)
                    let target = formula.parameter == "W" ? w : b
                    guard gradient.shape == target.shape else {
                        throw Diagnostic.error("the formula for \(formula.parameter) is \(gradient.shapeDescription), but \(formula.parameter) is \(target.shapeDescription)",
                                               at: formula.expression.origin,
                                               hint: "a gradient has the shape of its parameter: W is inputs×classes, b has one entry per class")
                    }
                    gradients[formula.parameter] = gradient
                }
                if let g = gradients["W"] { update(&w, "W", g) }
                else if configuration.weightDecay != 0 { update(&w, "W", Tensor.filled(w.shape, 0)) }
                if let g = gradients["b"] { update(&b, "b", g) }
                if w.data.allSatisfy(\.isFinite) && b.data.allSatisfy(\.isFinite) {
                    lastFinite = (w, b)
                } else {
                    diverged = true
                    break
                }
            }
            let seconds = Date().timeIntervalSince(started)
            let testAccuracy = diverged ? nil : try test.map { try Self.accuracy(of: w, b, on: $0, classes: classes, scale: configuration.inputScale) }
            let record = Epoch(epoch: epoch, steps: steps, rows: seen, loss: lossSum / Double(max(seen, 1)),
                               trainAccuracy: Double(correct) / Double(max(seen, 1)), testAccuracy: testAccuracy, seconds: seconds)
            history.append(record)
            epochFinished(record)
            if diverged {
                return Outcome(model: Self.model(lastFinite.0, lastFinite.1, scale: configuration.inputScale),
                               history: history, diverged: true, divergedAtStep: stepsDone)
            }
        }
        return Outcome(model: Self.model(w, b, scale: configuration.inputScale), history: history, diverged: false, divergedAtStep: nil)
    }

    /// The share of `split` whose most probable class is the label.
    public static func accuracy(of w: Tensor, _ b: Tensor, on split: DataSplit, classes: Int, scale: Double = 1.0 / 255) throws -> Double {
        var correct = 0
        var start = 0
        while start < split.count {
            let rows = Array(start ..< min(split.count, start + 1000))
            start += rows.count
            let batch = split.tensors(rows: rows, classes: classes, scale: scale)
            let logits = try Tensor.zip(try Tensor.matmul(batch["X"]!, w), b, "+", +)
            for (n, row) in rows.enumerated() {
                let values = logits.data[n * classes ..< (n + 1) * classes]
                if values.indices.max(by: { values[$0] < values[$1] })! - n * classes == Int(split.labels[row]) { correct += 1 }
            }
        }
        return Double(correct) / Double(max(split.count, 1))
    }

    static func model(_ w: Tensor, _ b: Tensor, scale: Double) -> SoftmaxModel {
        SoftmaxModel(inputs: w.rows, classes: w.cols, weights: w.data.map(Float.init), bias: b.data.map(Float.init),
                     inputScale: Float(scale))
    }
}
