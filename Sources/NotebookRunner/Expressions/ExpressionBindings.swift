import Synchronization

/// The standard names of `{gradcheck}` and `{eval}`: a data batch and the model's parameters.
///
/// - `X`: `samples` rows of the current data set's training split (or its test split with
///   `split: .test`, `:split: test` in a cell), N×inputs: the pixel
///   bytes times the trained model's `inputScale` (so `X @ W + b` are the model's logits),
///   or / 255 without a model; the rows are drawn without replacement, deterministically from `seed`.
/// - `y`: their labels (a vector); `Y`: the labels one-hot, N×classes; `t`: the targets, N×1
///   (the labels, or a regression's values); `N`: the row count.
/// - the latest model's parameters by their names (`W` inputs×classes and `b` for softmax
///   regression) when there is one, otherwise `W` and `b` random normal with standard deviation `weightScale`, from `seed`.
///
/// Names bound by earlier `{eval}` lines come on top and may shadow these.
public struct ExpressionBindings: Sendable {
    public var scope: ExpressionScope
    /// One line per group of names, saying where the values come from.
    public var descriptions: [String]
    /// The description of `X`, `y`, `Y`, `N` when the split has fewer rows than `samples`
    /// asked for (so all of them are bound), else nil.
    public var clamped: String?

    /// The standard deviation of random initial weights: small enough that softmax is far
    /// from saturated, large enough that its outputs are not all equal.
    public static let weightScale = 0.01

    /// The split `X`, `y`, `Y` and `N` are drawn from.
    public enum Split: String, CaseIterable, Sendable {
        case train, test
    }

    /// `model` is the model whose parameters and input scale are bound (default: the latest);
    /// `words` writes the descriptions in the page's language.
    init(state: NotebookState, samples: Int, seed: UInt64, split choice: Split = .train, model: (any Classifier)? = nil,
         words: CellStrings = CellStrings(language: "en")) {
        let model = model ?? state.model
        var scope = ExpressionScope(metrics: state.metrics)
        // rand and randn draw from the cell's seed, line after line.
        scope.random = RandomStream(seed: seed)
        var descriptions: [String] = []
        var inputs = 784, classes = 10
        let scale = model?.pixelScale ?? 1.0 / 255
        let chosen = state.dataset.flatMap { choice == .test ? $0.test : $0.train ?? $0.test }
        if let dataset = state.dataset, chosen == nil {
            let reason = "the data set '\(dataset.name)' has no \(choice.rawValue) split loaded"
            for name in ["X", "y", "Y", "t", "N"] { scope.unavailable[name] = reason }
            if let split = dataset.train ?? dataset.test { inputs = split.pixelCount }
        } else if let dataset = state.dataset, let split = chosen {
            let batch = split.tensors(samples: samples, seed: seed,
                                      classes: max(dataset.classNames.count, Int(split.labels.max() ?? 0) + 1), scale: scale)
            scope.values.merge(batch) { $1 }
            inputs = split.pixelCount
            classes = batch["Y"]!.cols
            let n = batch["X"]!.rows
            descriptions.append(words.batchBinding(rows: n, of: dataset.name, split: split.name,
                                                   allOf: n < samples ? NumberText.grouped(samples) : nil, seed: seed, scale: scale))
            if n < samples { self.clamped = descriptions.last }
        } else {
            let reason = "no data set is loaded; add a {load} cell before this one"
            for name in ["X", "y", "Y", "t", "N"] { scope.unavailable[name] = reason }
        }
        if let model {
            let parameters = model.parameterTensors
            for (name, value) in parameters { scope.values[name] = value }
            descriptions.append(words.parameterBinding(parameters.map(\.name).joined(separator: ", "), model: words.model(model.summary)))
        } else {
            let (w, b) = Self.randomParameters(inputs: inputs, classes: classes, seed: seed)
            scope.values["W"] = w
            scope.values["b"] = b
            descriptions.append(words.randomParameters(sd: Self.weightScale, seed: seed, shape: "\(inputs)×\(classes)"))
        }
        scope.values.merge(state.expressionBindings) { $1 }
        self.scope = scope
        self.descriptions = descriptions
    }

    /// Random normal `W` (inputs×classes) and `b` (classes) with `weightScale`.
    public static func randomParameters(inputs: Int, classes: Int, seed: UInt64) -> (Tensor, Tensor) {
        let key = RandomParameters.Key(inputs: inputs, classes: classes, seed: seed)
        if let last = RandomParameters.last.withLock({ $0 }), last.key == key { return (last.w, last.b) }
        var generator = Xoshiro256StarStar(seed: seed ^ 0x5EED_0F_0DE1)
        let w = Tensor(rows: inputs, cols: classes, data: (0..<inputs * classes).map { _ in generator.normal() * weightScale })
        let b = Tensor(vector: (0..<classes).map { _ in generator.normal() * weightScale })
        RandomParameters.last.withLock { $0 = RandomParameters(key: key, w: w, b: b) }
        return (w, b)
    }
}

/// The random parameters drawn last. Every `{eval}` cell and inline value without a model binds
/// `W` and `b` — 7,850 normal samples for MNIST's shape — and nearly all draw the same ones
/// (same shape, seed 0), so they are drawn once; one entry keeps the memory bounded.
private struct RandomParameters: Sendable {
    struct Key: Hashable, Sendable {
        var inputs: Int, classes: Int, seed: UInt64
    }

    var key: Key
    var w: Tensor
    var b: Tensor

    static let last = Mutex<RandomParameters?>(nil)
}
