import Foundation

/// Trains softmax regression with the author's gradient formulas, evaluated in Float64.
///
/// Used by `{train}` cells with `:grad W:` / `:grad b:` options so a notebook can show a
/// wrong derivation training badly next to the right one. Each mini-batch binds
/// `X` (batch × inputs, pixels / 255), `y`, `Y` (one-hot), `N` (batch size), the current
/// `W` and `b`, and `P = softmax(X @ W + b)`; every formula must have its parameter's
/// shape. A parameter without a formula keeps its initial value (zero unless given).
/// Plain mini-batch gradient descent: θ ← θ − lr · formula, rows shuffled every epoch with `seed`.
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

        public init(learningRate: Double = 0.5, batchSize: Int = 100, epochs: Int = 5, seed: UInt64 = 0) {
            self.learningRate = learningRate
            self.batchSize = batchSize
            self.epochs = epochs
            self.seed = seed
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
        public var loss: Double
        public var trainAccuracy: Double
        public var testAccuracy: Double?
        /// Seconds spent in the epoch's steps (not the test pass).
        public var seconds: Double
    }

    public struct Outcome: Sendable {
        public var model: SoftmaxModel
        public var history: [Epoch]
        /// Set when the parameters became nan or infinite; training stopped there.
        public var diverged: Bool
    }

    public var formulas: [Formula]
    public var configuration: Configuration

    public init(formulas: [Formula], configuration: Configuration) {
        self.formulas = formulas
        self.configuration = configuration
    }

    /// Trains on `train`, measuring on `test` after each epoch, from `initial` W and b
    /// (zeros when nil). `epochFinished` reports progress; `checkCancelled` runs between
    /// batches and may throw.
    public func train(on train: DataSplit, test: DataSplit?, classes: Int, initial: (w: Tensor, b: Tensor)? = nil,
                      epochFinished: (Epoch) -> Void = { _ in },
                      checkCancelled: () throws -> Void = {}) throws -> Outcome {
        let inputs = train.pixelCount
        var w = initial?.w ?? Tensor.filled([inputs, classes], 0)
        var b = initial?.b ?? Tensor.filled([classes], 0)
        precondition(w.shape == [inputs, classes] && b.shape == [classes], "initial parameters must be inputs×classes and classes")
        var generator = SeededGenerator(seed: configuration.seed)
        var history: [Epoch] = []
        var order = Array(0..<train.count)
        for epoch in 1...max(1, configuration.epochs) {
            order.shuffle(using: &generator)
            let started = Date()
            var lossSum = 0.0, correct = 0, seen = 0, steps = 0
            var start = 0
            while start < order.count {
                try checkCancelled()
                let rows = Array(order[start ..< min(order.count, start + configuration.batchSize)])
                start += rows.count
                steps += 1
                var scope = ExpressionScope(values: ExpressionBindings.batch(from: train, rows: rows, classes: classes))
                scope.values["W"] = w
                scope.values["b"] = b
                let p = try SoftmaxRegressionReference.probabilities(x: scope["X"]!, w: w, b: b)
                scope.values["P"] = p
                let labels = scope["y"]!.data
                for (n, label) in labels.enumerated() {
                    let row = Array(p.data[n * classes ..< (n + 1) * classes])
                    lossSum -= Foundation.log(row[Int(label)])
                    if row.indices.max(by: { row[$0] < row[$1] }) == Int(label) { correct += 1 }
                }
                seen += rows.count
                var steps: [String: Tensor] = [:]
                for formula in formulas {
                    let gradient = try scope.evaluate(formula.expression)
                    let target = formula.parameter == "W" ? w : b
                    guard gradient.shape == target.shape else {
                        throw Diagnostic.error("the formula for \(formula.parameter) is \(gradient.shapeDescription), but \(formula.parameter) is \(target.shapeDescription)",
                                               at: formula.expression.origin, hint: "a gradient has the shape of its parameter")
                    }
                    steps[formula.parameter] = gradient
                }
                let rate = configuration.learningRate
                if let g = steps["W"] { w = try Tensor.zip(w, g, "-") { $0 - rate * $1 } }
                if let g = steps["b"] { b = try Tensor.zip(b, g, "-") { $0 - rate * $1 } }
            }
            let seconds = Date().timeIntervalSince(started)
            let testAccuracy = try test.map { try Self.accuracy(of: w, b, on: $0, classes: classes) }
            let record = Epoch(epoch: epoch, steps: steps, rows: seen, loss: lossSum / Double(max(seen, 1)),
                               trainAccuracy: Double(correct) / Double(max(seen, 1)), testAccuracy: testAccuracy, seconds: seconds)
            history.append(record)
            epochFinished(record)
            if !(w.data.allSatisfy(\.isFinite) && b.data.allSatisfy(\.isFinite)) {
                return Outcome(model: Self.model(w, b), history: history, diverged: true)
            }
        }
        return Outcome(model: Self.model(w, b), history: history, diverged: false)
    }

    /// The share of `split` whose most probable class is the label.
    public static func accuracy(of w: Tensor, _ b: Tensor, on split: DataSplit, classes: Int) throws -> Double {
        var correct = 0
        var start = 0
        while start < split.count {
            let rows = Array(start ..< min(split.count, start + 1000))
            start += rows.count
            let batch = ExpressionBindings.batch(from: split, rows: rows, classes: classes)
            let logits = try Tensor.zip(try Tensor.matmul(batch["X"]!, w), b, "+", +)
            for (n, row) in rows.enumerated() {
                let values = logits.data[n * classes ..< (n + 1) * classes]
                if values.indices.max(by: { values[$0] < values[$1] })! - n * classes == Int(split.labels[row]) { correct += 1 }
            }
        }
        return Double(correct) / Double(max(split.count, 1))
    }

    static func model(_ w: Tensor, _ b: Tensor) -> SoftmaxModel {
        SoftmaxModel(inputs: w.rows, classes: w.cols, weights: w.data.map(Float.init), bias: b.data.map(Float.init))
    }
}
