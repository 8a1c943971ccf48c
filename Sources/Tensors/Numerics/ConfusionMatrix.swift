/// Counts of (true class, predicted class) pairs, and the accuracies they give.
public struct ConfusionMatrix: Sendable, Hashable {
    public let classes: Int
    /// `counts[truth][prediction]`.
    public private(set) var counts: [[Int]]

    public init(classes: Int) {
        self.classes = classes
        counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    /// Tallies `labels` against `predictions` (values must lie in `0..<classes`).
    public init(labels: [UInt8], predictions: [UInt8], classes: Int) {
        precondition(labels.count == predictions.count, "one prediction per label")
        self.init(classes: classes)
        for (truth, prediction) in zip(labels, predictions) {
            counts[Int(truth)][Int(prediction)] += 1
        }
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { (0..<classes).reduce(0) { $0 + counts[$1][$1] } }
    /// Correct / total, 0 when empty.
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Rows of class `label`.
    public func support(_ label: Int) -> Int { counts[label].reduce(0, +) }

    /// The share of class `label`'s rows predicted correctly (recall), nil when it has none.
    public func accuracy(ofClass label: Int) -> Double? {
        let n = support(label)
        return n == 0 ? nil : Double(counts[label][label]) / Double(n)
    }

    /// Of the rows predicted `label`, the share that are (precision), nil when none is.
    public func precision(ofClass label: Int) -> Double? {
        let predicted = (0..<classes).reduce(0) { $0 + counts[$1][label] }
        return predicted == 0 ? nil : Double(counts[label][label]) / Double(predicted)
    }
}
