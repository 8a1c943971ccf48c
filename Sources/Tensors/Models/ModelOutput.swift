/// What a declared model predicts, told by the name its forward pass ends in: class
/// probabilities `P` (N×classes, targets `Y` one-hot and `y` labels), the probability `p` of
/// the positive class (N×1, targets `t` of 0 and 1 and `y`), or real values `yhat` (N×1,
/// targets `t`). Training, `{evaluate}`, the tables and the curves follow the kind.
public enum ModelOutput: String, Sendable, Hashable, Codable, CaseIterable {
    case classes
    case binary
    case regression

    /// The name the forward pass defines.
    public var name: String {
        switch self {
        case .classes: return "P"
        case .binary: return "p"
        case .regression: return "yhat"
        }
    }

    /// The kind whose output is called `name`.
    public static func named(_ name: String) -> ModelOutput? { allCases.first { $0.name == name } }

    /// What the output holds, for messages.
    public var meaning: String {
        switch self {
        case .classes: return "the class probabilities"
        case .binary: return "the probability of the positive class"
        case .regression: return "the predicted values"
        }
    }

    /// Columns of the output: one per class, or one.
    public func width(classes: Int) -> Int { self == .classes ? classes : 1 }

    /// The data's names a model of this kind reads besides its parameters.
    public var dataNames: [String] {
        switch self {
        case .classes: return ["X", "Y", "y", "N"]
        case .binary: return ["X", "t", "y", "N"]
        case .regression: return ["X", "t", "N"]
        }
    }

    /// The usual loss of this kind, as a `loss:` line writes it.
    public var usualLoss: String {
        switch self {
        case .classes: return "-mean(sum(Y * log(P), axis=1))"
        case .binary: return "-mean(t * log(p) + (1 - t) * log(1 - p))"
        case .regression: return "mean((yhat - t) ** 2)"
        }
    }

    /// How the forward pass usually ends.
    public var usualLastLine: String {
        switch self {
        case .classes: return "P = softmax(LOGITS)"
        case .binary: return "p = sigmoid(LOGIT)"
        case .regression: return "yhat = H @ w + b"
        }
    }
}

extension ModelOutput {
    /// The class a row of the output (`width` values) predicts: the most probable class, or 1
    /// when the positive class's probability is at least ½; nil for real values.
    public func predictedClass(_ row: UnsafePointer<Float>, width: Int) -> Int? {
        switch self {
        case .classes:
            var best = 0
            for c in 1..<width where row[c] > row[best] { best = c }
            return best
        case .binary:
            return row[0] >= 0.5 ? 1 : 0
        case .regression:
            return nil
        }
    }
}
