import Foundation

/// `{train}` on the training engine: a model declared with `{model}` (`:model:`), and the
/// built-in softmax regression when it continues from a trained model (`:from:`) or keeps
/// the rows in order (`:shuffle: false`), which its fused fast path does not do.
extension TrainDirective {
    func runOnEngine(in context: ExecutionContext) throws -> CellOutputs {
        let dataset = try context.dataset(named: datasetName)
        var train = try context.split("train", of: dataset)
        if let samples, samples < train.count { train = train.subset(0..<samples) }
        let validation: DataSplit?
        (train, validation) = try holdingOut(train)
        let start = try startingModel(dataset: dataset, train: train, in: context)
        try context.checkInputs(of: start, match: train, dataset: dataset)
        let test = dataset.test.flatMap { $0.pixelCount == train.pixelCount ? $0 : nil }
        try SoftmaxTrainer.checkLabels(train, classes: start.classes)
        if let test { try SoftmaxTrainer.checkLabels(test, classes: start.classes) }
        try ModelDirective.checkTargets(of: start.definition.output, dataset: dataset, classes: start.classes, at: location)

        let program = try GradCheckProgram.parse(context.cell.body)
        let author = !program.gradients.isEmpty || !formulas.isEmpty
        let gradients: ModelProgramGradients = author
            ? .formulas(definitions: program.definitions, gradients: program.gradients + optionFormulas(in: context.cell))
            : .automatic
        var trainer = ModelTrainer(definition: start.definition, configuration: configuration, gradients: gradients,
                                   shuffles: shuffles, pixelScale: start.pixelScale, memoryBudget: context.settings.memoryBudget)
        trainer.patience = patience
        let total: Int
        switch configuration.length {
        case .epochs(let epochs): total = epochs
        case .steps: total = 0
        }
        // The optimiser continues from the state :from:'s cell left, when it used the same method.
        let previousState = fromName.flatMap { context.state[.optimizerStates, $0] }
        let continued = previousState.flatMap { $0.method == configuration.optimizer.method && $0.steps > 0 ? $0 : nil }
        let outcome: ModelTrainer.Outcome
        do {
            outcome = try trainer.train(from: start.values, state: continued, on: train, validation: validation, test: test, classes: start.classes, progress: { record in
                var line = "epoch \(record.epoch)\(total > 0 ? "/\(total)" : "") loss \(NumberText.fixed(record.trainLoss, digits: 3))"
                if let accuracy = record.testAccuracy { line += " test \(NumberText.fixed(accuracy, digits: 3))" }
                if let fit = record.testFit { line += " test RMSE \(NumberText.fixed(fit.rootMeanSquaredError, digits: 3))" }
                context.progress(line)
            }, checkCancelled: context.checkCancelled)
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: location)
        }
        guard !outcome.history.isEmpty else {
            throw Diagnostic.error("the loss was not finite at the first step: nothing was trained", at: location,
                                   hint: "it is measured before the first step, so the learning rate is not the cause: look for a log of 0, a division by 0 or an overflow in the loss and the forward pass with the initial values ({eval} them on a few rows)")
        }
        var trained = start
        trained.values = outcome.parameters
        trained.trained = true
        let model: any Classifier = modelName == nil ? trained.softmaxModel : trained
        context.state.setModel(model, named: context.cell.label)
        context.state[.optimizerStates, context.cell.label] = outcome.optimizerState

