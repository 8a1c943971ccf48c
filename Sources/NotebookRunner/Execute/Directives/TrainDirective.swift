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
/// :samples: 5000           ← train on the first 5,000 rows only
/// :grad W: X.T @ (P - Y) / N        ← the author's gradient instead of the built-in one
/// :grad b: sum(P - Y, axis=0) / N
/// ```
/// ````
/// With `:grad W:` / `:grad b:` (or body lines `grad W: EXPR`, with `NAME = EXPR` helpers)
/// training runs through `ExpressionTrainer` in Float64 on the same schedule; a formula
/// whose loss becomes infinite or whose parameters become nan still shows its curves,
/// with a notice.
/// Shows a table per epoch, loss and accuracy curves and a summary; records
/// `train_loss`, `train_accuracy`, `test_accuracy`, `seconds`, `epochs`, `steps`, and
/// stores the model for `{evaluate}` and `{show} weights`/`predictions`.
public struct TrainDirective: Directive {
    static let maxEpochs = 100_000

    static let learningRate = DirectiveOption.number("lr", .positive, default: 0.1, inherits: true, help: "Learning rate.")
    static let batch = DirectiveOption<TrainingConfiguration.BatchSize>("batch", type: "integer 1…\(Int32.max)|full", default: .rows(256),
                                                              defaultText: "256", inherits: true,
                                                              help: "Rows per gradient step. Minibatches are reshuffled every epoch; the last one of an epoch is smaller when the size does not divide the rows. full is full-batch gradient descent: one step per epoch over every row, in order.") { text, location in
        if text.trimmingCharacters(in: .whitespaces).lowercased() == "full" { return .full }
        return .rows(try rowsPerBatch.parse(text, location))
    }
    private static let rowsPerBatch = DirectiveOption.integer("batch", in: 1...Int(Int32.max), default: 256, help: "")
    static let epochs = DirectiveOption.integer("epochs", in: 1...maxEpochs, default: 10, inherits: true, help: "Passes over the training rows.")
    static let steps = DirectiveOption.integer("steps", in: 1...Int(Int32.max), inherits: true,
                                      help: "Stops after this many gradient steps instead (the last epoch may be partial). Not together with :epochs:.")
    static let initialization = DirectiveOption<TrainingConfiguration.Initialization>(
        "init", type: "zeros|normal(STD)", default: .normal(standardDeviation: 0.01), defaultText: "normal(0.01)", inherits: true,
        help: "Initial weights; biases always start at 0.") { raw, location in
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
    static let seed = DirectiveOption.seed(help: "Seeds initialisation and shuffling.")
    static let normalize = DirectiveOption.flag("normalize", default: true, inherits: true, help: "Scales pixels from 0…255 to 0…1.")
    static let weightDecay = DirectiveOption.number("weight-decay", .closed(0, 1e6), default: 0, inherits: true,
                                           help: "Weight decay λ on matrices (biases are not decayed): added to the gradient as λ·W, as PyTorch's weight_decay (sgd: each step also subtracts lr·λ·W); adamw instead multiplies W by 1 − lr·λ before its step. Reported losses are the plain cross-entropy.")
    static let samples = DirectiveOption.integer("samples", in: 1...Int(Int32.max),
                                        help: "Trains on the first N rows of the training split only (quick runs; the test split is untouched).")
    static let shuffle = DirectiveOption.flag("shuffle", default: true, inherits: true,
                                              help: "Reshuffles the rows every epoch (false: minibatches in file order).")
    static let from = DirectiveOption.text("from", type: "label",
                                           help: "Continues from the model trained by the cell with this :label: instead of fresh initial values.")
    static let gradW = DirectiveOption.text("grad W", type: "expression",
                                   help: "Trains with this formula for ∂J/∂W (names X, y, Y, N, W, b, P) instead of the built-in gradient.")
    static let gradB = DirectiveOption.text("grad b", type: "expression", help: "Trains with this formula for ∂J/∂b.")

    public static let spec = DirectiveSpec(
        name: "train",
        arguments: .optional(["softmax"]),
        summary: "Trains softmax regression ({train} softmax) or a model declared with {model} (:model: NAME) by minibatch SGD or full-batch gradient descent, and shows its learning curves.",
        options: [learningRate.declaration, batch.declaration, epochs.declaration, steps.declaration, initialization.declaration,
                  seed.declaration, normalize.declaration, weightDecay.declaration, samples.declaration, shuffle.declaration,
                  DirectiveOption.model.declaration, from.declaration,
                  gradW.declaration, gradB.declaration, DirectiveOption.dataset.declaration] + optimizerDeclarations + validationDeclarations,
        acceptsBody: true)

    let configuration: TrainingConfiguration
    /// The declared model trained (`:model:`), or nil for the built-in softmax regression.
    let modelName: String?
    /// The trained model to start from (`:from:`).
    let fromName: String?
    let shuffles: Bool
    let datasetName: String?
    let location: SourceLocation
    /// Rows of the train split to use (nil: all).
    let samples: Int?
    /// The author's gradient formulas and helper definitions; empty formulas: the fast path.
    let formulas: [ExpressionTrainer.Formula]
    let definitions: [ParsedExpression]
    /// Rows held out of the training split for validation (`:validation:`), and early stopping's patience.
    let validationRows: Int?
    let patience: Int?

    public init(cell: Cell, options: OptionValues) throws {
        location = cell.directiveLocation
        var configuration = TrainingConfiguration()
        configuration.learningRate = try options.value(Self.learningRate)
        configuration.batchSize = try options.value(Self.batch)
        configuration.length = try Self.length(options, cell: cell)
        configuration.initialization = try options.value(Self.initialization)
        configuration.seed = UInt64(try options.value(Self.seed) as Int)
        configuration.normalize = try options.value(Self.normalize)
        configuration.weightDecay = try options.value(Self.weightDecay)
        configuration.optimizer = try Self.optimizer(options, cell: cell)
        configuration.schedule = try options.value(Self.schedule)
        self.configuration = configuration
        (validationRows, patience) = try Self.validationSettings(options, cell: cell)
        modelName = try options.given(.model)
        fromName = try options.given(Self.from)
        shuffles = try options.value(Self.shuffle)
        switch (cell.arguments.first, modelName) {
        case (nil, nil):
            throw Diagnostic.error("{train} needs the model to train", at: cell.directiveLocation,
                                   hint: "write {train} softmax, or name a model declared with {model}: :model: NAME")
        case ("softmax"?, let name?):
            throw Diagnostic.error("{train} softmax trains the built-in model; :model: \(name) names another", at: options.location(of: .model),
                                   hint: "drop softmax to train \(name), or drop :model:")
        default: break
        }
        datasetName = try options.given(.dataset)
        samples = try options.given(Self.samples)
        (formulas, definitions) = try Self.formulas(cell, parameters: modelName == nil ? ["W", "b"] : nil)
        if modelName != nil, let option = [Self.gradW, Self.gradB].lazy.compactMap({ cell.option($0.name) }).first {
            throw Diagnostic.error(":\(option.key): is for {train} softmax; a declared model's formulas go in the body",
                                   at: option.location, hint: "write grad NAME: FORMULA lines below the options")
        }
    }

    /// The `:grad W:` / `:grad b:` options and the body's `grad NAME: EXPR` and `NAME = EXPR` lines.
    /// `parameters`: the names formulas may be for (nil: any; the model checks them when it runs).
    static func formulas(_ cell: Cell, parameters: [String]?) throws -> ([ExpressionTrainer.Formula], [ParsedExpression]) {
        var formulas: [ExpressionTrainer.Formula] = []
        var places: [String: SourceLocation] = [:]
        for parameter in ["W", "b"] {
            if let option = cell.option("grad \(parameter)") {
                formulas.append(try ExpressionTrainer.Formula(parameter: parameter, source: option.value, at: option.valueLocation))
                places[parameter] = option.location
            }
        }
        let program = try GradCheckProgram.parse(cell.body)
        if let loss = program.lossLocation {
            throw Diagnostic.error("{train} takes gradient formulas, not a loss", at: loss,
                                   hint: "training reports the cross-entropy itself; check a loss against its gradient with {gradcheck}")
        }
        for gradient in program.gradients {
            guard parameters?.contains(gradient.name) ?? true else {
                throw Diagnostic.error("{train} softmax trains W and b, not '\(gradient.name)'", at: gradient.nameLocation,
                                       hint: "write grad W: FORMULA or grad b: FORMULA")
            }
            if let first = places[gradient.name] {
                throw Diagnostic.error("a second formula for \(gradient.name)", at: gradient.nameLocation,
                                       hint: "the first is at line \(first.line)")
            }
            places[gradient.name] = gradient.nameLocation
            formulas.append(ExpressionTrainer.Formula(parameter: gradient.name, expression: gradient.formula))
        }
        if formulas.isEmpty, let first = program.definitions.first {
            throw Diagnostic.error("a helper definition, but no gradient formula to use it", at: first.origin,
                                   hint: "add grad W: FORMULA (and grad b: FORMULA), or remove the body to use the built-in gradient")
        }
        return (formulas, program.definitions)
    }

    /// `:epochs:` or `:steps:`; a cell's own choice wins over an inherited one of the other kind.
    static func length(_ options: OptionValues, cell: Cell) throws -> TrainingConfiguration.Length {
        if let steps = cell.option(Self.steps.name) {
            if cell.option(Self.epochs.name) != nil {
                throw Diagnostic.error(":epochs: and :steps: both say how long to train; give one", at: steps.location,
                                       hint: ":epochs: N makes N passes over the data, :steps: N takes N gradient steps")
            }
            return .steps(try options.value(Self.steps))
        }
        if cell.option(Self.epochs.name) == nil, let steps = try options.given(Self.steps) {
            return .steps(steps)
        }
        return .epochs(try options.value(Self.epochs))
    }

    /// Its metrics include one set per epoch; a declared model's parameters become names.
    public var declarations: CellDeclarations { CellDeclarations(metrics: nil, names: modelName == nil ? [] : nil) }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        if modelName == nil {
            let dataset = try context.dataset(named: datasetName)
            let train = try context.split("train", of: dataset)
            try context.checkSoftmaxTrainingFits(train, classes: max(dataset.classNames.count, Int(train.labels.max() ?? 0) + 1))
        }
        if modelName != nil || fromName != nil || !shuffles || validationRows != nil || (formulas.isEmpty && (configuration.optimizer.method != .sgd || configuration.schedule != .constant)) {
            return try runOnEngine(in: context)
        }
        let dataset = try context.dataset(named: datasetName)
        var train = try context.split("train", of: dataset)
        if let samples, samples < train.count { train = train.subset(0..<samples) }
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
        let progress = { (record: EpochRecord) in
            var line = "epoch \(record.epoch)/\(total) loss \(NumberText.fixed(record.trainLoss, digits: 3))"
            if let accuracy = record.testAccuracy { line += " test \(NumberText.fixed(accuracy, digits: 3))" }
            context.progress(line)
        }
        if !formulas.isEmpty {
            return try runWithFormulas(dataset: dataset, train: train, test: test, classes: classes, context: context, progress: progress)
        }
        let trainer = SoftmaxTrainer(configuration: configuration)
        let result: TrainingResult
        do {
            result = try trainer.train(on: train, test: test, classes: classes, progress: progress,
                                       checkCancelled: context.checkCancelled)
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: location)
        }
        context.state.setModel(result.model, named: context.cell.label)
        var outputs = Self.outputs(result, dataset: dataset, train: train, test: test, reproducible: context.settings.reproducible,
                                   words: context.words)
        if let warning = lossRise(result.epochs, classes: classes) { outputs.append(.notice(warning)) }
        return outputs
    }

    /// A warning at the first epoch whose training loss is more than ten times the loss a
    /// model starts from (ln of the class count: every class equally likely), or nil.
    /// (A loss that is not finite is reported on its own.) Such a loss is finite, so training went on, but the learning rate is too large.
    func lossRise(_ epochs: [EpochRecord], classes: Int) -> Diagnostic? {
        let start = log(Double(max(classes, 2)))
        guard let epoch = epochs.first(where: { $0.trainLoss.isFinite && $0.trainLoss > 10 * start }) else { return nil }
        let rate = configuration.learningRate
        return Diagnostic(.warning, "the training loss reached \(NumberText.compact(epoch.trainLoss)) in epoch \(epoch.epoch), far above its first value (about ln \(classes) = \(NumberText.fixed(start, digits: 3)) for an untrained model)",
                          at: location, hint: "the learning rate \(NumberText.compact(rate)) is too large for this data; try a smaller one, e.g. :lr: \(NumberText.compact(rate / 10))")
    }

    /// Training with the author's formulas: `ExpressionTrainer` on the fast path's schedule.
    func runWithFormulas(dataset: Dataset, train: DataSplit, test: DataSplit?, classes: Int, context: ExecutionContext,
                         progress: (EpochRecord) -> Void) throws -> CellOutputs {
        var settings = ExpressionTrainer.Configuration(learningRate: configuration.learningRate, seed: configuration.seed,
                                                       inputScale: configuration.normalize ? 1.0 / 255 : 1,
                                                       weightDecay: configuration.weightDecay,
                                                       initialization: configuration.initialization)
        settings.optimizer = configuration.optimizer
        settings.schedule = configuration.schedule
        switch configuration.batchSize {
        case .full: settings.batchSize = train.count; settings.shuffles = false
        case .rows(let size): settings.batchSize = size; settings.shuffles = true
        }
        switch configuration.length {
        case .epochs(let epochs): settings.epochs = epochs
        case .steps(let steps): settings.maxSteps = steps
        }
        let outcome: ExpressionTrainer.Outcome
        do {
            try SoftmaxTrainer.checkLabels(train, classes: classes)
            if let test { try SoftmaxTrainer.checkLabels(test, classes: classes) }
            outcome = try ExpressionTrainer(formulas: formulas, definitions: definitions, configuration: settings)
                .train(on: train, test: test, classes: classes, epochFinished: { progress(Self.record($0)) },
                       checkCancelled: context.checkCancelled)
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: location)
        }
        context.state.setModel(outcome.model, named: context.cell.label)
        let result = TrainingResult(model: outcome.model, epochs: outcome.history.map(Self.record), configuration: configuration)
        var outputs = Self.outputs(result, dataset: dataset, train: train, test: test, reproducible: context.settings.reproducible,
                                   words: context.words)
        if let warning = lossRise(result.epochs, classes: classes) { outputs.append(.notice(warning)) }
        var used = "Trained with the cell's gradient formulas (Float64), not the built-in gradient:"
        for parameter in ["W", "b"] {
            if let formula = formulas.first(where: { $0.parameter == parameter }) {
                used += "\n  ∂J/∂\(parameter) = \(formula.expression.source)"
            } else {
                used += "\n  \(parameter) has no formula and keeps its initial value"
            }
        }
        outputs.items.insert(.text(used), at: outputs.items.count - 1)
        for notice in notices(outcome, settings: settings) { outputs.append(.notice(notice)) }
        outputs.record("diverged", outcome.diverged ? 1 : 0)
        return outputs
    }

    /// The fast path's record for an epoch of training with formulas.
    static func record(_ epoch: ExpressionTrainer.Epoch) -> EpochRecord {
        EpochRecord(epoch: epoch.epoch, steps: epoch.steps, rows: epoch.rows, trainLoss: epoch.loss,
                    trainAccuracy: epoch.trainAccuracy, testAccuracy: epoch.testAccuracy, seconds: epoch.seconds,
                    evaluationSeconds: 0, learningRate: epoch.learningRate)
    }

    /// Notes on a loss that stopped being finite and on parameters that became nan or infinite.
    func notices(_ outcome: ExpressionTrainer.Outcome, settings: ExpressionTrainer.Configuration) -> [Diagnostic] {
        var notices: [Diagnostic] = []
        let bad = outcome.history.filter { !$0.loss.isFinite }.map(\.epoch)
        if let first = bad.first {
            let epochs = bad.count == 1 ? "epoch \(first)" : "\(bad.count) epochs (from epoch \(first))"
            notices.append(Diagnostic(.warning, "the training loss was not finite in \(epochs): some training image's true class got probability 0",
                                      at: location,
                                      hint: "the curves leave those epochs out; a formula that pushes the loss to infinity is usually not the gradient of the loss — compare it with {gradcheck}"))
        }
        if outcome.diverged, let step = outcome.divergedAtStep {
            notices.append(Diagnostic(.warning, "training stopped at step \(step) (epoch \(outcome.history.count)): W or b became nan or infinite",
                                      at: location,
                                      hint: "the model kept is the one before that step; try a smaller :lr: (now \(NumberText.compact(settings.learningRate))) or check the formulas with {gradcheck}"))
        }
        return notices
    }

    static func outputs(_ result: TrainingResult, dataset: Dataset, train: DataSplit, test: DataSplit?, reproducible: Bool,
                        words: CellStrings = CellStrings(language: "en")) -> CellOutputs {
        outputs(epochs: result.epochs, configuration: result.configuration, model: result.model.summary,
                dataset: dataset, train: train, test: test, reproducible: reproducible, words: words)
    }

    /// The epoch table, the curves, a summary naming `model`, and the metrics: the last
    /// epoch's, and every epoch's as `history[K].NAME` (K from 0), so prose reads
    /// `{eval}`train.history[3].test_accuracy``. `kept`: the epoch whose parameters the model
    /// keeps, when not the last (early stopping), whose numbers the summary and metrics give.
    static func outputs(epochs: [EpochRecord], configuration: TrainingConfiguration, model: String, dataset: Dataset,
                        train: DataSplit, test: DataSplit?, reproducible: Bool,
                        words: CellStrings = CellStrings(language: "en"), output: ModelOutput = .classes, kept: Int? = nil) -> CellOutputs {
        let result = (epochs: epochs, trainingSeconds: epochs.reduce(0) { $0 + $1.seconds })
        let regression = output == .regression
        let hasTest = result.epochs.contains { $0.testAccuracy != nil || $0.testFit != nil }
        let validated = result.epochs.contains { $0.validationLoss != nil }
        let scheduled = result.epochs.contains { $0.learningRate != nil }
        var header = [words.epoch] + (scheduled ? [words.learningRate] : []) + [words.trainLoss]
        if !regression { header.append(words.trainAccuracy) }
        if validated { header += [words.validationLoss] + (regression ? [] : [words.validationAccuracy]) }
        if hasTest { header += regression ? [words.testRMSE, words.testR2] : [words.testAccuracy] }
        if !reproducible { header.append(words.seconds) }
        let rows = EpochFolding.shown(count: result.epochs.count).map { result.epochs[$0] }.map { record -> [String] in
            var row = [String(record.epoch)] + (scheduled ? [record.learningRate.map(NumberText.significant) ?? "–"] : [])
                + [NumberText.fixed(record.trainLoss)]
            if !regression { row.append(NumberText.fixed(record.trainAccuracy)) }
            if validated {
                row.append(record.validationLoss.map { NumberText.fixed($0) } ?? "–")
                if !regression { row.append(record.validationAccuracy.map { NumberText.fixed($0) } ?? "–") }
            }
            if hasTest && regression {
                row.append(record.testFit.map { NumberText.fixed($0.rootMeanSquaredError) } ?? "–")
                row.append(record.testFit?.rSquared.map { NumberText.fixed($0) } ?? "–")
            } else if hasTest {
                row.append(record.testAccuracy.map { NumberText.fixed($0) } ?? "–")
            }
            if !reproducible { row.append(NumberText.fixed(record.seconds, digits: 3)) }
            return row
        }
        var outputs = CellOutputs()
        let step = EpochFolding.step(count: result.epochs.count)
        let table = regression ? words.trainingTableOfValues : words.trainingTable
        let caption = step == 1 ? table : table + words.everyKthEpoch(step, of: result.epochs.count)
        outputs.append(.table(.numeric(caption: caption, header: header, rows: rows)))
        outputs.append(.svg(chart(result.epochs, words: words, output: output)))

        let last = kept.map { result.epochs[$0 - 1] } ?? result.epochs.last!
        let method: String
        switch configuration.batchSize {
        case .full: method = words.fullBatch(configuration.optimizer)
        case .rows(let size) where size > train.count:
            method = words.minibatchWholeSplit(rows: NumberText.grouped(train.count), asked: NumberText.grouped(size), configuration.optimizer)
        case .rows(let size): method = words.minibatch(size, configuration.optimizer)
        }
        var summary = words.trained(model: words.model(model), images: NumberText.grouped(train.count), dataset: dataset.name)
        let steps = result.epochs.reduce(0) { $0 + $1.steps }
        summary += words.schedule(epochs: result.epochs.count, steps: steps, method: method,
                                  learningRate: NumberText.compact(configuration.learningRate)
                                      + (configuration.schedule == .constant ? "" : " (:schedule: \(configuration.schedule.text))"))
        if !reproducible { summary += words.took(NumberText.fixed(result.trainingSeconds, digits: 2)) }
        summary += words.finalLoss(NumberText.fixed(last.trainLoss))
        if let accuracy = last.testAccuracy, let test {
            summary += words.finalTestAccuracy(NumberText.fixed(accuracy), images: NumberText.grouped(test.count))
        }
        if let fit = last.testFit, let test {
            summary += words.finalTestFit(rmse: NumberText.fixed(fit.rootMeanSquaredError), r2: fit.rSquared.map { NumberText.fixed($0) } ?? "–",
                                          rows: NumberText.grouped(test.count))
        }
        outputs.append(.text(summary + words.fullStop))

        outputs.record("train_loss", last.trainLoss)
        if !regression { outputs.record("train_accuracy", last.trainAccuracy) }
        if let loss = last.validationLoss { outputs.record("validation_loss", loss) }
        if let accuracy = last.validationAccuracy { outputs.record("validation_accuracy", accuracy) }
        if let accuracy = last.testAccuracy { outputs.record("test_accuracy", accuracy) }
        if let fit = last.testFit {
            outputs.record("test_rmse", fit.rootMeanSquaredError)
            if let r2 = fit.rSquared { outputs.record("test_r2", r2) }
        }
        if !reproducible { outputs.record("seconds", result.trainingSeconds) }
        outputs.record("epochs", Double(result.epochs.count))
        outputs.record("steps", Double(result.epochs.reduce(0) { $0 + $1.steps }))
        for (index, record) in result.epochs.enumerated() {
            for metric in Self.epochMetrics {
                if let value = metric.value(record, regression) { outputs.record("history[\(index)].\(metric.name)", value) }
            }
        }
        return outputs
    }

    /// What each epoch records (`history[K].NAME`), in order, read from its record (nil: not
    /// recorded; `regression`: a model of real values). Recording, `{plot} :curves:` in
    /// `nbrun check` and its hints read this one list.
    static let epochMetrics: [(name: String, value: @Sendable (EpochRecord, _ regression: Bool) -> Double?)] = [
        ("train_loss", { record, _ in record.trainLoss }),
        ("train_accuracy", { record, regression in regression ? nil : record.trainAccuracy }),
        ("test_accuracy", { record, _ in record.testAccuracy }),
        ("learning_rate", { record, _ in record.learningRate }),
        ("validation_loss", { record, _ in record.validationLoss }),
        ("validation_accuracy", { record, _ in record.validationAccuracy }),
        ("test_rmse", { record, _ in record.testFit?.rootMeanSquaredError }),
        ("test_r2", { record, _ in record.testFit?.rSquared }),
    ]

    /// The epoch metrics this cell may record, as far as its options and the kind of model it
    /// trains (`output`, nil: not known before it runs) tell: a learning rate with a :schedule:,
    /// validation with :validation:, train accuracy for classes, a fit for real values.
    func possibleEpochMetrics(output: ModelOutput?) -> [String] {
        Self.epochMetrics.map(\.name).filter { name in
            switch name {
            case "validation_loss", "validation_accuracy": return validationRows != nil
            case "learning_rate": return configuration.schedule != .constant
            case "train_accuracy", "test_accuracy": return output != .regression
            case "test_rmse", "test_r2": return output == nil || output == .regression
            default: return true
            }
        }
    }

    /// Loss on the left (its axis named by the kind's loss), accuracies — or for a model of
    /// real values the test split's RMSE — on the right, over epochs.
    static func chart(_ epochs: [EpochRecord], words: CellStrings = CellStrings(language: "en"), output: ModelOutput = .classes) -> SVGFigure {
        var loss = [LineChart.Series(name: words.trainLoss, points: epochs.map { (Double($0.epoch), $0.trainLoss) }, color: "#b2182b")]
        if epochs.contains(where: { $0.validationLoss != nil }) {
            loss.append(LineChart.Series(name: words.validationLoss, points: epochs.compactMap { e in e.validationLoss.map { (Double(e.epoch), $0) } },
                                         color: "#e08214"))
        }
        if output == .regression {
            let rmse = LineChart.Series(name: words.testRMSE, points: epochs.compactMap { e in e.testFit.map { (Double(e.epoch), $0.rootMeanSquaredError) } },
                                        color: "#1b7837")
            let title = words.trainingCurves(epochs: epochs.count, output: output)
            let chart = LineChart(title: title, panels: [
                .init(title: words.loss, xLabel: words.epoch, yLabel: words.lossName(output), series: loss),
                .init(title: words.rmsePanel, xLabel: words.epoch, yLabel: words.rmse, series: [rmse]),
            ])
            return SVGFigure(svg: chart.svg, title: title)
        }
        var accuracy = [LineChart.Series(name: words.train, points: epochs.map { (Double($0.epoch), $0.trainAccuracy) }, color: "#2166ac", dashed: true)]
        if epochs.contains(where: { $0.validationAccuracy != nil }) {
            accuracy.append(LineChart.Series(name: words.validation, points: epochs.compactMap { e in e.validationAccuracy.map { (Double(e.epoch), $0) } },
                                             color: "#e08214"))
        }
        if epochs.contains(where: { $0.testAccuracy != nil }) {
            accuracy.append(LineChart.Series(name: words.test, points: epochs.compactMap { e in e.testAccuracy.map { (Double(e.epoch), $0) } }, color: "#1b7837"))
        }
        let accuracies = accuracy.flatMap(\.points).map(\.y)
        let low = max(0, ((accuracies.min() ?? 0) * 20).rounded(.down) / 20)
        let title = words.trainingCurves(epochs: epochs.count, output: output)
        let chart = LineChart(title: title, panels: [
            .init(title: words.loss, xLabel: words.epoch, yLabel: words.lossName(output), series: loss),
            .init(title: words.accuracyPanel, xLabel: words.epoch, yLabel: words.accuracy, series: accuracy, yRange: low...1),
        ])
        return SVGFigure(svg: chart.svg, title: title)
    }
}
