/// How well real-valued predictions fit their targets: the mean squared error, its root and
/// the coefficient of determination R² = 1 − Σ(ŷ − t)² / Σ(t − t̄)² (1 is a perfect fit, 0
/// no better than predicting the mean; nil when the targets are all equal).
public struct RegressionFit: Sendable, Hashable {
    public var count: Int
    public var meanSquaredError: Double
    public var rSquared: Double?

    public var rootMeanSquaredError: Double { meanSquaredError.squareRoot() }

    public init(predicted: [Double], actual: [Double]) {
        precondition(predicted.count == actual.count)
        count = actual.count
        guard count > 0 else { meanSquaredError = 0; rSquared = nil; return }
        let mean = actual.reduce(0, +) / Double(count)
        var residual = 0.0, total = 0.0
        for (p, t) in zip(predicted, actual) {
            residual += (p - t) * (p - t)
            total += (t - mean) * (t - mean)
        }
        meanSquaredError = residual / Double(count)
        rSquared = total > 0 ? 1 - residual / total : nil
    }
}
