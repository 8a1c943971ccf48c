import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// Each optimiser's steps against the textbook formulas, written out here independently of
/// `Optimizer` (PyTorch's `torch.optim` definitions), in Float64 and Float32.
@Suite struct OptimizerTests {
    /// `steps` steps of `optimizer` from `start` with the gradients `gradients(t, θ)`, by `Optimizer`.
    static func run<T: BinaryFloatingPoint>(_ optimizer: Optimizer, _ type: T.Type, start: [Double], steps: Int, lr: Double, decay: Double,
                                            gradient: (Int, [Double]) -> [Double]) -> [Double] {
        var theta = start.map { T($0) }
        var moments = [T](repeating: 0, count: max(1, start.count * optimizer.method.moments))
        for t in 1...steps {
            let g = gradient(t, theta.map { Double($0) }).map { T($0) }
            theta.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { gp in
                    moments.withUnsafeMutableBufferPointer { m in
                        optimizer.update(p.baseAddress!, gradient: gp.baseAddress!, count: p.count, moments: m.baseAddress!,
                                         step: t, learningRate: lr, decay: decay)
                    }
                }
            }
        }
        return theta.map { Double($0) }
    }

    /// The same steps as the formulas read, one parameter value at a time.
    static func textbook(_ optimizer: Optimizer, start: [Double], steps: Int, lr: Double, decay λ: Double,
                         gradient: (Int, [Double]) -> [Double]) -> [Double] {
        var θ = start
        var b = [Double](repeating: 0, count: start.count), m = b, v = b
        let (μ, β1, β2, α, ε) = (optimizer.momentum, optimizer.beta1, optimizer.beta2, optimizer.alpha, optimizer.epsilon)
        for t in 1...steps {
            let g = gradient(t, θ)
            for i in θ.indices {
                switch optimizer.method {
                case .sgd: θ[i] -= lr * (g[i] + λ * θ[i])
                case .momentum:
                    b[i] = μ * b[i] + (g[i] + λ * θ[i]); θ[i] -= lr * b[i]
                case .nesterov:
                    let d = g[i] + λ * θ[i]
                    b[i] = μ * b[i] + d; θ[i] -= lr * (d + μ * b[i])
                case .adam, .adamw:
                    // Kingma & Ba, Algorithm 1; AdamW decays θ first (Loshchilov & Hutter, as PyTorch does).
                    let d = optimizer.method == .adam ? g[i] + λ * θ[i] : g[i]
                    if optimizer.method == .adamw { θ[i] *= 1 - lr * λ }
                    m[i] = β1 * m[i] + (1 - β1) * d
                    v[i] = β2 * v[i] + (1 - β2) * d * d
                    let mHat = m[i] / (1 - pow(β1, Double(t))), vHat = v[i] / (1 - pow(β2, Double(t)))
                    θ[i] -= lr * mHat / (vHat.squareRoot() + ε)
                case .rmsprop:
                    let d = g[i] + λ * θ[i]
                    v[i] = α * v[i] + (1 - α) * d * d
                    θ[i] -= lr * d / (v[i].squareRoot() + ε)
                }
            }
        }
        return θ
    }

    /// The gradient of ½‖Aθ − c‖² for a fixed small A and c: a quadratic bowl.
    static func bowl(_ t: Int, _ θ: [Double]) -> [Double] {
        let a: [[Double]] = [[2, 0.5, 0], [0.5, 1, -0.3], [0, -0.3, 0.2]], c = [1.0, -2, 0.5]
        let r = (0..<3).map { i in (0..<3).reduce(-c[i]) { $0 + a[i][$1] * θ[$1] } }
        return (0..<3).map { j in (0..<3).reduce(0) { $0 + a[$1][j] * r[$1] } }
    }

    static let methods: [Optimizer] = [Optimizer(.sgd), Optimizer(.momentum, momentum: 0.8), Optimizer(.nesterov, momentum: 0.7),
                                       Optimizer(.adam, beta1: 0.8, beta2: 0.99), Optimizer(.adamw), Optimizer(.rmsprop, alpha: 0.9, epsilon: 1e-6)]

    @Test(arguments: methods) func stepsAreTheTextbookFormulas(_ optimizer: Optimizer) {
        let start = [0.3, -0.7, 1.1]
        for decay in [0.0, 0.05] {
            let expected = Self.textbook(optimizer, start: start, steps: 25, lr: 0.05, decay: decay, gradient: Self.bowl)
            let double = Self.run(optimizer, Double.self, start: start, steps: 25, lr: 0.05, decay: decay, gradient: Self.bowl)
            let float = Self.run(optimizer, Float.self, start: start, steps: 25, lr: 0.05, decay: decay, gradient: Self.bowl)
            #expect(zip(double, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(optimizer.method) λ \(decay): \(double) vs \(expected)")
            #expect(zip(float, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(optimizer.method) λ \(decay) Float32: \(float) vs \(expected)")
            #expect(expected != start)
        }
    }

    /// Adam's first step moves every value by the learning rate against its gradient's sign
    /// (m̂ = g and v̂ = g², bias correction taking out the zero start), whatever the gradient's size.
    @Test func adamsFirstStepIsTheLearningRateAgainstTheSign() {
        let gradients = [3.0, -1e-3, 250, -0.5]
        let after = Self.run(Optimizer(.adam), Float.self, start: [0, 0, 0, 0], steps: 1, lr: 0.001, decay: 0) { _, _ in gradients }
        #expect(zip(after, gradients).allSatisfy { abs($0 + 0.001 * ($1 > 0 ? 1 : -1)) < 1e-7 }, "\(after)")
    }

    /// Momentum under a constant gradient g accumulates b_t = g (1 − μᵗ)/(1 − μ).
    @Test func momentumAccumulatesTheGeometricSum() {
        let after = Self.run(Optimizer(.momentum, momentum: 0.9), Double.self, start: [0], steps: 10, lr: 1, decay: 0) { _, _ in [1] }
        let expected = -(1...10).reduce(0.0) { $0 + (1 - pow(0.9, Double($1))) / 0.1 }
        #expect(abs(after[0] - expected) < 1e-12)
    }

    /// AdamW's decay is decoupled: with no gradient the values shrink by (1 − lr·λ) each step;
    /// Adam's L2 decay goes through the moments, so the same values move by about lr each step.
    @Test func adamwDecaysApartFromTheGradient() {
        let adamw = Self.run(Optimizer(.adamw), Double.self, start: [2], steps: 3, lr: 0.1, decay: 0.5) { _, _ in [0] }
        #expect(abs(adamw[0] - 2 * pow(0.95, 3)) < 1e-12)
        let adam = Self.run(Optimizer(.adam), Double.self, start: [2], steps: 3, lr: 0.1, decay: 0.5) { _, _ in [0] }
        #expect(abs(adam[0] - 1.7) < 2e-3, "\(adam)")
    }
}

