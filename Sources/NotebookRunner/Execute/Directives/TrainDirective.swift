import Foundation

/// `{train} softmax`: trains softmax regression on the current data set's train split.
///
/// ````
/// ```{train} softmax
/// :lr: 0.1                 ← learning rate
/// :batch: 256              ← rows per step, or full (full-batch gradient descent)
/// :epochs: 10              ← or :steps: 500
/// :init: normal(0.01)      ← or zeros
/// :seed: 0
/// :normalize: true         ← pixels / 255
/// :weight-decay: 0
/// ```
/// ````
/// Shows a table per epoch, loss and accuracy curves and a summary; records
/// `train_loss`, `train_accuracy`, `test_accuracy`, `seconds`, `epochs`, `steps`, and
/// stores the model for `{evaluate}` and `{show} weights`/`predictions`.
public struct TrainDirective: Directive {
    public static let spec = DirectiveSpec(
        name: "train",
        arguments: "softmax",
        summary: "Trains softmax regression with minibatch SGD (or full-batch gradient descent) and shows its learning curves.",
        options: [
            OptionSpec("lr", "number > 0", "Learning rate.", default: "0.1"),
            OptionSpec("batch", "integer ≥ 1|full", "Rows per gradient step; full uses every row in each step.", default: "256"),
            OptionSpec("epochs", "integer ≥ 1", "Passes over the training rows.", default: "10"),
            OptionSpec("steps", "integer ≥ 1", "Stops after this many gradient steps instead of whole epochs."),
            OptionSpec("init", "zeros|normal(STD)", "Initial weights (biases start at 0).", default: "normal(0.01)"),
            OptionSpec("seed", "integer ≥ 0", "Seeds initialisation and shuffling.", default: "0"),
            OptionSpec("normalize", "true|false", "Scales pixels from 0…255 to 0…1.", default: "true"),
            OptionSpec("weight-decay", "number ≥ 0", "L2 penalty λ on the weights (not the biases).", default: "0"),
            OptionSpec("dataset", "name", "A data set loaded earlier by name (default: the last one loaded)."),
        ])

    static let maxEpochs = 100_000

    let configuration: TrainingConfiguration
    let datasetName: String?
    let location: SourceLocation

    public init(cell: Cell, defaults: Defaults) throws {
        let options = OptionReader(cell: cell, defaults: defaults)
        location = cell.directiveLocation
        guard cell.arguments == ["softmax"] else {
            let given = cell.arguments.joined(separator: " ")
            throw Diagnostic.error(cell.arguments.isEmpty ? "{train} needs the model to train" : "{train} does not know the model '\(given)'",
                                   at: cell.directiveLocation, hint: "write {train} softmax")
        }
        var configuration = TrainingConfiguration()
        configuration.learningRate = try options.double("lr", default: 0.1, range: Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude)
        configuration.batchSize = try Self.batchSize(options)
        configuration.length = try Self.length(options, cell: cell)
        configuration.initialization = try Self.initialization(options)
        configuration.seed = UInt64(try options.int("seed", default: 0, range: 0...Int.max))
        configuration.normalize = try options.bool("normalize", default: true)
        configuration.weightDecay = try options.double("weight-decay", default: 0, range: 0...1e6)
        self.configuration = configuration
        datasetName = options.string("dataset", inheritsDefault: false)
    }

    static func batchSize(_ options: OptionReader) throws -> TrainingConfiguration.BatchSize {
        guard let (text, _) = options.raw("batch") else { return .rows(256) }
        if text.trimmingCharacters(in: .whitespaces).lowercased() == "full" { return .full }
        return .rows(try options.int("batch", default: 256, range: 1...Int(Int32.max)))
    }

    static func length(_ options: OptionReader, cell: Cell) throws -> TrainingConfiguration.Length {
        if let steps = cell.option("steps") {
            if cell.option("epochs") != nil {
                throw Diagnostic.error(":epochs: and :steps: both say how long to train; give one", at: steps.location,
                                       hint: ":epochs: N makes N passes over the data, :steps: N takes N gradient steps")
            }
            return .steps(try options.int("steps", default: 100, range: 1...Int(Int32.max)))
        }
        if cell.option("epochs") == nil, options.raw("steps") != nil {
            return .steps(try options.int("steps", default: 100, range: 1...Int(Int32.max)))
        }
        return .epochs(try options.int("epochs", default: 10, range: 1...maxEpochs))
    }

