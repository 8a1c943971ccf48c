import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// `batchnorm(x, gamma, beta)` against values worked out independently in NumPy (Float64, the
/// gradients by central differences of the loss, not by the op's rule): the batch's statistics
/// while training, the running mean and variance PyTorch's `BatchNorm1d` keeps (momentum 0.1,
/// the unbiased variance) when evaluating — in the interpreter and on the engine.
@Suite struct BatchNormTests {
    /// 5 rows of 3 columns, gamma and beta, and an upstream weighting U (loss = Σ batchnorm(A) ⊙ U).
    static let x = [0.5, 2.0, -1.0, 1.5, -0.5, 0.25, -2.0, 1.0, 3.0, 0.0, 0.75, -0.5, 1.0, -1.5, 1.5]
    static let gamma = [1.5, -0.5, 2.0], beta = [0.1, 0.2, -0.3]
    static let upstream = [1, -1, 2, 0.5, 0, -1, 3, 1, 1, -2, 0.25, 0, 1, 1, -0.5]
    static let v = [1.0, -2.0, 0.5], t = [0.3, -1.0, 2.0, 0.5, 0.0]

    // NumPy: (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5) * g + b, and central differences (h = 1e-6).
    static let trainingOutput = [0.4724213744575835, -0.47586406643179074, -2.5826522698739804, 1.713825955982862, 0.5481723978588013,
                                 -0.8533702472421771, -2.6310900793556127, -0.06624948071555398, 2.951050202547791, -0.14828091630505566,
                                 0.03615416571350527, -1.890939460821259, 1.0931236652202228, 0.9577869835750381, 0.8759117753896264]
    static let gradientA = [0.599443807924871, 0.2625398822786451, 2.1388498367969078, 0.7354829616446068, 0.23092279644032487,
                            -1.850083294563376, 1.1903993581974248, -0.4054902889016887, 1.2717241322235395, -3.503140659333326,
                            -0.060479599994778255, -0.5634639106411043, 0.9778145315664233, -0.027492788490235398, -0.9970267629277885]
    static let gradientGamma = [-3.6828335914229626, -2.2528802214871746, -0.6744199883002011]
    static let gradientBeta = [3.5, 1.25, 1.5]
    // One step from mean 0 and variance 1: 0.9 · old + 0.1 · x.mean(0), 0.9 · old + 0.1 · x.var(0, ddof=1).
    static let runningMean = [0.02, 0.035, 0.065]
    static let runningVariance = [1.0825, 1.08625, 1.16125]
    // (x - rm) / np.sqrt(rv + 1e-5) * g + b, and that @ v.
    static let evaluationOutput = [0.7920166407440558, -0.742682978358832, -2.276582154351238, 2.2337179756275054, 0.456659233293626,
                                   0.04334995169481598, -2.812236696464568, -0.2629460936978487, 5.147200584996135, 0.07116597330233101,
                                   -0.14301187253260295, -1.3486093119328162, 1.5128673081857806, 0.9363961179546092, 2.36328205774087]
    static let evaluationYhat = [1.139091520286101, 1.3420744848876613, 0.28725578342919666, -0.3171149375988712, 0.8217161011469973]
    // The model yhat = batchnorm(X, g, c) @ V, loss mean((yhat - t) ** 2): its loss and gradients.
    static let modelLoss = 2.701691967992815
    static let modelGradients = ["g": [2.7060115088684, 2.1025483281089663, -0.7907016907893194],
                                 "c": [-1.62, 3.24, -0.81], "V": [3.8970172628882693, 0.20163708214226972, -2.676806764245754]]