/// The memory a training run needs, checked before it starts, counts the optimiser's state.
@Suite struct OptimizerMemoryTests {
    @Test func adamsStateCountsAgainstTheMemoryLimit() throws {
        let split = ExpressionTestSupport.dataset(count: 23).train!
        // 16×20,000 + 20,000×10 weights: each copy of the parameters is 2.2 MB.
        let definition = try EngineTests.definition(["param W1: inputs×20000 normal(0.01)", "param W2: 20000×classes normal(0.01)",
                                                     "P = softmax(relu(X @ W1) @ W2)", "loss: -mean(sum(Y * log(P), axis=1))"])
        let start = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: 1, as: Float.self)
        func train(_ method: Optimizer.Method, megabytes: Int) throws {
            var configuration = TrainingConfiguration(learningRate: 0.01, batchSize: .rows(1), length: .steps(1), threads: 1)
            configuration.optimizer = Optimizer(method)
            _ = try ModelTrainer(definition: definition, configuration: configuration, gradients: .automatic, shuffles: true,
                                 pixelScale: 1 / 255, memoryBudget: MemoryBudget(bytes: megabytes * 1_000_000))
                .train(from: start, on: split, test: nil, classes: 10)
        }
        try train(.sgd, megabytes: 12)
        let refused = DataFixtures.diagnostic { try train(.adam, megabytes: 12) }
        let message = try #require(refused?.message)
        #expect(message.contains("adam's state, 2 values per parameter, and its copy 8.3 MB"), "\(message)")
        #expect(refused?.hint?.contains("sgd keeps none") == true)
        try train(.adam, megabytes: 24)
        let momentum = DataFixtures.diagnostic { try train(.momentum, megabytes: 12) }
        #expect(momentum?.message.contains("momentum's state, 1 value per parameter, and its copy 4.2 MB") == true, "\(momentum?.message ?? "")")
    }
}
