import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// Random small models trained a few steps by every optimiser, in every training mode
/// (shuffled minibatches with a smaller last batch, a full batch, a full batch in chunks), on
/// the engine (Float32) and by the interpreter's automatic differentiation with the same
/// optimiser in Float64, on the engine's schedule.
extension EnginePropertyTests {
    /// The Float64 reference: the engine's schedule (rows reshuffled each epoch by the seed's
    /// generator unless full, consecutive batches), each step the interpreter's gradient of the
    /// loss on the batch's rows (dropout masks drawn as the engine draws them) and `optimizer`'s step in Float64, and the
    /// running statistics of batchnorms moved towards each batch's. Nil when the loss is not finite.
    static func referenceTraining(_ definition: ModelDefinition, _ start: [String: [Double]], on split: DataSplit,
                                  configuration: TrainingConfiguration) throws -> (parameters: [String: [Double]], losses: [Double])? {
        let rows = split.count
        let full = configuration.batchSize == .full
        let batch: Int
        if case .rows(let size) = configuration.batchSize { batch = size } else { batch = rows }
        guard case .epochs(let epochs) = configuration.length else { return nil }
        let shapes = definition.shapes(inputs: split.pixelCount, classes: 10)
        let names = definition.parameters.map(\.name)
        var values = start.mapValues { $0.map { Double(Float($0)) } }
        var moments = values.mapValues { [Double](repeating: 0, count: max(1, $0.count * configuration.optimizer.method.moments)) }
        var generator = Xoshiro256StarStar(seed: configuration.seed)
        var order = [Int32](0..<Int32(rows))
        var losses: [Double] = []
        var step = 0
        for _ in 0..<epochs {
            if !full { generator.shuffle(&order) }
            var total = 0.0, start = 0
            while start < rows {
                let count = min(batch, rows - start)
                var scope = ExpressionScope(values: split.tensors(rows: order[start..<start + count].map(Int.init), classes: 10))
                for name in names { scope.values[name] = Tensor(shape: shapes[name]!, data: values[name]!) }
                // batchnorms log the batches they normalise, which move their running statistics.
                scope.batchStatistics = BatchStatisticsLog()
                // The engine's dropout masks: the seed, the steps taken before this one, the batch's data rows.
                scope.noise = TrainingNoise(seed: configuration.seed, step: step, rows: order[start..<start + count].map(Int.init))
                let result = try ExpressionGradient.gradient(of: definition.loss, after: definition.forward, withRespectTo: names, in: scope)
                guard result.loss.isFinite else { return nil }
                total += result.loss * Double(count)
                step += 1
                for (name, x) in scope.batchStatistics!.inputs {
                    let (meanName, varianceName) = (BatchNormalization.meanName(name), BatchNormalization.varianceName(name))
                    var mean = values[meanName]!, variance = values[varianceName]!
                    BatchNormalization.update(mean: &mean, variance: &variance, from: x.data, rows: x.shape[0], width: x.shape[1])
                    values[meanName] = mean
                    values[varianceName] = variance
                }
                for name in names {
                    guard let gradient = result.gradients[name] else { continue }
                    values[name]!.withUnsafeMutableBufferPointer { theta in
                        gradient.data.withUnsafeBufferPointer { g in
                            moments[name]!.withUnsafeMutableBufferPointer { m in
                                configuration.optimizer.update(theta.baseAddress!, gradient: g.baseAddress!, count: theta.count,
                                                               moments: m.baseAddress!, step: step, learningRate: configuration.learningRate,
                                                               decay: shapes[name]!.count == 2 ? configuration.weightDecay : 0)
                            }
                        }
                    }
                }
                start += count
            }
            losses.append(total / Double(rows))
        }
        guard values.values.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { return nil }
        return (values, losses)
    }

