/// A trained (or initialised) image classifier in the notebook's state.
///
/// `{evaluate}`, `{show} predictions`, `{show} weights` and the expression bindings
/// `W`, `b`, … work with any model through this protocol.
public protocol Classifier: StateValue {
    /// Pixels per image the model takes.
    var inputs: Int { get }
    var classes: Int { get }
    /// What pixel bytes are multiplied by before they enter the model (1/255 when normalised).
    var pixelScale: Double { get }
    /// A short description for outputs, e.g. `softmax regression (784 → 10)`.
    var summary: String { get }
    /// The parameters by the names formulas use (`W`, `b`, or `W1`, `b1`, …), in Float64.
    var parameterTensors: [(name: String, value: Tensor)] { get }
    /// The weights from the inputs to the first layer's units, `inputs × units` row-major:
    /// what `{show} weights` draws, one image per unit.
    var inputWeights: (units: Int, weights: [Float]) { get }

    /// The predicted class of every image of `split` (whose images have `inputs` pixels).
    func predictions(on split: DataSplit) throws -> [UInt8]
}

extension SoftmaxModel: Classifier {
    public var pixelScale: Double {
        // Exactly 1/255 for a normalised model (the Float value 1/255 is not).
        inputScale == Float(1) / 255 ? 1.0 / 255 : Double(inputScale)
    }

    public var summary: String { "softmax regression (\(inputs) → \(classes))" }

    public var parameterTensors: [(name: String, value: Tensor)] {
        [("W", Tensor(rows: inputs, cols: classes, data: weights.map(Double.init))),
         ("b", Tensor(vector: bias.map(Double.init)))]
    }

    public var inputWeights: (units: Int, weights: [Float]) { (classes, weights) }

    public func predictions(on split: DataSplit) -> [UInt8] {
        Predictor.predictions(of: self, on: split)
    }
}
