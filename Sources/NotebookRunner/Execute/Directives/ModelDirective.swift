import Foundation

/// `{model}`: declares a model — parameters, forward pass, output, loss — and
/// stores it, with seeded initial values, under the cell's label.
///
/// ````
/// ```{model}
/// :label: mlp
/// param W1: inputs×256 normal(0.01)
/// param b1: 256 zeros
/// param W2: 256×classes normal(0.01)
/// param b2: classes zeros
/// H = relu(X @ W1 + b1)
/// P = softmax(H @ W2 + b2)
/// loss: -mean(sum(Y * log(P), axis=1))
/// ```
/// ````
/// The body's grammar is `ModelDefinition`'s; the output's name says what the model predicts
/// (`ModelOutput`): `P`, `p` (needs labels 0 and 1) or `yhat`. `inputs` and `classes` come from the current
/// data set (or `:dataset:`); the forward pass is run once on two rows of it, so a shape
/// mistake is reported here, at its column. `{train} :model: mlp` trains the model,
/// `{gradcheck} :model: mlp` checks gradient formulas against it, and `{evaluate}`,
/// `{show} predictions` and `{show} weights` take `:model: mlp` — before training too.
public struct ModelDirective: Directive {
    static let seed = DirectiveOption.seed(help: "Seeds the initial parameter values.")
    static let normalize = DirectiveOption.flag("normalize", default: true, inherits: true,
                                                help: "X is pixels / 255 (true) or the raw bytes 0…255 (false).")

    public static let spec = DirectiveSpec(
        name: "model",
        arguments: .none,
        summary: "Declares a model: parameters with shapes and initialisers, the forward pass, its output (class probabilities P, a binary probability p or real values yhat) and the loss.",
        options: [seed.declaration, normalize.declaration, DirectiveOption.dataset.declaration],
        acceptsBody: true)

    let definition: ModelDefinition
    let lines: [SourceLine]
    let seed: UInt64
    let normalize: Bool
    let datasetName: String?

    public init(cell: Cell, options: OptionValues) throws {
        lines = cell.body
        definition = try ModelDefinitionParser.parse(cell.body, at: cell.directiveLocation)
        seed = UInt64(try options.value(Self.seed) as Int)
        normalize = try options.value(Self.normalize)
        datasetName = try options.given(.dataset)
        if cell.option(DirectiveSpec.label.name) == nil {
            throw Diagnostic.error("{model} needs a :label:, the model's name", at: cell.directiveLocation,
                                   hint: "e.g. :label: mlp, then {train} with :model: mlp")
        }
    }

