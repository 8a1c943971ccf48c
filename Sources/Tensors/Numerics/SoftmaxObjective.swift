/// The mean cross-entropy of a softmax-regression model and its analytic gradient, computed plainly.
///
/// The reference for the fast kernel and for gradient checks: no SIMD, no threads,
/// any precision. For inputs X (n × d), labels y, weights W (d × k), bias b:
///
///     L = (1/n) Σᵣ −log softmax(xᵣW + b)_{yᵣ}  (+ λ/2 ‖W‖² with weight decay λ)
///     G = (softmax(XW + b) − onehot(y)) / n
///     ∂L/∂W = XᵀG (+ λW),  ∂L/∂b = Σᵣ Gᵣ
struct SoftmaxObjective<T: RealScalar>: Sendable {
    var inputs: Matrix<T>
    var labels: [Int]
    var weightDecay: T

    init(inputs: Matrix<T>, labels: [Int], weightDecay: T = 0) {
        precondition(inputs.rows == labels.count, "one label per input row")
        self.inputs = inputs
        self.labels = labels
        self.weightDecay = weightDecay
    }

    /// The inputs of a data split's rows as pixels × `scale` (1/255 normalises).
    init(split: DataSplit, rows: Range<Int>, scale: T, weightDecay: T = 0) {
        let pixels = split.pixelCount
        let elements = split.images[rows.lowerBound * pixels ..< rows.upperBound * pixels].map { T($0) * scale }
        self.init(inputs: Matrix(rows: rows.count, cols: pixels, elements: elements),
                  labels: split.labels[rows].map(Int.init), weightDecay: weightDecay)
    }

    /// The loss and its gradient with respect to `weights` (d × k) and `bias` (k).
    func evaluate(weights: Matrix<T>, bias: [T]) -> (loss: T, weightGradient: Matrix<T>, biasGradient: [T]) {
        precondition(weights.rows == inputs.cols && bias.count == weights.cols, "shapes do not match")
        let n = T(inputs.rows)
        var logits = inputs.multiplied(by: weights)
        var loss: T = 0
        for r in 0..<logits.rows {
            var row = logits.row(r)
            for c in row.indices { row[c] += bias[c] }
            loss += Softmax.crossEntropy(logits: row, label: labels[r])
            let gradient = Softmax.crossEntropyGradient(logits: row, label: labels[r])
            for c in row.indices { logits[r, c] = gradient[c] / n }
        }
        loss /= n
        var weightGradient = inputs.transposed.multiplied(by: logits)
        if weightDecay != 0 {
            var squares: T = 0
            for i in weights.elements.indices {
                squares += weights.elements[i] * weights.elements[i]
                weightGradient.elements[i] += weightDecay * weights.elements[i]
            }
            loss += weightDecay / 2 * squares
        }
        var biasGradient = [T](repeating: 0, count: bias.count)
        for r in 0..<logits.rows {
            for c in 0..<logits.cols { biasGradient[c] += logits[r, c] }
        }
        return (loss, weightGradient, biasGradient)
    }

    /// The same for a `SoftmaxModel`, in this objective's precision.
    func evaluate(_ model: SoftmaxModel) -> (loss: T, weightGradient: Matrix<T>, biasGradient: [T]) {
        evaluate(weights: Matrix(rows: model.inputs, cols: model.classes, elements: model.weights.map { T($0) }),
                 bias: model.bias.map { T($0) })
    }
}
