/// Batch normalisation of each column, written once for any floating-point type: the Float64
/// interpreter and the Float32 engine run this same code (`LayerOp.batchnorm`).
///
/// For rows x (N×D), each column j is normalised, x̂ = (x − μ_j) / √(σ²_j + ε), and
/// out = x̂ ⊙ γ + β. While training, μ and σ² are the batch's mean and variance over its N rows
/// (σ² over N, not N − 1); when evaluating they are the running statistics, which each training
/// step moves towards the batch's, as PyTorch's `BatchNorm1d` does:
/// running ← (1 − 0.1) · running + 0.1 · batch, with the batch's variance over N − 1 (unbiased).
///
/// Gradients from the upstream gradient u of out: ∂β = Σ_rows u, ∂γ = Σ_rows u ⊙ x̂, and
/// ∂x = γ/√(σ² + ε) · (u − mean u − x̂ · mean(u ⊙ x̂)) with the batch's statistics (the means over the
/// rows, column by column), or γ/√(σ² + ε) · u with running statistics (constants then).
public enum BatchNormalization {
    /// ε, as PyTorch's `BatchNorm1d` defaults it.
    public static let epsilon = 1e-5
    /// The share of the batch's statistics a training step moves the running ones by (PyTorch's momentum).
    public static let momentum = 0.1

    /// The names of the running statistics of the `batchnorm` bound by the forward statement `name`.
    public static func meanName(_ name: String) -> String { name + ".running_mean" }
    public static func varianceName(_ name: String) -> String { name + ".running_var" }

    /// Each column's mean and variance over `rows` rows of `width` values, the variance over
    /// N (`unbiased` false) or N − 1 (`unbiased`, and N > 1).
    static func columnStatistics<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, rows: Int, width: Int, unbiased: Bool) -> (mean: [T], variance: [T]) {
        var mean = [T](repeating: 0, count: width), variance = [T](repeating: 0, count: width)
        for i in 0..<rows { for j in 0..<width { mean[j] += x[i * width + j] } }
        for j in 0..<width { mean[j] /= T(max(rows, 1)) }
        for i in 0..<rows { for j in 0..<width { let d = x[i * width + j] - mean[j]; variance[j] += d * d } }
        let divisor = T(unbiased && rows > 1 ? rows - 1 : max(rows, 1))
        for j in 0..<width { variance[j] /= divisor }
        return (mean, variance)
    }

    /// The mean and 1/√(σ² + ε) of each column: the batch's, or the running ones `mean` and `variance`.
    private static func normalisers<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ mean: UnsafePointer<T>, _ variance: UnsafePointer<T>,
                                                            batch: Bool, rows: Int, width: Int) -> (mean: [T], inverse: [T]) {
        let statistics: (mean: [T], variance: [T]) = batch ? columnStatistics(x, rows: rows, width: width, unbiased: false)
            : ((0..<width).map { mean[$0] }, (0..<width).map { variance[$0] })
        return (statistics.mean, statistics.variance.map { 1 / ($0 + T(epsilon)).squareRoot() })
    }

    /// out = x̂ ⊙ γ + β, normalised with the batch's statistics (`batch`) or the running `mean` and `variance`.
    static func forward<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ gamma: UnsafePointer<T>, _ beta: UnsafePointer<T>,
                                               mean: UnsafePointer<T>, variance: UnsafePointer<T>, batch: Bool,
                                               into out: UnsafeMutablePointer<T>, rows: Int, width: Int) {
        let (mu, inverse) = normalisers(x, mean, variance, batch: batch, rows: rows, width: width)
        for i in 0..<rows {
            for j in 0..<width { out[i * width + j] = (x[i * width + j] - mu[j]) * inverse[j] * gamma[j] + beta[j] }
        }
    }

    /// The gradient of input `which` (0: x, 1: γ, 2: β) from the upstream gradient `u`, into `result`.
    static func gradient<T: BinaryFloatingPoint>(_ which: Int, _ x: UnsafePointer<T>, _ gamma: UnsafePointer<T>,
                                                mean: UnsafePointer<T>, variance: UnsafePointer<T>, batch: Bool,
                                                upstream u: UnsafePointer<T>, into result: UnsafeMutablePointer<T>, rows: Int, width: Int) {
        let (mu, inverse) = normalisers(x, mean, variance, batch: batch, rows: rows, width: width)
        switch which {
        case 2:
            result.update(repeating: 0, count: width)
            for i in 0..<rows { for j in 0..<width { result[j] += u[i * width + j] } }
        case 1:
            result.update(repeating: 0, count: width)
            for i in 0..<rows { for j in 0..<width { result[j] += u[i * width + j] * (x[i * width + j] - mu[j]) * inverse[j] } }
        default:
            var meanU = [T](repeating: 0, count: width), meanUX = [T](repeating: 0, count: width)
            if batch {
                for i in 0..<rows {
                    for j in 0..<width {
                        meanU[j] += u[i * width + j]
                        meanUX[j] += u[i * width + j] * (x[i * width + j] - mu[j]) * inverse[j]
                    }
                }
                for j in 0..<width { meanU[j] /= T(rows); meanUX[j] /= T(rows) }
            }
            for i in 0..<rows {
                for j in 0..<width {
                    let normalised = (x[i * width + j] - mu[j]) * inverse[j]
                    result[i * width + j] = gamma[j] * inverse[j] * (u[i * width + j] - meanU[j] - normalised * meanUX[j])
                }
            }
        }
    }

    /// Moves the running `mean` and `variance` (`width` values each) towards the statistics of
    /// the batch `x` (`rows` × `width`): the step's update, after its forward pass.
    public static func update<T: BinaryFloatingPoint>(mean: UnsafeMutablePointer<T>, variance: UnsafeMutablePointer<T>,
                                                      from x: UnsafePointer<T>, rows: Int, width: Int) {
        let batch = columnStatistics(x, rows: rows, width: width, unbiased: true)
        let m = T(momentum)
        for j in 0..<width {
            mean[j] = (1 - m) * mean[j] + m * batch.mean[j]
            variance[j] = (1 - m) * variance[j] + m * batch.variance[j]
        }
    }
}

/// The batches `batchnorm` met while training in the interpreter: each call's input, under the
/// name of the statement that binds it, for the caller to move the running statistics with
/// (`BatchNormalization.update`). A reference type so a scope's copies share it.
public final class BatchStatisticsLog: @unchecked Sendable {
    /// The inputs, in the order they were normalised.
    public private(set) var inputs: [(name: String, x: Tensor)] = []

    public init() {}

    func record(_ name: String, _ x: Tensor) { inputs.append((name, x)) }
}
