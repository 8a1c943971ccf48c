import Foundation

/// The loss, the correct predictions and the gradients of a batch of rows on the engine: a
/// batch of more than `chunkRows` rows is computed in chunks whose losses and gradients add up
/// to the batch's exactly (see `RowDependence`), so its memory is that of a chunk; a model
/// that depends on the batch as a whole is computed as one batch.
///
/// With several `workers`, chunks run side by side, each on a program of its own whose matrix
/// products call OpenBLAS with one thread (OpenBLAS's own threads gained 3 % on a minibatch's
/// products for 1.7 cores): a full batch's chunks in rounds of `workers`, and a minibatch of at
/// least `rowsPerWorker` rows per worker cut into that many chunks. The chunks' losses and
/// gradients are added in chunk order, so a batch gives the same numbers for a given number
/// of workers.
///
/// Every size of batch the caller computes is compiled when this is made, before any buffer is
/// allocated, so `bytes` can be checked against the memory budget first.
final class BatchComputation {
    /// The fewest rows of a minibatch given to a worker: the MLP recipe's 256 rows go to two.
    static let rowsPerWorker = 64
    /// The programs by (rows, batch rows, worker).
    private var programs: [Key: ModelProgram] = [:]
    /// How each batch size is computed: its chunks' sizes.
    private var plans: [Int: [Int]] = [:]
    /// Why a batch is computed at once rather than in chunks, if one is.
    private(set) var obstacle: Diagnostic?
    let parameterNames: [String]
    let shapes: [String: [Int]]
    /// How many chunks run at once.
    let workers: Int
    /// The gradients summed over the chunks of a batch.
    private var sums: [String: UnsafeMutableBufferPointer<Float>] = [:]
    /// The programs that computed the last batch (its one program, when it was not chunked).
    private var last: ModelProgram?

    private struct Key: Hashable {
        var rows: Int
        var batch: Int
        var worker: Int
    }

    /// Compiles `definition` for batches of each of `sizes` rows.
    init(definition: ModelDefinition, gradients: ModelProgramGradients, inputs: Int, classes: Int, sizes: Set<Int>, chunkRows: Int,
         workers: Int = 1, rowsPerWorker: Int = BatchComputation.rowsPerWorker) throws {
        parameterNames = definition.parameters.map(\.name)
        shapes = definition.shapes(inputs: inputs, classes: classes)
        self.workers = max(1, workers)
        func program(_ rows: Int, batch: Int, worker: Int = 0) throws -> ModelProgram {
            if let existing = programs[Key(rows: rows, batch: batch, worker: worker)] { return existing }
            let made = try ModelProgram(definition: definition, inputs: inputs, classes: classes, rows: rows, batchRows: batch,
                                        gradients: gradients.program, training: true)
            programs[Key(rows: rows, batch: batch, worker: worker)] = made
            return made
        }
        let chunk = max(1, chunkRows)
        for size in sizes.sorted() {
            let parts = Self.parts(size, chunkRows: chunk, workers: self.workers, rowsPerWorker: rowsPerWorker)
            guard parts.count > 1 else { _ = try program(size, batch: size); plans[size] = [size]; continue }
            let keys = parts.indices.map { Key(rows: parts[$0], batch: size, worker: $0 % self.workers) }
            let chunks = try keys.map { try program($0.rows, batch: size, worker: $0.worker) }
            if let reason = chunks.lazy.compactMap(\.chunkingObstacle).first {
                // A minibatch cut only for the workers says nothing about memory.
                if size > chunk { obstacle = obstacle ?? reason }
                for key in keys { programs[key] = nil }
                _ = try program(size, batch: size)
                plans[size] = [size]
            } else {
                plans[size] = parts
            }
        }
    }

