/// Numerically stable softmax, log-softmax and cross-entropy on one vector of logits.
///
/// Every function first subtracts the largest logit m: softmax(z) = exp(z − m) / Σ exp(z − m)
/// is unchanged by the shift, and exp never overflows. log-softmax is z − m − log Σ exp(z − m),
/// and the cross-entropy of label y is −log-softmax(z)_y = log Σ exp(z − m) − (z_y − m).
enum Softmax {
    /// The probabilities softmax(z): non-negative, summing to 1.
    static func probabilities<T: RealScalar>(_ logits: [T]) -> [T] {
        let m = logits.max() ?? 0
        let exps = logits.map { T.exponential($0 - m) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    /// log softmax(z), computed without forming the probabilities.
    static func logProbabilities<T: RealScalar>(_ logits: [T]) -> [T] {
        let m = logits.max() ?? 0
        let logSum = T.logarithm(logits.reduce(T(0)) { $0 + T.exponential($1 - m) })
        return logits.map { $0 - m - logSum }
    }

    /// The cross-entropy −log softmax(z)_label.
    static func crossEntropy<T: RealScalar>(logits: [T], label: Int) -> T {
        precondition(logits.indices.contains(label), "label \(label) outside 0..<\(logits.count)")
        let m = logits.max() ?? 0
        let logSum = T.logarithm(logits.reduce(T(0)) { $0 + T.exponential($1 - m) })
        return logSum - (logits[label] - m)
    }

    /// The gradient of the cross-entropy with respect to the logits: softmax(z) − onehot(label).
    static func crossEntropyGradient<T: RealScalar>(logits: [T], label: Int) -> [T] {
        var gradient = probabilities(logits)
        gradient[label] -= 1
        return gradient
    }
}
