import Foundation

/// `{evaluate}`: a model's accuracy on a split, per class and as a confusion matrix.
///
/// ````
/// ```{evaluate}
/// :split: test             ← or train
/// :model: train            ← the model trained by the cell labelled train (default: the latest)
/// ```
/// ````
/// Records `accuracy`, `correct`, `count` and `accuracy_class_N` for each class N.
public struct EvaluateDirective: Directive {
    static let split = DirectiveOption.choice("split", ["test", "train"], default: "test", help: "The split to evaluate on.")

    public static let spec = DirectiveSpec(
        name: "evaluate",
        arguments: .none,
        summary: "Measures a model on a split: accuracy, per-class accuracy and a confusion matrix.",
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
        let matrix = ConfusionMatrix(labels: split.labels, predictions: try model.predictions(on: split), classes: model.classes)
        return Self.outputs(matrix, dataset: dataset, split: split, words: context.words)
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
