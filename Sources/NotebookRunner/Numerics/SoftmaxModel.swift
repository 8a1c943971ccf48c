/// A softmax-regression classifier: logits = x · W + b, probabilities = softmax(logits).
///
/// `weights` is `inputs × classes`, row-major: the weight from input `j` to class `i`
/// is `weights[j * classes + i]`, the layout of `W` in `X @ W + b`.
public struct SoftmaxModel: Sendable, Hashable, Codable {
    public var inputs: Int
    public var classes: Int
    public var weights: [Float]
    public var bias: [Float]

    public init(inputs: Int, classes: Int, weights: [Float], bias: [Float]) {
        precondition(weights.count == inputs * classes && bias.count == classes)
        self.inputs = inputs
        self.classes = classes
        self.weights = weights
        self.bias = bias
    }

    /// A model with every weight and bias zero.
    public static func zeros(inputs: Int, classes: Int) -> SoftmaxModel {
        SoftmaxModel(inputs: inputs, classes: classes,
                     weights: [Float](repeating: 0, count: inputs * classes),
                     bias: [Float](repeating: 0, count: classes))
    }
}