        var outputs = Self.outputs(epochs: outcome.history, configuration: configuration, model: model.summary, dataset: dataset,
                                   train: train, test: test, reproducible: context.settings.reproducible, words: context.words,
                                   output: start.definition.output, kept: outcome.bestEpoch)
        var how = author ? "Trained with the cell's gradient formulas on the training engine (Float32):"
                         : "Gradients by reverse-mode automatic differentiation of the model's loss, on the training engine (Float32)."
        if author {
            for parameter in start.definition.parameters {
                if let formula = (program.gradients + optionFormulas(in: context.cell)).first(where: { $0.name == parameter.name }) {
                    how += "\n  ∂J/∂\(parameter.name) = \(formula.formula.source)"
                } else {
                    how += "\n  \(parameter.name) has no formula and keeps its value"
                }
            }
        }
        if let fromName {
            how += "\nContinued from the model trained by '\(fromName)'"
            if let continued {
                how += ", and from its \(configuration.optimizer.method.rawValue) state after \(NumberText.grouped(continued.steps)) steps"
            } else if let previousState, configuration.optimizer.method.moments > 0 {
                how += "; \(configuration.optimizer.method.rawValue)'s state starts afresh (that cell used \(previousState.method.rawValue))"
            }
            how += "."
        }
        outputs.record("optimizer_steps", Double(outcome.optimizerState.steps))
        // Products are cut into one band per thread, so the thread count is part of how the numbers came about.
        outputs.record("threads", Double(configuration.threads))
        if let validation {
            how += "\n\(NumberText.grouped(validation.count)) training rows held out for validation (:validation:, drawn by :seed: \(configuration.seed)); trained on the other \(NumberText.grouped(train.count))."
        }
        if let best = outcome.bestEpoch {
            let last = outcome.history.count
            if let stopped = outcome.stoppedEarlyAfterEpoch {
                how += "\nEarly stopping: the validation loss was lowest after epoch \(best) and did not improve for \(stopped - best) epochs, so training stopped after epoch \(stopped); the parameters of epoch \(best) are kept."
                outputs.record("stopped_epoch", Double(stopped))
            } else {
                how += "\nEarly stopping: the validation loss was lowest after epoch \(best) of \(last); the parameters of epoch \(best) are kept."
            }
            outputs.record("best_epoch", Double(best))
        }
        if !shuffles { how += "\nMinibatches in the rows' order (:shuffle: false)." }
        outputs.items.insert(.text(how), at: outputs.items.count - 1)
        if let step = outcome.divergedAtStep {
            outputs.append(.notice(Diagnostic(.warning, "training stopped at step \(step) (epoch \(outcome.history.count + 1)): the loss became nan or infinite",
                                              at: location,
                                              hint: "the model kept is the one before that step; try a smaller :lr: (now \(NumberText.compact(configuration.learningRate))) or check the formulas with {gradcheck}")))
        }
        outputs.record("diverged", outcome.divergedAtStep == nil ? 0 : 1)
        return outputs
    }

    /// `:grad W:` / `:grad b:` options as gradient lines (softmax regression only).
    private func optionFormulas(in cell: Cell) -> [GradCheckProgram.Gradient] {
        formulas.compactMap { formula in
            guard let option = cell.option("grad \(formula.parameter)") else { return nil }
            return GradCheckProgram.Gradient(name: formula.parameter, nameLocation: option.location, formula: formula.expression)
        }
    }

    /// The model training starts from: `:from:`'s trained model, the declared model as it
    /// stands, or a fresh softmax regression drawn as the built-in trainer draws it.
    private func startingModel(dataset: Dataset, train: DataSplit, in context: ExecutionContext) throws -> DeclaredModel {
        let classes = max(dataset.classNames.count, Int(train.labels.max() ?? 0) + 1)
        let base: DeclaredModel
        if let modelName {
            guard let declared = try context.model(named: modelName) as? DeclaredModel else {
                throw Diagnostic.error("'\(modelName)' is not a model declared with {model}", at: location,
                                       hint: "declare it with a {model} cell labelled \(modelName), or train the built-in model with {train} softmax")
            }
            base = declared
        } else {
            var generator = Xoshiro256StarStar(seed: configuration.seed)
            let fresh = SoftmaxTrainer(configuration: configuration).initialModel(inputs: train.pixelCount, classes: classes, generator: &generator)
            base = try DeclaredModel(softmax: fresh)
        }
        guard let fromName else { return base }
        let from = try context.model(named: fromName)
        let previous = try (from as? DeclaredModel) ?? (from as? SoftmaxModel).map { try DeclaredModel(softmax: $0) }
        guard let previous, previous.shapes == base.shapes else {
            throw Diagnostic.error("'\(fromName)' is not a trained \(modelName.map { "'\($0)'" } ?? "softmax regression") to continue from",
                                   at: location, hint: "name the :label: of a {train} cell that trained the same model")
        }
        var start = base
        start.values = previous.values
        start.pixelScale = previous.pixelScale
        return start
    }
}
