import Foundation

/// The softmax-regression loss and its analytic gradient in Float64: the reference the
/// `{gradcheck} softmax-regression` target checks against central differences.
///
/// With logits A = X W + b, P = softmax(A) row by row and one-hot targets Y:
/// J = −(1/N) Σ_n ln P_{n,y_n},  ∂J/∂W = Xᵀ (P − Y) / N,  ∂J/∂b = Σ_n (P_n − Y_n) / N.
/// `W` is inputs×classes row-major, as in `SoftmaxModel`.
public enum SoftmaxRegressionReference {
    /// Row-wise probabilities for the batch `x` (N×inputs).
    public static func probabilities(x: Tensor, w: Tensor, b: Tensor) throws -> Tensor {
        try Tensor.zip(try Tensor.matmul(x, w), b, "+", +).softmax()
    }

    /// The mean cross-entropy −(1/N) Σ ln P_{n,y_n}.
    public static func loss(x: Tensor, labels: [Int], w: Tensor, b: Tensor) throws -> Double {
        let p = try probabilities(x: x, w: w, b: b)
        var total = 0.0
        for (n, label) in labels.enumerated() { total -= Foundation.log(p[n, label]) }
        return total / Double(labels.count)
    }

    /// ∂J/∂W (inputs×classes) and ∂J/∂b (classes).
    public static func gradient(x: Tensor, labels: [Int], w: Tensor, b: Tensor) throws -> (w: Tensor, b: Tensor) {
        var residual = try probabilities(x: x, w: w, b: b)
        for (n, label) in labels.enumerated() { residual[n, label] -= 1 }
        let scale = 1 / Double(labels.count)
        let gw = try Tensor.matmul(x.transposed, residual).map { $0 * scale }
        let gb = try residual.reduce(.sum, axis: 0).map { $0 * scale }
        return (gw, gb)
    }
}