    /// The model's parameters become names of later expressions (the data decides some shapes).
    public var declarations: CellDeclarations { CellDeclarations(metrics: [Self.parametersMetric], names: nil) }
    static let parametersMetric = "parameters"

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        let dataset = try context.dataset(named: datasetName)
        guard let split = dataset.train ?? dataset.test else {
            throw Diagnostic.error("data set '\(dataset.name)' has no split loaded", at: context.cell.directiveLocation)
        }
        let classes = max(dataset.classNames.count, Int(split.labels.max() ?? 0) + 1)
        try Self.checkTargets(of: definition.output, dataset: dataset, classes: classes, at: context.cell.directiveLocation)
        try context.checkParametersFit(definition.shapes(inputs: split.pixelCount, classes: classes), for: "the model '\(context.cell.label)'")
        let model = try Self.initialModel(definition, lines: lines, name: context.cell.label, inputs: split.pixelCount,
                                          classes: classes, pixelScale: normalize ? 1.0 / 255 : 1, seed: seed)
        // One pass over two rows: shape mistakes in the forward pass or the loss surface here,
        // and so does anything the training engine does not compute.
        try Self.check(model, on: split.subset(0 ..< min(2, split.count)))
        _ = try ModelProgram(definition: definition, inputs: model.inputs, classes: classes, rows: 2, gradients: .automatic, training: true)
        context.state.setModel(model, named: context.cell.label)
        return Self.outputs(model, dataset: dataset, seed: seed)
    }

    /// The declared model with seeded initial values.
    static func initialModel(_ definition: ModelDefinition, lines: [SourceLine], name: String, inputs: Int, classes: Int,
                             pixelScale: Double, seed: UInt64) throws -> DeclaredModel {
        let values = ParameterInitializer.values(of: definition, inputs: inputs, classes: classes, seed: seed, as: Float.self)
        // The engine keeps parameters in Float32: a value past its range would start training from infinity.
        for parameter in definition.parameters where values[parameter.name]!.contains(where: { !$0.isFinite }) {
            throw Diagnostic.error("the initial values of \(parameter.name), \(parameter.initializer), overflow Float32 (largest about 3.4·10³⁸), in which the training engine keeps parameters",
                                   at: parameter.location, hint: "choose an initialiser whose values stay far below 10³⁸, e.g. normal(0.01)")
        }
        return DeclaredModel(name: name, definition: definition, lines: lines, inputs: inputs, classes: classes,
                             pixelScale: pixelScale, values: values, trained: false)
    }

    /// A binary model needs data of two classes, labelled 0 and 1.
    static func checkTargets(of output: ModelOutput, dataset: Dataset, classes: Int, at location: SourceLocation) throws {
        guard output == .binary, classes != 2 else { return }
        throw Diagnostic.error("a binary model (p) needs data of two classes, labelled 0 and 1, but \(dataset.name) has \(classes)",
                               at: location, hint: "load two classes with {load} :classes: 3,8, or one class against the rest with :positive: 3")
    }

    /// Evaluates the forward pass and the loss on `rows`, throwing located errors.
    static func check(_ model: DeclaredModel, on rows: DataSplit) throws {
        var scope = ExpressionScope()
        for (name, value) in model.parameterTensors { scope.values[name] = value }
        scope.values.merge(model.stateTensors) { $1 }
        // The data's names a model of this kind reads, as the engine binds them.
        let data = rows.tensors(rows: Array(0..<rows.count), classes: model.classes, scale: model.pixelScale)
        scope.values.merge(data.filter { model.definition.output.dataNames.contains($0.key) }) { $1 }
        for statement in model.definition.forward {
            let value = try scope.evaluate(statement)
            if let name = statement.binding { scope.values[name] = value }
        }
        let output = model.definition.output
        let value = scope.values[output.name]!
        let width = output.width(classes: model.classes)
        guard value.shape == [rows.count, width] else {
            let statement = model.definition.forward.last { $0.binding == output.name }!
            let hint: String
            switch output {
            case .classes: hint = "P holds each image's probability for each class: softmax of N×classes logits"
            case .binary: hint = "p holds each image's probability of the positive class: sigmoid of N×1 logits (weights inputs×1)"
            case .regression: hint = "yhat holds one predicted value per row: N×1 (weights inputs×1)"
            }
            throw Diagnostic.error("\(output.name) is \(value.shapeDescription) but must be rows × \(output == .classes ? "classes" : "1") (\(rows.count)×\(width))",
                                   at: statement.origin, hint: hint)
        }
        let loss = try scope.evaluate(model.definition.loss)
        guard loss.isScalar || loss.count == 1 else {
            throw Diagnostic.error("the loss is \(loss.shapeDescription), not a number", at: model.definition.loss.origin,
                                   hint: "average over the rows, e.g. \(output.usualLoss)")
        }
    }

    static func outputs(_ model: DeclaredModel, dataset: Dataset, seed: UInt64) -> CellOutputs {
        var outputs = CellOutputs()
        let rows = model.definition.parameters.map { parameter -> [String] in
            let shape = model.shapes[parameter.name] ?? []
            return [parameter.name, Tensor.describe(shape), NumberText.grouped(shape.reduce(1, *)), parameter.initializer.description]
        }
        outputs.append(.table(Table(caption: "Parameters of \(model.name)", header: ["parameter", "shape", "values", "initial values"],
                                    rows: rows, alignments: [.left, .left, .right, .left])))
        let steps = model.definition.forward.compactMap(\.binding).joined(separator: " → ")
        let table = dataset.splits.first { $0.features != nil }
        let inputs = table.map { split in
            let file = split.sources.first.map { ($0 as NSString).lastPathComponent } ?? dataset.name
            return "\(model.inputs) input \(model.inputs == 1 ? "column" : "columns") of \(file)"
        } ?? "\(model.inputs)-pixel \(dataset.name) images"
        let classes = model.definition.output == .classes ? " and \(model.classes) classes" : ""
        outputs.append(.text("Declared \(model.name): \(NumberText.grouped(model.parameterCount)) parameters for \(inputs)"
            + "\(classes); forward pass \(steps), predicting \(model.definition.output.name) (\(model.definition.output.meaning)); initial values drawn with seed \(seed). "
            + "Not trained yet: {train} :model: \(model.name) trains it."))
        outputs.record(parametersMetric, Double(model.parameterCount))
        return outputs
    }
}