    /// Each method with settings drawn around PyTorch's defaults. Adam's and RMSprop's ε is
    /// drawn from 1e-4…1e-3: a gradient entry that is 0 in exact arithmetic is ±1e-9 in Float32,
    /// and with ε = 1e-8 that noise alone would be a step of a tenth of the learning rate.
    static func drawOptimizer(_ method: Optimizer.Method, _ generator: inout Xoshiro256StarStar) -> (Optimizer, learningRate: Double) {
        let u = generator.unit()
        let epsilon = 1e-4 * pow(10, u)
        switch method {
        case .sgd: return (Optimizer(.sgd), 0.2)
        case .momentum, .nesterov: return (Optimizer(method, momentum: 0.5 + 0.4 * u), 0.05)
        case .adam, .adamw: return (Optimizer(method, beta1: 0.8 + 0.15 * u, beta2: 0.99 + 0.009 * u, epsilon: epsilon), 0.01)
        case .rmsprop: return (Optimizer(.rmsprop, alpha: 0.9 + 0.09 * u, epsilon: epsilon), 0.005)
        }
    }

    @Test func everyOptimizerTrainsAsTheInterpreter() throws {
        let split = ExpressionTestSupport.dataset(count: 23).train!
        var generator = Xoshiro256StarStar(seed: 21)
        var checked: [Optimizer.Method: Int] = [:]
        var normalised = 0
        for index in 0..<36 {
            let model = Self.draw(&generator)
            let definition = try EngineTests.definition(model.lines)
            let start = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: UInt64(index))
            // Its running statistics are compared with the parameters (they are in `start` and the outcome).
            if !definition.statistics.isEmpty { normalised += 1 }
            for method in Optimizer.Method.allCases {
                let (optimizer, learningRate) = Self.drawOptimizer(method, &generator)
                let decay = generator.unit() < 0.5 ? 0 : 0.01
                for (batch, chunkRows, epochs, what) in [(TrainingConfiguration.BatchSize.rows(7), 4096, 2, "minibatches of 7"),
                                                         (.full, 4096, 3, "a full batch"), (.full, 5, 3, "a full batch in chunks of 5")] {
                    var configuration = TrainingConfiguration(learningRate: learningRate, batchSize: batch, length: .epochs(epochs),
                                                              seed: UInt64(index), weightDecay: decay, threads: 1)
                    configuration.optimizer = optimizer
                    guard let exact = try Self.referenceTraining(definition, start, on: split, configuration: configuration) else { continue }
                    var trainer = ModelTrainer(definition: definition, configuration: configuration, gradients: .automatic,
                                               shuffles: true, pixelScale: 1 / 255)
                    trainer.chunkRows = chunkRows
                    let outcome = try trainer.train(from: start.mapValues { $0.map(Float.init) }, on: split, test: nil, classes: 10)
                    let text = "\(what), \(method.rawValue) \(optimizer), lr \(learningRate), λ \(decay)\n  " + model.lines.joined(separator: "\n  ")
                    #expect(outcome.divergedAtStep == nil, "\(text)")
                    #expect(outcome.optimizerState.steps == (batch == .full ? epochs : epochs * 4), "\(text)")
                    for (engine, reference) in zip(outcome.history.map(\.trainLoss), exact.losses) {
                        #expect(abs(engine - reference) / max(abs(reference), 1e-3) < 1e-4, "loss \(engine) vs \(reference): \(text)")
                    }
                    // How far each parameter moved, on the engine and by the reference: relative to
                    // its move, or to a twentieth of the largest move for a parameter whose gradient is
                    // 0 or nearly so in exact arithmetic (a bias a mean over the rows takes away, a sum
                    // of terms that cancel), where Float32 rounding of the terms is all there is to follow.
                    let moves = exact.parameters
                        .map { name, values in (name, Self.norm(zip(values, start[name]!).map { $0 - Double(Float($1)) })) }
                    let largest = moves.map(\.1).max() ?? 0
                    for (name, moved) in moves {
                        let difference = zip(outcome.parameters[name]!, exact.parameters[name]!).map { Double($0) - $1 }
                        let error = Self.norm(difference) / max(moved, 0.05 * largest, 1e-9)
                        // Float32 rounding of a small move over a few steps (a batch statistic, an MSE
                        // of probabilities) reaches a few 1e-3; a wrong rule (momentum for nesterov, a
                        // missing bias correction) is off by tens of percent.
                        #expect(error < 1e-2, "\(name) relative error \(error): \(text)")
                    }
                    checked[method, default: 0] += 1
                }
            }
        }
        for method in Optimizer.Method.allCases { #expect(checked[method, default: 0] > 60, "\(method): \(checked[method, default: 0]) runs") }
        #expect(normalised > 0, "no model with a batchnorm")
    }
}
