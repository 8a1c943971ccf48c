import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// Random small models of every output kind (class probabilities `P`, a binary probability `p`,
/// real values `yhat`): the engine's loss, gradients and predictions — one batch, a batch in
/// chunks, a minibatch — against the Float64 interpreter and its automatic differentiation.
@Suite struct EnginePropertyTests {
    /// A model drawn from `generator`, and whether chunks of its rows add up to its batch.
    struct RandomModel {
        var lines: [String]
        var chunkable: Bool
    }

    static func draw(_ generator: inout Xoshiro256StarStar, output: ModelOutput = .classes) -> RandomModel {
        func pick<T>(_ choices: [T]) -> T { choices[Int(generator.next() % UInt64(choices.count))] }
        func chance(_ p: Double) -> Bool { generator.unit() < p }
        let units = pick([3, 5, 8])
        let keep = pick(["True", "1", "true"])
        let width = output == .classes ? "classes" : "1"
        var lines = [
            "param W1: inputs×\(units) \(pick(["normal(0.3)", "xavier", "uniform(0.5)", "he"]))",
            "param b1: \(units) \(pick(["constant(0.05)", "uniform(0.1)", "zeros", "normal(0.1)"]))",
            "param W2: \(units)×\(width) \(pick(["xavier", "normal(0.3)", "uniform(0.4)"]))",
            "param b2: \(width) \(pick(["uniform(0.1)", "zeros"]))",
            "param g: 1×\(units) uniform(0.5)",
        ]
        // Matrix @ vector (a column) and vector @ matrix (a row) in a term of the loss.
        let vectorTerm = chance(0.3)
        if vectorTerm { lines.append("param v: \(units) normal(0.3)") }
        var chunkable = true
        lines.append(pick(["Z = X @ W1 + b1", "Z = X @ W1", "Z = (X @ W1) * (g + 1) + b1", "Z = X @ W1 - b1 / 2", "Z = (W1.T @ X.T).T + b1"]))
        var previous = "Z"
        for step in 1...Int(1 + generator.next() % 3) {
            let x = previous
            var choices = [
                "relu(\(x))", "tanh(\(x))", "sigmoid(\(x))", "\(x) * sigmoid(\(x))", "maximum(\(x), 0.1 * \(x))",
                "where(\(x) > 0, \(x), 0.05 * \(x))", "clip(\(x), -1, 1)", "sqrt(\(x) * \(x) + 1)", "exp(-abs(\(x)))",
                "\(x) ** 2 / 4", "minimum(\(x), 1) + g", "-\(x) + b1 * g",
                "\(x) - mean(\(x), axis=1, keepdims=\(keep))", "\(x) / sqrt(mean(\(x) * \(x), axis=-1, keepdims=\(keep)) + 1)",
                "\(x) * sum(\(x), axis=1, keepdims=\(keep)) / 10", "\(x) - mean(\(x), axis=1, keepdims=\(keep)).T.T + mean(g, keepdims=False)",
                "layernorm(\(x), b1 + 1, b1)",
            ]
            // Dropout's masks are drawn per data row, so it takes values computed row by row.
            if chunkable { choices += ["dropout(\(x), 0.3)", "tanh(dropout(\(x), 0.5))"] }
            let batchStatistics = [
                "\(x) - mean(\(x), axis=0)", "\(x) / sqrt(mean(\(x) * \(x), axis=0, keepdims=\(keep)) + 1)",
                "\(x) - sum(\(x)) / N / \(units)", "\(x) * sum(\(x), axis=0) / N",
                // Z added so no column is constant in exact arithmetic (minimum(sqrt(Z * Z + 1), 1) is):
                // normalising one would scale Float32 rounding by 1/√ε.
                "batchnorm(\(x) + Z, s\(step), b1)", "relu(batchnorm(\(x) + Z, s\(step), b1 / 2))",
            ]
            if chance(0.2) { choices = batchStatistics; chunkable = false }
            let line = pick(choices)
            // batchnorm's gamma is a parameter: its running statistics take its width.
            if line.contains("batchnorm") { lines.append("param s\(step): \(units) uniform(0.5)") }
            lines.append("A\(step) = \(line)")
            previous = "A\(step)"
        }
        lines.append(pick(["L = \(previous) @ W2 + b2", "L = \(previous) @ W2 + b2 - mean(\(previous) @ W2, axis=1, keepdims=\(keep))"]))
        var loss: String
        switch output {
        case .classes:
            switch generator.next() % 4 {
            case 0: lines.append("P = softmax(L)")
            case 1: lines.append("P = softmax(L, axis=-1)")
            case 2: lines.append("P = softmax(L, axis=1)")
            default: lines += ["E = exp(L - 2)", "P = E / sum(E, axis=1, keepdims=\(keep))"]
            }
            loss = pick([
                "-mean(sum(Y * log(P), axis=1))", "-sum(Y * log(P))", "-sum(Y * log(P)) / N", "mean((P - Y) ** 2)",
                "sum((P - Y) * (P - Y))", "-mean(log(sum(Y * P, axis=1)))", "sum(mean(-Y * log(P), axis=0))",
                "-mean(sum(Y * log(P), axis=1, keepdims=\(keep)))", "mean(sum(Y * log(P), axis=0)) * -1", "2 - mean(sum(Y * P, axis=-1)) - 1",
            ])
        case .binary:
            lines.append(pick(["p = sigmoid(L)", "p = 1 / (1 + exp(-L))", "p = sigmoid(L / 2) * 0.98 + 0.01"]))
            loss = pick([
                "-mean(t * log(p) + (1 - t) * log(1 - p))", "-sum(t * log(p) + (1 - t) * log(1 - p)) / N", "mean((p - t) ** 2)",
                "-mean(where(t > 0.5, log(p), log(1 - p)))", "-mean(sum(t * log(p), axis=1) + sum((1 - t) * log(1 - p), axis=1))",
            ])
        case .regression:
            lines.append(pick(["yhat = L", "yhat = 2 * L + 1", "yhat = L + mean(L, axis=1, keepdims=\(keep))"]))
            loss = pick(["mean((yhat - t) ** 2)", "sum((yhat - t) * (yhat - t)) / N", "0.5 * mean((t - yhat) ** 2)",
                         "mean(sqrt((yhat - t) ** 2 + 0.01))"])
        }
        if chance(0.4) { loss += pick([" + 0.01 * sum(W1 * W1)", " + 0.001 * mean(W2 ** 2) + 0.5", " + 0.1"]) }
        if vectorTerm { loss += pick([" + 0.01 * mean((\(previous) @ v) ** 2)", " + 0.01 * sum((v @ W1.T) ** 2)"]) }
        lines.append("loss: " + loss)
        return RandomModel(lines: lines, chunkable: chunkable)
    }

