import Foundation

/// A model an author declared in a `{model}` cell, with its current parameter values:
/// initial ones after `{model}`, trained ones after `{train} :model:`.
///
/// The cache stores the declaration's lines and re-reads them, so the definition, the
/// parameters and the input scale come back exactly.
public struct DeclaredModel: Classifier, Codable {
    public static let stateKind = "declared-model"

    /// The label of the `{model}` cell that declared it.
    public var name: String
    public var inputs: Int
    public var classes: Int
    public var pixelScale: Double
    /// Parameter values (row-major, Float32 as training keeps them) and shapes, by name; `values`
    /// also holds the running statistics of the model's batchnorms (`H.running_mean`, …).
    public var values: [String: [Float]]
    public var shapes: [String: [Int]]
    /// Whether a `{train}` cell has trained it.
    public var trained: Bool
    /// The `{model}` cell's body, to read the definition again.
    public var source: [StoredLine]
    public let definition: ModelDefinition

    public struct StoredLine: Codable, Sendable, Hashable {
        var text: String
        var file: String
        var line: Int
        var column: Int
    }

    public init(name: String, definition: ModelDefinition, lines: [SourceLine], inputs: Int, classes: Int, pixelScale: Double,
                values: [String: [Float]], trained: Bool) {
        self.name = name
        self.definition = definition
        self.source = lines.map { StoredLine(text: $0.text, file: $0.location.file, line: $0.location.line, column: $0.location.column) }
        self.inputs = inputs
        self.classes = classes
        self.pixelScale = pixelScale
        self.values = values
        self.shapes = definition.shapes(inputs: inputs, classes: classes)
        self.trained = trained
    }

    enum CodingKeys: String, CodingKey { case name, inputs, classes, pixelScale, values, shapes, trained, source }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        inputs = try container.decode(Int.self, forKey: .inputs)
        classes = try container.decode(Int.self, forKey: .classes)
        pixelScale = try container.decode(Double.self, forKey: .pixelScale)
        values = try container.decode([String: [Float]].self, forKey: .values)
        shapes = try container.decode([String: [Int]].self, forKey: .shapes)
        trained = try container.decode(Bool.self, forKey: .trained)
        source = try container.decode([StoredLine].self, forKey: .source)
        let lines = source.map { SourceLine(text: $0.text, location: SourceLocation(file: $0.file, line: $0.line, column: $0.column)) }
        definition = try ModelDefinitionParser.parse(lines, at: lines.first?.location ?? SourceLocation(file: "", line: 1))
    }

    public func checkRestored() throws {
        let expected = definition.shapes(inputs: inputs, classes: classes)
        let stored = expected.merging(definition.stateShapes(inputs: inputs, classes: classes)) { $1 }
        guard inputs > 0, classes > 0, pixelScale.isFinite, shapes == expected, Set(values.keys) == Set(stored.keys),
              stored.allSatisfy({ StateArchiveError.product($0.value) == values[$0.key]?.count }) else {
            throw StateArchiveError(reason: "model '\(name)' with parameters that do not fit its definition")
        }
    }

    public var sourceLines: [SourceLine] {
        source.map { SourceLine(text: $0.text, location: SourceLocation(file: $0.file, line: $0.line, column: $0.column)) }
    }

    /// The parameters' values (not the running statistics, which training does not learn by gradient).
    public var parameterCount: Int { shapes.values.reduce(0) { $0 + $1.reduce(1, *) } }

    /// The running statistics of the model's batchnorms by name (`H.running_mean`, `H.running_var`), in Float64.
    public var stateTensors: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: definition.stateNames.compactMap { name in
            values[name].map { (name, Tensor(vector: $0.map(Double.init))) }
        })
    }

    public var summary: String {
        "model '\(name)' (\(definition.parameters.map { "\($0.name) \(Tensor.describe(shapes[$0.name] ?? []))" }.joined(separator: ", ")))"
    }

    public var parameterTensors: [(name: String, value: Tensor)] {
        definition.parameters.map { parameter in
            (parameter.name, Tensor(shape: shapes[parameter.name] ?? [], data: (values[parameter.name] ?? []).map(Double.init)))
        }
    }

    /// The first matrix with one row per input: the weights `{show} weights` draws.
    public var inputWeights: (units: Int, weights: [Float]) {
        for parameter in definition.parameters {
            if let shape = shapes[parameter.name], shape.count == 2, shape[0] == inputs {
                return (shape[1], values[parameter.name] ?? [])
            }
        }
        return (0, [])
    }

    /// The first convolution kernels (a parameter OUT×C×KH×KW), which `{show} weights` draws.
    public var firstKernels: (name: String, shape: [Int], values: [Float])? {
        for parameter in definition.parameters {
            if let shape = shapes[parameter.name], shape.count == 4 { return (parameter.name, shape, values[parameter.name] ?? []) }
        }
        return nil
    }

    /// The predicted class of every image (the most probable one, or for a binary model 1
    /// when p ≥ ½), from the forward pass on the training engine (Float32, a block of rows at
    /// a time, or all of them together when the output depends on the batch as a whole).
    public func predictions(on split: DataSplit) throws -> [UInt8] {
        try ModelTrainer.predictions(definition: definition, parameters: values, on: split, classes: classes, pixelScale: pixelScale,
                                     threads: TrainingConfiguration.defaultThreads)
    }

    /// The output (`P`, `p` or `yhat`) of every row of `split`, rows × width row-major.
    public func outputs(on split: DataSplit) throws -> [Float] {
        try ModelTrainer.outputs(definition: definition, parameters: values, on: split, classes: classes, pixelScale: pixelScale,
                                 threads: TrainingConfiguration.defaultThreads)
    }
}

