/// The loss, the correct predictions and the gradients of a batch of rows on the engine: a
/// batch of more than `chunkRows` rows is computed in chunks whose losses and gradients add up
/// to the batch's exactly (see `RowDependence`), so its memory is that of a chunk; a model
/// that depends on the batch as a whole is computed as one batch.
///
/// Every size of batch the caller computes is compiled when this is made, before any buffer is
/// allocated, so `bytes` can be checked against the memory budget first.
final class BatchComputation {
    /// The programs by (rows, batch rows).
    private var programs: [Key: ModelProgram] = [:]
    /// How each batch size is computed: its chunks' sizes.
    private var plans: [Int: [Int]] = [:]
    /// Why a batch is computed at once rather than in chunks, if one is.
    private(set) var obstacle: Diagnostic?
    let parameterNames: [String]
    let shapes: [String: [Int]]
    /// The gradients summed over the chunks of a batch.
    private var sums: [String: UnsafeMutableBufferPointer<Float>] = [:]
    /// The programs that computed the last batch (its one program, when it was not chunked).
    private var last: ModelProgram?

    private struct Key: Hashable {
        var rows: Int
        var batch: Int
    }

    /// Compiles `definition` for batches of each of `sizes` rows, run on `threads` threads.
    init(definition: ModelDefinition, gradients: ModelProgramGradients, inputs: Int, classes: Int, sizes: Set<Int>, chunkRows: Int,
         threads: Int = 1) throws {
        parameterNames = definition.parameters.map(\.name)
        shapes = definition.shapes(inputs: inputs, classes: classes)
        func program(_ rows: Int, batch: Int) throws -> ModelProgram {
            if let existing = programs[Key(rows: rows, batch: batch)] { return existing }
            let made = try ModelProgram(definition: definition, inputs: inputs, classes: classes, rows: rows, batchRows: batch,
                                        gradients: gradients.program, training: true, threads: threads)
            programs[Key(rows: rows, batch: batch)] = made
            return made
        }
        let chunk = max(1, chunkRows)
        for size in sizes.sorted() {
            guard size > chunk else { _ = try program(size, batch: size); plans[size] = [size]; continue }
            var parts = [Int](repeating: chunk, count: size / chunk)
            if size % chunk > 0 { parts.append(size % chunk) }
            let chunks = try Set(parts).map { try program($0, batch: size) }
            if let reason = chunks.lazy.compactMap(\.chunkingObstacle).first {
                obstacle = obstacle ?? reason
                for part in Set(parts) { programs[Key(rows: part, batch: size)] = nil }
                _ = try program(size, batch: size)
                plans[size] = [size]
            } else {
                plans[size] = parts
            }
        }
    }

    deinit {
        for buffer in sums.values { buffer.deallocate() }
    }

    /// The most rows one program computes at once.
    var largestChunk: Int { programs.keys.map(\.rows).max() ?? 0 }

    /// The bytes the programs and the gradient sums of chunked batches allocate when they
    /// first run: activations and gradients of every size.
    var bytes: Int {
        let chunked = plans.values.contains { $0.count > 1 }
        let sums = chunked ? shapes.values.reduce(0) { $0 + $1.reduce(1, *) } * MemoryLayout<Float>.stride : 0
        return programs.values.reduce(sums) { $0 + $1.bytes(training: true) }
    }

    /// The parameters that get a gradient.
    var trainedParameters: [String] {
        let any = programs.values.first!
        return parameterNames.filter(any.hasGradient)
    }

    /// Makes every program read parameter (or running statistic) `name` from `storage`.
    func bind(_ name: String, to storage: UnsafeMutablePointer<Float>) {
        for program in programs.values { program.bind(name, to: storage) }
    }

    /// Computes rows `order[start..<start+count]` of `split` (`count` one of the sizes) and
    /// returns the batch's loss and how many of its rows the model classifies correctly (0 for real values);
    /// `noise` (a training step's seed and step) turns dropouts on.
    func run(_ split: DataSplit, order: [Int32], start: Int, count: Int, scale: Float, classes: Int,
             noise: (seed: UInt64, step: Int)? = nil) -> (loss: Float, correct: Int) {
        let parts = plans[count]!
        var loss: Float = 0, correct = 0, offset = 0
        if parts.count > 1 {
            for name in trainedParameters where sums[name] == nil {
                sums[name] = UnsafeMutableBufferPointer<Float>.allocate(capacity: shapes[name]!.reduce(1, *))
            }
            for sum in sums.values { sum.update(repeating: 0) }
        }
        for part in parts {
            let program = programs[Key(rows: part, batch: count)]!
            order.withUnsafeBufferPointer { o in
                // The terms that do not depend on the rows count in the first chunk only.
                program.load(split, order: o.baseAddress!, start: start + offset, count: part, scale: scale,
                             share: offset == 0 ? 1 : 0, noise: noise, into: program.trainer)
            }
            program.trainer.run()
            // A training step moves batchnorms' running statistics (a batch with them is never chunked).
            if noise != nil { program.updateRunningStatistics(in: program.trainer) }
            loss += program.lossValue
            correct += Self.correct(program.output(in: program.trainer), program, labels: split.labels, order: order,
                                    start: start + offset, count: part)
            if parts.count > 1 {
                for (name, sum) in sums {
                    guard let gradient = program.gradient(name) else { continue }
                    for i in 0..<sum.count { sum[i] += gradient[i] }
                }
            }
            offset += part
            last = program
        }
        if parts.count > 1 { last = nil }
        return (loss, correct)
    }

    /// The gradient of parameter `name` for the batch `run` computed last, or nil when it has none.
    func gradient(_ name: String) -> UnsafePointer<Float>? {
        if let last { return last.gradient(name).map { UnsafePointer($0) } }
        return sums[name].map { UnsafePointer($0.baseAddress!) }
    }

    /// The rows whose predicted class is their label (none for a model of real values).
    private static func correct(_ output: UnsafeMutablePointer<Float>, _ program: ModelProgram, labels: [UInt8], order: [Int32],
                                start: Int, count: Int) -> Int {
        guard program.output != .regression else { return 0 }
        let width = program.width
        return labels.withUnsafeBufferPointer { labels in
            order.withUnsafeBufferPointer { order in
                var hits = 0
                for r in 0..<count where program.output.predictedClass(output + r * width, width: width) == Int(labels[Int(order[start + r])]) {
                    hits += 1
                }
                return hits
            }
        }
    }
}
