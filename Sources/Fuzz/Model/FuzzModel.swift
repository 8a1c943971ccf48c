import NotebookRunner

/// Nine 2×2 training images of 3 classes and four test images: data every input trains on.
nonisolated(unsafe) let trainSplit = DataSplit(name: "train", images: (0 ..< 36).map { UInt8(($0 * 37) % 256) },
                                               labels: (0 ..< 9).map { UInt8($0 % 3) }, count: 9, rows: 2, cols: 2, sources: [])
nonisolated(unsafe) let testSplit = DataSplit(name: "test", images: (0 ..< 16).map { UInt8(($0 * 91) % 256) },
                                              labels: [2, 0, 1, 1], count: 4, rows: 2, cols: 2, sources: [])

/// libFuzzer entry: a declared model trained for a few steps. The first four bytes choose the
/// `{train}` options (batch: full or 1…8 rows; rows per chunk: 2, 3, 4 or 4096; 1…3 steps; the
/// learning rate); the rest, as UTF-8, is a `{model}` body — `param` lines, the forward pass,
/// `loss:` and any `grad NAME:` formulas. It is parsed, drawn, checked by the interpreter on two
/// rows as `{model}` does, trained under a 64 MB budget and evaluated on the test rows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 4 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[4...]), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
        SourceLine(text: String($1), location: SourceLocation(file: "fuzz.md", line: $0 + 1))
    }
    guard !lines.isEmpty, let definition = try? ModelDefinitionParser.parse(lines, at: SourceLocation(file: "fuzz.md", line: 1)) else {
        return 0
    }
    let shapes = definition.shapes(inputs: trainSplit.pixelCount, classes: 3)
    // {model}'s own budget check: at most a million parameter values here.
    guard shapes.values.reduce(0, { $0 + $1.reduce(1, *) }) <= 1_000_000 else { return 0 }
    let initial = ParameterInitializer.values(of: definition, inputs: trainSplit.pixelCount, classes: 3, seed: UInt64(bytes[0]),
                                              as: Float.self)
    guard initial.values.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { return 0 }

    // The interpreter on two rows, as {model} checks a declaration.
    var scope = ExpressionScope(values: trainSplit.tensors(rows: [0, 1], classes: 3))
    scope.limits = EvaluationLimits(memory: MemoryBudget(bytes: 64 << 20))
    for parameter in definition.parameters {
        scope.values[parameter.name] = Tensor(shape: shapes[parameter.name]!, data: initial[parameter.name]!.map(Double.init))
    }
    _ = try? scope.evaluate(definition.loss, after: definition.forward)

    var configuration = TrainingConfiguration()
    configuration.batchSize = bytes[0] % 9 == 0 ? .full : .rows(Int(bytes[0] % 9))
    configuration.length = .steps(1 + Int(bytes[2] % 3))
    configuration.learningRate = [0.5, 0.1, 1e-3, 10][Int(bytes[3] % 4)]
    configuration.threads = 1
    let gradients: ModelProgramGradients = definition.gradients.isEmpty
        ? .automatic : .formulas(definitions: definition.gradientDefinitions, gradients: definition.gradients)
    var trainer = ModelTrainer(definition: definition, configuration: configuration, gradients: gradients, shuffles: bytes[1] & 1 == 0,
                               pixelScale: 1.0 / 255, memoryBudget: MemoryBudget(bytes: 64 << 20))
    trainer.chunkRows = [2, 3, 4, 4096][Int(bytes[1] >> 1) % 4]
    guard let outcome = try? trainer.train(from: initial, on: trainSplit, test: testSplit, classes: 3) else { return 0 }
    _ = try? ModelTrainer.predictions(definition: definition, parameters: outcome.parameters, on: testSplit, classes: 3,
                                      pixelScale: 1.0 / 255, block: 3)
    return 0
}
