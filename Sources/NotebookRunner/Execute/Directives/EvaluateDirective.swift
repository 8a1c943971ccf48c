import Foundation

/// `{evaluate}`: a model's accuracy on a split, per class and as a confusion matrix — for a
/// binary model (`p`) the 2×2 matrix with the positive class's precision and recall; for a
/// model of real values (`yhat`) its mean squared error, RMSE and R², predicted against true
/// values and the residuals.
///
/// ````
/// ```{evaluate}
/// :split: test             ← or train
/// :model: train            ← the model trained by the cell labelled train (default: the latest)
/// ```
/// ````
/// Records `accuracy`, `correct`, `count` and `accuracy_class_N` for each class N (a binary
/// model also `precision` and `recall`); a model of real values `mse`, `rmse`, `r2` and `count`.
public struct EvaluateDirective: Directive {
    static let split = DirectiveOption.choice("split", ["test", "train"], default: "test", help: "The split to evaluate on.")

    public static let spec = DirectiveSpec(
        name: "evaluate",
        arguments: .none,
        summary: "Measures a model on a split: accuracy, per-class accuracy and a confusion matrix (with precision and recall for a binary model), or for a model of real values MSE, RMSE, R², predicted-vs-true and residual plots.",
        options: [split.declaration, DirectiveOption.dataset.declaration, DirectiveOption.model.declaration])

    let splitName: String
    let datasetName: String?
    let modelName: String?

    public init(cell: Cell, options: OptionValues) throws {
        splitName = try options.value(Self.split)
        datasetName = try options.given(.dataset)
        modelName = try options.given(.model)
    }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        let model = try context.model(named: modelName)
        let dataset = try context.dataset(named: datasetName)
        let split = try context.split(splitName, of: dataset, purpose: "evaluate on")
        try context.checkInputs(of: model, match: split, dataset: dataset)
        if let label = split.labels.first(where: { Int($0) >= model.classes }) {
            throw Diagnostic.error("the \(splitName) split has label \(label) but the model knows \(model.classes) classes",
                                   at: context.cell.directiveLocation)
        }
        context.progress("evaluating on \(split.count) \(splitName) images")
        try context.checkCancelled()
        let output = (model as? DeclaredModel)?.definition.output ?? .classes
        if output == .regression, let model = model as? DeclaredModel {
            return Self.outputs(values: try model.outputs(on: split), split: split, words: context.words)
        }
        let matrix = ConfusionMatrix(labels: split.labels, predictions: try model.predictions(on: split), classes: model.classes)
        var outputs = Self.outputs(matrix, dataset: dataset, split: split, words: context.words)
        if output == .binary, matrix.classes == 2 {
            let precision = matrix.precision(ofClass: 1), recall = matrix.accuracy(ofClass: 1)
            outputs.items.insert(.text(context.words.binaryScores(positive: dataset.className(1), precision: precision.map { NumberText.fixed($0) } ?? "–",
                                                                  recall: recall.map { NumberText.fixed($0) } ?? "–")), at: 1)
            if let precision { outputs.record("precision", precision) }
            if let recall { outputs.record("recall", recall) }
        }
        return outputs
    }

    /// The most points a scatter plot draws (evenly spaced rows beyond that).
    static let plottedPoints = 1000

    /// A model of real values: its fit, predicted against true values, and the residuals.
    static func outputs(values: [Float], split: DataSplit, words: CellStrings) -> CellOutputs {
        let predicted = values.map(Double.init), actual = (0..<split.count).map(split.target)
        let fit = RegressionFit(predicted: predicted, actual: actual)
        var outputs = CellOutputs()
        outputs.append(.text(words.fit(on: split.name, rows: NumberText.grouped(split.count), mse: NumberText.fixed(fit.meanSquaredError),
                                       rmse: NumberText.fixed(fit.rootMeanSquaredError), r2: fit.rSquared.map { NumberText.fixed($0) } ?? "–")))
        let stride = max(1, (split.count + plottedPoints - 1) / plottedPoints)
        let shown = Array(Swift.stride(from: 0, to: split.count, by: stride))
        let low = min(actual.min() ?? 0, predicted.min() ?? 0), high = max(actual.max() ?? 1, predicted.max() ?? 1)
        let pairs = LineChart.Series(name: words.rows, points: shown.map { (actual[$0], predicted[$0]) }, color: "#2166ac", scatter: true)
        let diagonal = LineChart.Series(name: words.perfectFit, points: [(low, low), (high, high)], color: "#999999", dashed: true)
        let residuals = LineChart.Series(name: words.rows, points: shown.map { (predicted[$0], predicted[$0] - actual[$0]) }, color: "#b2182b",
                                         scatter: true)
        let zero = LineChart.Series(name: "0", points: [(predicted.min() ?? 0, 0), (predicted.max() ?? 1, 0)], color: "#999999", dashed: true)
        let title = words.predictedAgainstTrue(split.name) + "; " + words.residualsPlot(split.name)
        let chart = LineChart(title: title, panels: [
            .init(title: words.predictedVsTruePanel, xLabel: words.trueValue, yLabel: words.predictedValue, series: [diagonal, pairs]),
            .init(title: words.residualsPanel, xLabel: words.predictedValue, yLabel: words.residual, series: [zero, residuals]),
        ])
        outputs.append(.svg(SVGFigure(svg: chart.svg, title: title)))
        outputs.record("mse", fit.meanSquaredError)
        outputs.record("rmse", fit.rootMeanSquaredError)
        if let r2 = fit.rSquared { outputs.record("r2", r2) }
        outputs.record("count", Double(fit.count))
        return outputs
    }

    static func outputs(_ matrix: ConfusionMatrix, dataset: Dataset, split: DataSplit,
                        words: CellStrings = CellStrings(language: "en")) -> CellOutputs {
        var outputs = CellOutputs()
        let names = (0..<matrix.classes).map { dataset.className($0) }
        outputs.append(.text(words.accuracy(on: split.name, value: NumberText.fixed(matrix.accuracy),
                                            correct: NumberText.grouped(matrix.correct), total: NumberText.grouped(matrix.total))))
        let rows = (0..<matrix.classes).map { label -> [String] in
            [names[label], NumberText.grouped(matrix.support(label)), NumberText.grouped(matrix.counts[label][label]),
             matrix.accuracy(ofClass: label).map { NumberText.fixed($0) } ?? "–"]
        }
        outputs.append(.table(.numeric(caption: words.accuracyByClass(split.name),
                                       header: [words.className, words.images, words.correct, words.accuracy], rows: rows)))
        let title = words.confusionMatrix(split.name)
        let heatMap = HeatMap(title: title, rowLabels: names, columnLabels: names, rowAxisLabel: words.trueClass,
                              columnAxisLabel: words.predictedClass, counts: matrix.counts)
        outputs.append(.svg(SVGFigure(svg: heatMap.svg, title: title)))
        outputs.record("accuracy", matrix.accuracy)
        outputs.record("correct", Double(matrix.correct))
        outputs.record("count", Double(matrix.total))
        for label in 0..<matrix.classes {
            if let accuracy = matrix.accuracy(ofClass: label) { outputs.record("accuracy_class_\(label)", accuracy) }
        }
        return outputs
    }
}