    /// What one computation gives: the loss, each parameter's gradient and the predicted classes.
    struct Values {
        var loss: Double
        var gradients: [String: [Double]]
        var correct: Int
    }

    /// The interpreter's values on rows `0..<count` in a training step (or evaluating; nil when they are not finite), and the
    /// margin of each row's best class over the next, or of p over ½ (ties are not a disagreement).
    static func reference(_ definition: ModelDefinition, _ values: [String: [Double]], on split: DataSplit, count: Int,
                          training: Bool = true) throws -> (values: Values, margins: [Double])? {
        let data = split.tensors(rows: Array(0..<count), classes: 10)
        var scope = ExpressionScope(values: data.filter { definition.output.dataNames.contains($0.key) })
        // A training step's dropout masks, or none: evaluation, where a dropout is the identity.
        if training { scope.noise = TrainingNoise(seed: noise.seed, step: noise.step, rows: Array(0..<count)) }
        bind(definition, values, into: &scope, inputs: split.pixelCount)
        let names = definition.parameters.map(\.name)
        let result = try ExpressionGradient.gradient(of: definition.loss, after: definition.forward, withRespectTo: names, in: scope)
        guard result.loss.isFinite, abs(result.loss) < 1e6, result.gradients.values.allSatisfy({ $0.data.allSatisfy(\.isFinite) }) else { return nil }
        let p = try forward(definition, scope)
        var correct = 0
        var margins: [Double] = []
        let width = definition.output.width(classes: 10)
        for r in 0..<count where definition.output != .regression {
            let row = Array(p.data[r * width ..< r * width + width])
            let best = definition.output == .binary ? (row[0] >= 0.5 ? 1 : 0) : row.indices.max { row[$0] < row[$1] }!
            if best == Int(split.labels[r]) { correct += 1 }
            let sorted = row.sorted(by: >)
            margins.append(definition.output == .binary ? abs(row[0] - 0.5) : sorted[0] - sorted[1])
        }
        return (Values(loss: result.loss, gradients: result.gradients.mapValues(\.data), correct: correct), margins)
    }