    static func initialization(_ options: OptionReader) throws -> TrainingConfiguration.Initialization {
        guard let (raw, location) = options.raw("init") else { return .normal(standardDeviation: 0.01) }
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "")
        if text == "zeros" || text == "zero" { return .zeros }
        if text == "normal" { return .normal(standardDeviation: 0.01) }
        if text.hasPrefix("normal("), text.hasSuffix(")"),
           let deviation = Double(text.dropFirst("normal(".count).dropLast()), deviation.isFinite, deviation >= 0 {
            return .normal(standardDeviation: deviation)
        }
        throw Diagnostic.error("option :init: expects zeros or normal(STD), got '\(raw)'", at: location,
                               hint: "e.g. :init: normal(0.01) draws each weight from N(0, 0.01²); :init: zeros starts at 0")
    }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        let dataset = try Self.dataset(named: datasetName, in: context.state, at: location, directive: "train")
        guard let train = dataset.train else {
            throw Diagnostic.error("data set '\(dataset.name)' has no train split loaded", at: location,
                                   hint: "load it with {load} \(dataset.name) and :split: train or :split: all")
        }
        let classes = max(dataset.classNames.count, Int(train.labels.max() ?? 0) + 1)
        let test = dataset.test.flatMap { $0.pixelCount == train.pixelCount ? $0 : nil }
        let total: Int
        switch configuration.length {
        case .epochs(let epochs): total = epochs
        case .steps(let steps):
            let perEpoch: Int
            if case .rows(let size) = configuration.batchSize { perEpoch = (train.count + size - 1) / max(1, size) } else { perEpoch = 1 }
            total = (steps + perEpoch - 1) / perEpoch
        }
        let trainer = SoftmaxTrainer(configuration: configuration)
        let result: TrainingResult
        do {
            result = try trainer.train(on: train, test: test, classes: classes, progress: { record in
                var line = "epoch \(record.epoch)/\(total) loss \(String(format: "%.3f", record.trainLoss))"
                if let accuracy = record.testAccuracy { line += " test \(String(format: "%.3f", accuracy))" }
                context.progress(line)
            }, checkCancelled: context.checkCancelled)
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: location)
        }
        context.state.model = result.model
        return Self.outputs(result, dataset: dataset, train: train, test: test, reproducible: context.settings.reproducible)
    }

    /// The data set named `name`, or the current one, with errors for `{directive}`.
    static func dataset(named name: String?, in state: NotebookState, at location: SourceLocation, directive: String) throws -> Dataset {
        if let name {
            guard let dataset = state.datasets[name] else {
                let loaded = state.datasets.keys.sorted()
                throw Diagnostic.error("no data set named '\(name)' has been loaded", at: location,
                                       hint: loaded.isEmpty ? "add a {load} cell before this one" : "loaded: \(loaded.joined(separator: ", "))")
            }
            return dataset
        }
        guard let dataset = state.dataset else {
            throw Diagnostic.error("{\(directive)} needs a data set, and none is loaded yet", at: location,
                                   hint: "add a cell such as {load} fashion-mnist before this one")
        }
        return dataset
    }

    static func outputs(_ result: TrainingResult, dataset: Dataset, train: DataSplit, test: DataSplit?, reproducible: Bool) -> CellOutputs {
        let configuration = result.configuration
        let hasTest = result.epochs.contains { $0.testAccuracy != nil }
        var header = ["epoch", "train loss", "train accuracy"]
        if hasTest { header.append("test accuracy") }
        if !reproducible { header.append("seconds") }
        let rows = result.epochs.map { record -> [String] in
            var row = [String(record.epoch), String(format: "%.4f", record.trainLoss), String(format: "%.4f", record.trainAccuracy)]
            if hasTest { row.append(record.testAccuracy.map { String(format: "%.4f", $0) } ?? "–") }
            if !reproducible { row.append(String(format: "%.3f", record.seconds)) }
            return row
        }
        var outputs = CellOutputs()
        outputs.append(.table(.numeric(caption: "Training, epoch by epoch (loss and accuracy on the training rows are running values over each epoch's batches)",
                                       header: header, rows: rows)))
        outputs.append(.svg(chart(result)))

        let last = result.epochs.last!
        let method: String
        switch configuration.batchSize {
        case .full: method = "full-batch gradient descent"
        case .rows(let size): method = "minibatch SGD (batch \(min(size, train.count)))"
        }
        var summary = "Trained softmax regression (\(train.pixelCount) → \(result.model.classes)) on \(LoadDirective.grouped(train.count)) \(dataset.name) images:\n"
        summary += "\(result.epochs.count) epoch\(result.epochs.count == 1 ? "" : "s") (\(result.epochs.reduce(0) { $0 + $1.steps }) steps) of \(method), lr \(SoftmaxTrainer.format(configuration.learningRate))"
        if !reproducible { summary += ", in \(String(format: "%.2f", result.trainingSeconds)) s" }
        summary += ".\nFinal train loss \(String(format: "%.4f", last.trainLoss))"
        if let accuracy = last.testAccuracy, let test { summary += ", test accuracy \(String(format: "%.4f", accuracy)) on \(LoadDirective.grouped(test.count)) test images" }
        outputs.append(.text(summary + "."))

        outputs.record("train_loss", last.trainLoss)
        outputs.record("train_accuracy", last.trainAccuracy)
        if let accuracy = last.testAccuracy { outputs.record("test_accuracy", accuracy) }
        if !reproducible { outputs.record("seconds", result.trainingSeconds) }
        outputs.record("epochs", Double(result.epochs.count))
        outputs.record("steps", Double(result.epochs.reduce(0) { $0 + $1.steps }))
        return outputs
    }

    /// Loss on the left, accuracies on the right, over epochs.
    static func chart(_ result: TrainingResult) -> SVGFigure {
        let epochs = result.epochs
        let loss = LineChart.Series(name: "train loss", points: epochs.map { (Double($0.epoch), $0.trainLoss) }, color: "#b2182b")
        var accuracy = [LineChart.Series(name: "train", points: epochs.map { (Double($0.epoch), $0.trainAccuracy) }, color: "#2166ac", dashed: true)]
        if epochs.contains(where: { $0.testAccuracy != nil }) {
            accuracy.append(LineChart.Series(name: "test", points: epochs.compactMap { e in e.testAccuracy.map { (Double(e.epoch), $0) } }, color: "#1b7837"))
        }
        let accuracies = accuracy.flatMap(\.points).map(\.y)
        let low = max(0, ((accuracies.min() ?? 0) * 20).rounded(.down) / 20)
        let title = "Training curves: cross-entropy loss and accuracy over \(epochs.count) epoch\(epochs.count == 1 ? "" : "s")"
        let chart = LineChart(title: title, panels: [
            .init(title: "Loss", xLabel: "epoch", yLabel: "cross-entropy", series: [loss]),
            .init(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy", series: accuracy, yRange: low...1),
        ])
        return SVGFigure(svg: chart.svg, title: title)
    }
}
