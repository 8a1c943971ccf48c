/// Images of a split with the model's predictions: captions "true → predicted", wrong ones flagged.
public enum PredictionGrid {
    /// One prediction: the row, its true label and the predicted one.
    public struct Entry: Sendable, Hashable {
        public var index: Int
        public var label: Int
        public var prediction: Int
        public var isCorrect: Bool { label == prediction }
    }

    /// The model's predictions for `indices` of `split`.
    public static func entries(of model: any Classifier, on split: DataSplit, indices: [Int]) throws -> [Entry] {
        let chosen = DataSplit(name: split.name, images: indices.flatMap { split.image($0) },
                               labels: indices.map { split.labels[$0] }, count: indices.count,
                               rows: split.rows, cols: split.cols, sources: split.sources)
        let predictions = try model.predictions(on: chosen)
        return indices.enumerated().map { Entry(index: $1, label: Int(split.labels[$1]), prediction: Int(predictions[$0])) }
    }

    /// The first `count` rows from `start` the model gets wrong (or every row, with `onlyWrong` false).
    public static func indices(of model: any Classifier, on split: DataSplit, start: Int = 0, count: Int, onlyWrong: Bool) throws -> [Int] {
        guard onlyWrong else { return Array(start ..< min(split.count, start + count)) }
        let predictions = try model.predictions(on: split)
        var wrong: [Int] = []
        for index in start ..< split.count where predictions[index] != split.labels[index] {
            wrong.append(index)
            if wrong.count == count { break }
        }
        return wrong
    }

    /// Figures for `{show} predictions`: gray images captioned "true → predicted", wrong ones flagged.
    public static func figures(of model: any Classifier, on split: DataSplit, indices: [Int], dataset: Dataset,
                               displayScale: Int = 3, shrinkBy factor: Int = 1) throws -> [Figure] {
        try entries(of: model, on: split, indices: indices).map { entry in
            let image = Bitmap.gray(width: split.cols, height: split.rows, split.image(entry.index))
            let truth = dataset.className(entry.label), predicted = dataset.className(entry.prediction)
            let verdict = entry.isCorrect ? "correct" : "wrong"
            return try Figure(image, shrinkBy: factor, displayScale: displayScale,
                          caption: "\(truth) → \(predicted)",
                          alt: "\(split.name) image \(entry.index): \(truth), predicted \(predicted) (\(verdict))",
                          flagged: !entry.isCorrect)
        }
    }
}