    /// The chunks a batch of `size` rows is computed in: of `chunkRows` rows (the last fewer)
    /// when it has more, else one per worker of at least `rowsPerWorker` rows, as even as can be.
    static func parts(_ size: Int, chunkRows: Int, workers: Int, rowsPerWorker: Int = rowsPerWorker) -> [Int] {
        if size > chunkRows {
            var parts = [Int](repeating: chunkRows, count: size / chunkRows)
            if size % chunkRows > 0 { parts.append(size % chunkRows) }
            return parts
        }
        let count = max(1, min(workers, size / max(1, rowsPerWorker)))
        return (0..<count).map { size * ($0 + 1) / count - size * $0 / count }
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
        var loss: Float = 0, correct = 0
        if parts.count > 1 {
            for name in trainedParameters where sums[name] == nil {
                sums[name] = UnsafeMutableBufferPointer<Float>.allocate(capacity: shapes[name]!.reduce(1, *))
            }
        }
        // Where each chunk's rows start in the batch.
        let offsets = Array(parts.reduce(into: [0]) { $0.append($0.last! + $1) }.dropLast())
        for round in stride(from: 0, to: parts.count, by: workers) {
            let members = round ..< min(parts.count, round + workers)
            let programs = members.map { self.programs[Key(rows: parts[$0], batch: count, worker: $0 % workers)]! }
            order.withUnsafeBufferPointer { o in
                let rows = Shared(order: o.baseAddress!, programs: programs)
                Self.withOneBLASThread(if: parts.count > 1 && workers > 1) { Self.parallel(members.count) { index in
                    let part = members.lowerBound + index, program = rows.programs[index]
                    // The terms that do not depend on the rows count in the first chunk only.
                    program.load(split, order: rows.order, start: start + offsets[part], count: parts[part], scale: scale,
                                 share: part == 0 ? 1 : 0, noise: noise, into: program.trainer)
                    program.trainer.run()
                } }
            }
            for (index, part) in members.enumerated() {
                let program = programs[index]
                // A training step moves batchnorms' running statistics (a batch with them is never chunked).
                if noise != nil { program.updateRunningStatistics(in: program.trainer) }
                loss += program.lossValue
                correct += Self.correct(program.output(in: program.trainer), program, labels: split.labels, order: order,
                                        start: start + offsets[part], count: parts[part])
                last = program
            }
            if parts.count > 1 { addGradients(of: programs, first: round == 0) }
        }
        if parts.count > 1 { last = nil }
        return (loss, correct)
    }

    /// What the workers of a round share: the rows' order and their programs, each worker
    /// writing only its own program's buffers.
    private struct Shared: @unchecked Sendable {
        let order: UnsafePointer<Int32>
        let programs: [ModelProgram]
    }

    /// Adds the gradients of a round's `programs` (in chunk order) to `sums` (from 0 in the
    /// `first` round), the values split over the workers; each value's terms are added in
    /// chunk order, whatever the split.
    private func addGradients(of programs: [ModelProgram], first: Bool) {
        let terms = Terms(sums: sums.map { name, sum in
            (sum.baseAddress!, sum.count, programs.compactMap { $0.gradient(name).map { UnsafePointer($0) } })
        })
        let total = sums.values.reduce(0) { $0 + $1.count }
        let parts = max(1, min(workers, total / ParameterStep.valuesPerWorker))
        Self.parallel(parts) { part in
            for (sum, count, gradients) in terms.sums {
                let range = ParameterStep.range(part, of: parts, count: count)
                if first { for i in range { sum[i] = 0 } }
                for gradient in gradients { for i in range { sum[i] += gradient[i] } }
            }
        }
    }

    /// Each gradient sum with its length and the terms a round adds to it.
    private struct Terms: @unchecked Sendable {
        let sums: [(UnsafeMutablePointer<Float>, Int, [UnsafePointer<Float>])]
    }

    /// Runs `body(i)` for i in 0 ..< `count`, side by side when `count` > 1.
    private static func parallel(_ count: Int, _ body: @Sendable (Int) -> Void) {
        guard count > 1 else { body(0); return }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }

    /// Runs `body` with OpenBLAS at one thread when `condition` holds: the workers are the
    /// parallelism, OpenBLAS's threads would compete with them for the cores, and a round of
    /// one chunk (the last) computes it as one worker does.
    private static func withOneBLASThread(if condition: Bool, _ body: () -> Void) {
        let threads = BLAS.threads
        guard condition, threads > 1 else { body(); return }
        BLAS.setThreads(1)
        defer { BLAS.setThreads(threads) }
        body()
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
