/// A softmax-regression classifier: logits = x · W + b, probabilities = softmax(logits).
///
/// `x` is an image's pixels times `inputScale`: raw bytes 0…255 times 1/255 for a model
/// trained with normalised inputs (the default), or times 1 without.
///
/// `weights` is `inputs × classes`, row-major: the weight from input `j` to class `i`
/// is `weights[j * classes + i]`, the layout of `W` in `X @ W + b`.
public struct SoftmaxModel: Sendable, Hashable, Codable {
    public var inputs: Int
    public var classes: Int
    public var weights: [Float]
    public var bias: [Float]
    /// The factor pixel bytes are multiplied by before `x · W`.
    public var inputScale: Float

    public init(inputs: Int, classes: Int, weights: [Float], bias: [Float], inputScale: Float = 1 / 255) {
        precondition(weights.count == inputs * classes && bias.count == classes)
        self.inputs = inputs
        self.classes = classes
        self.weights = weights
        self.bias = bias
        self.inputScale = inputScale
    }

    /// A model with every weight and bias zero.
    public static func zeros(inputs: Int, classes: Int, inputScale: Float = 1 / 255) -> SoftmaxModel {
        SoftmaxModel(inputs: inputs, classes: classes,
                     weights: [Float](repeating: 0, count: inputs * classes),
                     bias: [Float](repeating: 0, count: classes), inputScale: inputScale)
    }
}
