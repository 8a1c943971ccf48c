import Foundation

/// `{evaluate}`: the trained model's accuracy on a split, per class and as a confusion matrix.
///
/// ````
/// ```{evaluate}
/// :split: test             ← or train
/// ```
/// ````
/// Records `accuracy`, `correct`, `count` and `accuracy_class_N` for each class N.
public struct EvaluateDirective: Directive {
    public static let spec = DirectiveSpec(
        name: "evaluate",
        arguments: "",
        summary: "Measures the trained model on a split: accuracy, per-class accuracy and a confusion matrix.",
        options: [
            OptionSpec("split", "test|train", "The split to evaluate on.", default: "test"),
            OptionSpec("dataset", "name", "A data set loaded earlier by name (default: the last one loaded)."),
        ])

    let splitName: String
    let datasetName: String?
    let location: SourceLocation

    public init(cell: Cell, defaults: Defaults) throws {
        let options = OptionReader(cell: cell, defaults: defaults)
        location = cell.directiveLocation
        guard cell.arguments.isEmpty else {
            throw Diagnostic.error("{evaluate} takes no argument, got '\(cell.arguments.joined(separator: " "))'", at: cell.directiveLocation,
                                   hint: "choose the split with :split: test or :split: train")
        }
        splitName = try options.choice("split", ["test", "train"], default: "test", inheritsDefault: false)
        datasetName = options.string("dataset", inheritsDefault: false)
    }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        guard let model = context.state.model else {
            throw Diagnostic.error("{evaluate} needs a trained model, and there is none yet", at: location,
                                   hint: "add a {train} softmax cell before this one")
        }
        let dataset = try TrainDirective.dataset(named: datasetName, in: context.state, at: location, directive: "evaluate")
        guard let split = dataset.split(splitName) else {
            throw Diagnostic.error("data set '\(dataset.name)' has no \(splitName) split loaded", at: location,
                                   hint: "load it with :split: \(splitName) or :split: all, or evaluate on \(dataset.splits.map(\.name).joined(separator: " or "))")
        }
        guard split.pixelCount == model.inputs else {
            throw Diagnostic.error("the model takes \(model.inputs) pixels but the \(splitName) images have \(split.pixelCount)", at: location,
                                   hint: "evaluate on the data set the model was trained on")
        }
        if let label = split.labels.first(where: { Int($0) >= model.classes }) {
            throw Diagnostic.error("the \(splitName) split has label \(label) but the model knows \(model.classes) classes", at: location)
        }
        context.progress("evaluating on \(split.count) \(splitName) images")
        try context.checkCancelled()
        let predictions = Predictor.predictions(of: model, on: split)
        let matrix = ConfusionMatrix(labels: split.labels, predictions: predictions, classes: model.classes)
        return Self.outputs(matrix, dataset: dataset, split: split)
    }

    static func outputs(_ matrix: ConfusionMatrix, dataset: Dataset, split: DataSplit) -> CellOutputs {
        var outputs = CellOutputs()
        let names = (0..<matrix.classes).map { dataset.className($0) }
        outputs.append(.text("Accuracy on the \(split.name) split: \(String(format: "%.4f", matrix.accuracy)) (\(LoadDirective.grouped(matrix.correct)) of \(LoadDirective.grouped(matrix.total)) images)."))
        let rows = (0..<matrix.classes).map { label -> [String] in
            [names[label], LoadDirective.grouped(matrix.support(label)), LoadDirective.grouped(matrix.counts[label][label]),
             matrix.accuracy(ofClass: label).map { String(format: "%.4f", $0) } ?? "–"]
        }
        outputs.append(.table(.numeric(caption: "Accuracy by class (\(split.name) split)",
                                       header: ["class", "images", "correct", "accuracy"], rows: rows)))
        let title = "Confusion matrix on the \(split.name) split: rows are true classes, columns predicted classes, cells count images"
        let heatMap = HeatMap(title: title, rowLabels: names, columnLabels: names, rowAxisLabel: "true class",
                              columnAxisLabel: "predicted class", counts: matrix.counts)
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