    /// Binds the parameters and the running statistics of batchnorms (which evaluation reads) from `values`, rounded to Float32.
    static func bind(_ definition: ModelDefinition, _ values: [String: [Double]], into scope: inout ExpressionScope, inputs: Int) {
        let shapes = definition.shapes(inputs: inputs, classes: 10).merging(definition.stateShapes(inputs: inputs, classes: 10)) { $1 }
        for (name, shape) in shapes {
            scope.values[name] = Tensor(shape: shape, data: values[name]!.map { Double(Float($0)) })
        }
    }

    static func forward(_ definition: ModelDefinition, _ scope: ExpressionScope) throws -> Tensor {
        var scope = scope
        for statement in definition.forward {
            let value = try scope.evaluate(statement)
            if let name = statement.binding { scope.values[name] = value }
        }
        return scope.values[definition.output.name]!
    }

    /// The engine's values on rows `0..<count`, in chunks of at most `chunkRows`.
    static func engine(_ definition: ModelDefinition, _ values: [String: [Double]], on split: DataSplit, count: Int,
                       chunkRows: Int) throws -> (values: Values, chunked: Bool) {
        let batches = try BatchComputation(definition: definition, gradients: .automatic, inputs: split.pixelCount, classes: 10,
                                           sizes: [count], chunkRows: chunkRows)
        let storage = values.mapValues { value -> UnsafeMutableBufferPointer<Float> in
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: value.count)
            _ = buffer.initialize(from: value.map(Float.init))
            return buffer
        }
        defer { for buffer in storage.values { buffer.deallocate() } }
        for (name, buffer) in storage { batches.bind(name, to: buffer.baseAddress!) }
        let (loss, correct) = batches.run(split, order: [Int32](0..<Int32(split.count)), start: 0, count: count, scale: 1 / 255, classes: 10,
                                          noise: noise)
        var gradients: [String: [Double]] = [:]
        for name in batches.trainedParameters {
            gradients[name] = Array(UnsafeBufferPointer(start: batches.gradient(name)!, count: values[name]!.count)).map(Double.init)
        }
        return (Values(loss: Double(loss), gradients: gradients, correct: correct), batches.largestChunk < count)
    }

    /// The training step whose random numbers (dropout masks) both sides draw.
    static let noise: (seed: UInt64, step: Int) = (seed: 31, step: 4)

    static func norm(_ values: [Double]) -> Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// The split each kind trains on: ten classes; two (labels 0 and 1); real targets.
    static func split(for output: ModelOutput) -> DataSplit {
        var split = ExpressionTestSupport.dataset(count: 23).train!
        switch output {
        case .classes: break
        case .binary: split = split.binary(positive: Int(split.labels[0]))
        case .regression:
            var generator = Xoshiro256StarStar(seed: 11)
            split.targets = (0..<split.count).map { _ in generator.unit() * 4 - 1 }
        }
        return split
    }

    @Test(arguments: ModelOutput.allCases)
    func randomModelsAgreeWithTheInterpreter(output: ModelOutput) throws {
        let split = Self.split(for: output)
        var generator = Xoshiro256StarStar(seed: 2026)
        var checked = 0, skipped = 0, normalised = 0
        for index in 0..<(output == .classes ? 300 : 100) {
            let model = Self.draw(&generator, output: output)
            let text = "model \(index):\n  " + model.lines.joined(separator: "\n  ")
            let definition = try EngineTests.definition(model.lines)
            if !definition.statistics.isEmpty { normalised += 1 }
            let values = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: UInt64(index))
            for (count, chunkRows, what) in [(23, 4096, "one batch of 23"), (23, 5, "23 rows in chunks of 5"), (7, 4096, "a minibatch of 7"),
                                             (7, 2, "7 rows in chunks of 2")] {
                guard let (exact, margins) = try Self.reference(definition, values, on: split, count: count) else { skipped += 1; continue }
                let (engine, chunked) = try Self.engine(definition, values, on: split, count: count, chunkRows: chunkRows)
                #expect(chunked == (model.chunkable && chunkRows < count), "\(what): chunked \(chunked)\n\(text)")
                let lossError = abs(engine.loss - exact.loss) / max(abs(exact.loss), 1e-3)
                #expect(lossError < 1e-4, "\(what): loss \(engine.loss) vs \(exact.loss)\n\(text)")
                // Relative to the gradient, or to a hundredth of the largest one for a gradient
                // that is 0 in exact arithmetic (a bias a mean over the rows takes away): there the
                // engine's value is Float32 rounding of terms that cancel, a few ulps (1.2e-7) of
                // the largest gradient, so the bound is 1e-6 of it.
                let largest = exact.gradients.values.map(Self.norm).max() ?? 0
                for (name, gradient) in exact.gradients {
                    let difference = Self.norm(zip(engine.gradients[name] ?? [], gradient).map { $0 - $1 })
                    let error = difference / max(Self.norm(gradient), 1e-2 * largest, 1e-9)
                    #expect(engine.gradients[name]?.count == gradient.count && error < 1e-4,
                            "\(what): ∂loss/∂\(name) relative error \(error)\n\(text)")
                }
                // Rows whose two best classes are within Float32's reach may go either way.
                let close = margins.filter { $0 < 1e-5 }.count
                #expect(abs(engine.correct - exact.correct) <= close, "\(what): \(engine.correct) correct vs \(exact.correct)\n\(text)")
                checked += 1
            }
            // {evaluate}'s predictions, in blocks of 5 rows (all at once for batch statistics).
            if output == .regression, try Self.reference(definition, values, on: split, count: 23) != nil {
                var scope = ExpressionScope(values: split.tensors(rows: Array(0..<23), classes: 10))
                Self.bind(definition, values, into: &scope, inputs: 16)
                let exact = try Self.forward(definition, scope).data
                let engine = try ModelTrainer.outputs(definition: definition, parameters: values.mapValues { $0.map(Float.init) },
                                                      on: split, classes: 10, pixelScale: 1 / 255, block: 5)
                // An output that is 0 in exact arithmetic (a row-centred value times its row's sum, plus a zero bias)
                // is Float32 rounding in the engine, so the bound has a floor of 1e-3 in the outputs' norm.
                let error = Self.norm(zip(engine, exact).map { Double($0) - $1 }) / max(Self.norm(exact), 1e-3)
                #expect(engine.count == 23 && error < 1e-5, "outputs: relative error \(error)\n\(text)")
            } else if let (exact, margins) = try Self.reference(definition, values, on: split, count: 23, training: false) {
                let predictions = try ModelTrainer.predictions(definition: definition, parameters: values.mapValues { $0.map(Float.init) },
                                                               on: split, classes: 10, pixelScale: 1 / 255, block: 5)
                let correct = zip(predictions, split.labels).filter { $0 == $1 }.count
                #expect(abs(correct - exact.correct) <= margins.filter { $0 < 1e-5 }.count, "predictions: \(correct) vs \(exact.correct)\n\(text)")
            }
        }
        #expect(checked > (output == .classes ? 1000 : 300), "checked \(checked), skipped \(skipped)")
        #expect(normalised > (output == .classes ? 10 : 3), "\(normalised) models with a batchnorm")
    }
}