extension DeclaredModel {
    /// Softmax regression as a declared model: the built-in model on the engine's machinery.
    static let softmaxRegressionLines = [
        "param W: inputs×classes normal(0.01)", "param b: classes zeros",
        "P = softmax(X @ W + b)", "loss: -mean(sum(Y * log(P), axis=1))",
    ]

    /// The built-in model's values as a declared softmax regression.
    init(softmax model: SoftmaxModel) throws {
        let lines = Self.softmaxRegressionLines.enumerated().map {
            SourceLine(text: $1, location: SourceLocation(file: "<softmax regression>", line: $0 + 1))
        }
        let definition = try ModelDefinitionParser.parse(lines, at: lines[0].location)
        self.init(name: "softmax", definition: definition, lines: lines, inputs: model.inputs, classes: model.classes,
                  pixelScale: model.pixelScale, values: ["W": model.weights, "b": model.bias], trained: true)
    }

    /// Back to the built-in model (for a declared model made by `init(softmax:)`).
    var softmaxModel: SoftmaxModel {
        SoftmaxModel(inputs: inputs, classes: classes, weights: values["W"] ?? [], bias: values["b"] ?? [],
                     inputScale: pixelScale == 1.0 / 255 ? 1 / 255 : Float(pixelScale))
    }
}

extension DeclaredModel {
    /// Everything but the parameter values in the JSON header; the values, Float32
    /// little-endian, in the payload (JSON would take several times their bytes to write).
    private struct Archive: Codable {
        var model: DeclaredModel
        /// Each parameter's offset in the payload and its count of values.
        var offsets: [String: Int]
        var counts: [String: Int]
    }

    public func archive(into payload: inout [UInt8]) throws -> Data {
        var offsets: [String: Int] = [:], counts: [String: Int] = [:]
        for name in values.keys.sorted() {
            offsets[name] = payload.count
            counts[name] = values[name]!.count
            values[name]!.withUnsafeBufferPointer { floats in
                payload.reserveCapacity(payload.count + floats.count * 4)
                for value in floats { withUnsafeBytes(of: value.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
            }
        }
        var header = self
        header.values = [:]
        return try StateValueKinds.encoder.encode(Archive(model: header, offsets: offsets, counts: counts))
    }

    public static func unarchive(_ header: Data, payload: ArraySlice<UInt8>) throws -> DeclaredModel {
        let archive = try StateValueKinds.decoder.decode(Archive.self, from: header)
        var model = archive.model
        for (name, offset) in archive.offsets {
            let count = archive.counts[name] ?? -1
            let start = payload.startIndex + offset
            guard offset >= 0, count >= 0, count <= (payload.endIndex - start) / 4 else {
                throw StateArchiveError(reason: "model parameters outside the payload")
            }
            model.values[name] = (0..<count).map { i in
                let at = start + 4 * i
                let bits = UInt32(payload[at]) | UInt32(payload[at + 1]) << 8 | UInt32(payload[at + 2]) << 16 | UInt32(payload[at + 3]) << 24
                return Float(bitPattern: bits)
            }
        }
        return model
    }
}