    static func expectClose(_ actual: [Double], _ expected: [Double], _ tolerance: Double, _ what: String) {
        let scale = max(expected.map(abs).max() ?? 0, 1)
        #expect(actual.count == expected.count && zip(actual, expected).allSatisfy { abs($0 - $1) <= tolerance * scale },
                "\(what): \(actual) vs \(expected)")
    }

    static func statement(_ text: String) throws -> ParsedExpression {
        try ExpressionParser.parseStatement(text, at: SourceLocation(file: "bn.md", line: 1))
    }

    var scope: ExpressionScope {
        ExpressionScope(values: ["A": Tensor(shape: [5, 3], data: Self.x), "g": Tensor(vector: Self.gamma), "c": Tensor(vector: Self.beta),
                                 "U": Tensor(shape: [5, 3], data: Self.upstream)])
    }

    @Test func theInterpreterNormalisesWithTheBatchAndDifferentiatesAsNumPy() throws {
        var training = scope
        training.noise = TrainingNoise(seed: 1, step: 0, rows: Array(0..<5))
        // Without running statistics (outside a model) it uses the batch's, training or not.
        for scope in [scope, training] {
            Self.expectClose(try scope.evaluate(Self.statement("H = batchnorm(A, g, c)")).data, Self.trainingOutput, 1e-12, "output")
        }
        let result = try ExpressionGradient.gradient(of: Self.statement("sum(H * U)"), after: [Self.statement("H = batchnorm(A, g, c)")],
                                                     withRespectTo: ["A", "g", "c"], in: training)
        Self.expectClose(result.gradients["A"]!.data, Self.gradientA, 1e-7, "∂A")
        Self.expectClose(result.gradients["g"]!.data, Self.gradientGamma, 1e-7, "∂gamma")
        Self.expectClose(result.gradients["c"]!.data, Self.gradientBeta, 1e-7, "∂beta")
    }

    @Test func theInterpreterEvaluatesWithRunningStatistics() throws {
        var training = scope
        training.noise = TrainingNoise(seed: 1, step: 0, rows: Array(0..<5))
        training.batchStatistics = BatchStatisticsLog()
        _ = try training.evaluate(Self.statement("H = batchnorm(A, g, c)"))
        let logged = try #require(training.batchStatistics!.inputs.first)
        #expect(logged.name == "H" && logged.x.data == Self.x)
        var mean = [0.0, 0, 0], variance = [1.0, 1, 1]
        BatchNormalization.update(mean: &mean, variance: &variance, from: Self.x, rows: 5, width: 3)
        Self.expectClose(mean, Self.runningMean, 1e-15, "running mean")
        Self.expectClose(variance, Self.runningVariance, 1e-15, "running variance")
        var evaluating = scope
        evaluating.values["H.running_mean"] = Tensor(vector: mean)
        evaluating.values["H.running_var"] = Tensor(vector: variance)
        Self.expectClose(try evaluating.evaluate(Self.statement("H = batchnorm(A, g, c)")).data, Self.evaluationOutput, 1e-12, "evaluation")
        // A training step still normalises with the batch's statistics.
        evaluating.noise = training.noise
        Self.expectClose(try evaluating.evaluate(Self.statement("H = batchnorm(A, g, c)")).data, Self.trainingOutput, 1e-12, "training")
    }

    static let model = ["param g: 3 constant(1)", "param c: 3 zeros", "param V: 3×1 zeros",
                        "H = batchnorm(X, g, c)", "yhat = H @ V", "loss: mean((yhat - t) ** 2)"]

    /// Five rows of three real features (as a CSV data set gives them) and their targets.
    static var split: DataSplit {
        var split = DataSplit(name: "train", images: [UInt8](repeating: 0, count: 15), labels: [UInt8](repeating: 0, count: 5), count: 5,
                              rows: 1, cols: 3, sources: [])
        split.features = x
        split.targets = t
        return split
    }

    static var start: [String: [Float]] {
        ["g": gamma.map(Float.init), "c": beta.map(Float.init), "V": v.map(Float.init),
         "H.running_mean": [0, 0, 0], "H.running_var": [1, 1, 1]]
    }

    @Test func theEngineTrainsAndEvaluatesAsNumPy() throws {
        let definition = try EngineTests.definition(Self.model)
        #expect(definition.stateNames == ["H.running_mean", "H.running_var"])
        // The loss and gradients of a training step, the batch at once even with chunks of 2 rows asked for.
        let batches = try BatchComputation(definition: definition, gradients: .automatic, inputs: 3, classes: 1, sizes: [5], chunkRows: 2)
        #expect(batches.largestChunk == 5 && batches.obstacle?.message.contains("batchnorm") == true)
        let storage = Self.start.mapValues { values -> UnsafeMutableBufferPointer<Float> in
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: values.count)
            _ = buffer.initialize(from: values)
            return buffer
        }
        defer { for buffer in storage.values { buffer.deallocate() } }
        for (name, buffer) in storage { batches.bind(name, to: buffer.baseAddress!) }
        let (loss, _) = batches.run(Self.split, order: [0, 1, 2, 3, 4], start: 0, count: 5, scale: 1, classes: 1, noise: (1, 0))
        #expect(abs(Double(loss) - Self.modelLoss) < 1e-5 * Self.modelLoss)
        for (name, expected) in Self.modelGradients {
            let gradient = try #require(batches.gradient(name))
            Self.expectClose((0..<3).map { Double(gradient[$0]) }, expected, 1e-5, "∂\(name)")
        }

        // One full-batch step with a learning rate of 0: the parameters stay, the running statistics move once.
        let configuration = TrainingConfiguration(learningRate: 0, batchSize: .full, length: .epochs(1), seed: 1, threads: 1)
        let trainer = ModelTrainer(definition: definition, configuration: configuration, gradients: .automatic, shuffles: false, pixelScale: 1)
        let outcome = try trainer.train(from: Self.start, on: Self.split, test: nil, classes: 1)
        Self.expectClose(outcome.parameters["H.running_mean"]!.map(Double.init), Self.runningMean, 1e-6, "running mean")
        Self.expectClose(outcome.parameters["H.running_var"]!.map(Double.init), Self.runningVariance, 1e-6, "running variance")
        #expect(abs(outcome.history[0].trainLoss - Self.modelLoss) < 1e-5 * Self.modelLoss)
        // Evaluating ({evaluate}, test accuracy) uses the running statistics, a block of rows at a time.
        let outputs = try ModelTrainer.outputs(definition: definition, parameters: outcome.parameters, on: Self.split, classes: 1, pixelScale: 1, block: 2)
        Self.expectClose(outputs.map(Double.init), Self.evaluationYhat, 1e-6, "evaluation")
        // Continuing from the trained model moves them on from where they are, not from 0 and 1.
        let again = try trainer.train(from: outcome.parameters, on: Self.split, test: nil, classes: 1)
        // (0.9 · 0.1 m + 0.1 m = 1.9 · the first step's 0.1 m.)
        Self.expectClose(again.parameters["H.running_mean"]!.map(Double.init), Self.runningMean.map { 1.9 * $0 }, 1e-6, "continued running mean")
    }

    @Test func aModelKeepsOneBatchnormPerLineWithAParameterGamma() throws {
        let twice = try #require(throws: Diagnostic.self) {
            _ = try EngineTests.definition(["param g: 3 constant(1)", "param c: 3 zeros", "param V: 3×1 zeros",
                                            "H = batchnorm(X, g, c) + batchnorm(X, g, c)", "yhat = H @ V", "loss: mean((yhat - t) ** 2)"])
        }
        #expect(twice.message.contains("second batchnorm") && twice.location?.line == 4 && twice.location?.column == 26, "\(twice)")
        let expression = try #require(throws: Diagnostic.self) {
            _ = try EngineTests.definition(["param g: 3 constant(1)", "param c: 3 zeros", "param V: 3×1 zeros",
                                            "H = batchnorm(X, g * 2, c)", "yhat = H @ V", "loss: mean((yhat - t) ** 2)"])
        }
        #expect(expression.message.contains("gamma must be a parameter") && expression.location?.column == 18, "\(expression)")
        let inLoss = try #require(throws: Diagnostic.self) {
            _ = try EngineTests.definition(["param g: 3 constant(1)", "param c: 3 zeros", "param V: 3×1 zeros",
                                            "yhat = X @ V", "loss: mean(batchnorm(X, g, c)) + mean((yhat - t) ** 2)"])
        }
        #expect(inLoss.message.contains("forward pass") && inLoss.location?.line == 5, "\(inLoss)")
    }
}
