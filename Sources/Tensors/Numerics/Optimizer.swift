import Foundation

/// How a gradient step changes the parameters: plain SGD, SGD with (Nesterov) momentum,
/// Adam, AdamW or RMSprop, with PyTorch's definitions (`torch.optim`), so a recipe written
/// for PyTorch trains the same way here. With gradient g_t of step t (1-based), learning
/// rate η and weight decay λ (for matrices only: biases are not decayed):
///
/// - sgd:       θ ← θ − η (g + λθ)
/// - momentum:  b ← μ b + (g + λθ);  θ ← θ − η b                      (b starts at 0)
/// - nesterov:  b ← μ b + (g + λθ);  θ ← θ − η ((g + λθ) + μ b)
/// - adam:      g' = g + λθ;  m ← β₁ m + (1 − β₁) g';  v ← β₂ v + (1 − β₂) g'²;
///              θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)          (Kingma & Ba, with L2)
/// - adamw:     θ ← θ (1 − ηλ), then adam's step with g' = g            (Loshchilov & Hutter)
/// - rmsprop:   g' = g + λθ;  v ← α v + (1 − α) g'²;  θ ← θ − η g' / (√v + ε)
///
/// The moments (`b`; `m` and `v`; `v`) and the step count t are the optimiser's state,
/// which continues when training continues (`OptimizerState`).
public struct Optimizer: Sendable, Hashable, Codable {
    public enum Method: String, CaseIterable, Sendable, Codable {
        case sgd, momentum, nesterov, adam, adamw, rmsprop

        /// Values of state per parameter value: the moments the method keeps.
        public var moments: Int {
            switch self {
            case .sgd: return 0
            case .momentum, .nesterov, .rmsprop: return 1
            case .adam, .adamw: return 2
            }
        }
    }

    public var method: Method
    /// μ of momentum and nesterov.
    public var momentum: Double
    /// β₁ and β₂ of adam and adamw.
    public var beta1: Double
    public var beta2: Double
    /// α of rmsprop: how much of the running mean of g² each step keeps.
    public var alpha: Double
    /// ε of adam, adamw and rmsprop, added to the root of the second moment.
    public var epsilon: Double

    public init(_ method: Method = .sgd, momentum: Double = 0.9, beta1: Double = 0.9, beta2: Double = 0.999,
                alpha: Double = 0.99, epsilon: Double = 1e-8) {
        self.method = method
        self.momentum = momentum
        self.beta1 = beta1
        self.beta2 = beta2
        self.alpha = alpha
        self.epsilon = epsilon
    }

    /// One step on `count` parameter values: `theta` moves against `gradient`; `moments`
    /// holds `method.moments × count` values (the first moment, then the second), updated in
    /// place; `step` is t, the 1-based count of steps taken including this one; `decay` is λ
    /// (0 for a bias). One pass over the values, the same in Float32 (the engine) and Float64
    /// (the interpreter). `range` (default all) steps only those values: each value's step
    /// reads nothing but its own, so ranges stepped side by side give the same bits.
    @inlinable
    public func update<T: BinaryFloatingPoint>(_ theta: UnsafeMutablePointer<T>, gradient: UnsafePointer<T>, count: Int,
                                               moments: UnsafeMutablePointer<T>, step: Int, learningRate: Double, decay: Double,
                                               range: Range<Int>? = nil) {
        let lr = T(learningRate), lambda = T(decay)
        let values = range ?? 0..<count
        switch method {
        case .sgd:
            for i in values { theta[i] -= lr * (gradient[i] + lambda * theta[i]) }
        case .momentum, .nesterov:
            let mu = T(momentum), nesterov = method == .nesterov
            for i in values {
                let g = gradient[i] + lambda * theta[i]
                let b = mu * moments[i] + g
                moments[i] = b
                theta[i] -= lr * (nesterov ? g + mu * b : b)
            }
        case .adam, .adamw:
            let t = Double(max(1, step))
            let stepSize = T(learningRate / (1 - pow(beta1, t)))
            let correction = T((1 - pow(beta2, t)).squareRoot())
            let b1 = T(beta1), b2 = T(beta2), eps = T(epsilon)
            let coupled = method == .adam ? lambda : 0
            let shrink = method == .adamw ? 1 - lr * lambda : 1
            let m = moments, v = moments + count
            var done = values.lowerBound
            if T.self == Float.self {
                let first = values.lowerBound
                done += Self.adamVectors(UnsafeMutableRawPointer(theta + first).assumingMemoryBound(to: Float.self),
                                         gradient: UnsafeRawPointer(gradient + first).assumingMemoryBound(to: Float.self),
                                         m: UnsafeMutableRawPointer(m + first).assumingMemoryBound(to: Float.self),
                                         v: UnsafeMutableRawPointer(v + first).assumingMemoryBound(to: Float.self), count: values.count,
                                         coupled: Float(coupled), shrink: Float(shrink), beta1: Float(b1), beta2: Float(b2),
                                         stepSize: Float(stepSize), correction: Float(correction), epsilon: Float(eps))
            }
            for i in done..<values.upperBound {
                let g = gradient[i] + coupled * theta[i]
                let first = b1 * m[i] + (1 - b1) * g
                let second = b2 * v[i] + (1 - b2) * g * g
                m[i] = first
                v[i] = second
                theta[i] = theta[i] * shrink - stepSize * first / (second.squareRoot() / correction + eps)
            }
        case .rmsprop:
            let a = T(alpha), eps = T(epsilon)
            for i in values {
                let g = gradient[i] + lambda * theta[i]
                let square = a * moments[i] + (1 - a) * g * g
                moments[i] = square
                theta[i] -= lr * g / (square.squareRoot() + eps)
            }
        }
    }
}

/// Where an optimiser stands after training: its method, the steps taken and each trained
/// parameter's moments (`method.moments × count` values, Float32 as the engine keeps them).
/// Training that continues from a model (`:from:`) continues from its state when the method
/// is the same; the cache stores it with the model.
public struct OptimizerState: Sendable, Hashable {
    public var method: Optimizer.Method
    public var steps: Int
    public var moments: [String: [Float]]

    public init(method: Optimizer.Method, steps: Int = 0, moments: [String: [Float]] = [:]) {
        self.method = method
        self.steps = steps
        self.moments = moments
    }

    /// Bytes of state `method` keeps for `parameters` values.
    public static func bytes(_ method: Optimizer.Method, parameters: Int) -> Int {
        method.moments * parameters * MemoryLayout<Float>.stride
    }
}
