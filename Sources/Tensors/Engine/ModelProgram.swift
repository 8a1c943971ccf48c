/// A declared model compiled for a fixed number of rows: the forward pass, the loss and the
/// gradient of every parameter, as one `Graph` run by one `GraphExecutor` per purpose.
///
/// Gradients come from reverse-mode differentiation of the loss (`GraphGradient`) or, when
/// the author gives formulas (`grad W1: …` with helper definitions), from those formulas
/// compiled into the same graph: either way the step is matrix products through BLAS and
/// elementwise loops over preallocated buffers, so its cost depends on the work, not on how
/// the formulas are written.
package final class ModelProgram {
    /// Where the gradients come from.
    package enum Gradients {
        case automatic
        /// The author's formulas (`grad NAME:` lines) and the helper definitions they use.
        case formulas(definitions: [ParsedExpression], gradients: [GradCheckProgram.Gradient])
    }

    let rows: Int
    let inputs: Int
    let classes: Int
    let output: ModelOutput
    /// Columns of the output: the classes, or 1.
    let width: Int
    let parameterNames: [String]
    /// The names of the running statistics (`H.running_mean`, …), bound like parameters.
    let stateNames: [String]
    let shapes: [String: [Int]]
    private let graph: Graph
    private var inputNodes: [String: Int] = [:]
    private var parameterNodes: [String: Int] = [:]
    /// The running statistics of the batchnorms (model state the caller binds like parameters).
    private var stateNodes: [String: Int] = [:]
    /// Each batchnorm's input and running mean and variance, which a training step updates.
    private var normalisations: [(input: Int, mean: Int, variance: Int)] = []
    private(set) var loss = 0
    /// The output node: `P`, `p` or `yhat`.
    private(set) var outputNode = 0
    private(set) var gradientNodes: [String: Int] = [:]
    /// What the trainer computes: the loss, the output and the gradients (nil: not training).
    private var trainerOutputs: [Int]?
    /// Parameters read from the caller's storage (`bind`).
    private var bound: [Int: UnsafeMutablePointer<Float>] = [:]
    /// Why chunks of this program's rows do not add up to the batch (nil: they do), located
    /// at the first value that depends on the batch as a whole.
    private(set) var chunkingObstacle: Diagnostic?
    /// The threads the executors split a matrix product or a layer kernel over.
    let threads: Int

    /// Runs the loss, the output and the gradients (made when first used).
    private(set) lazy var trainer: GraphExecutor = GraphExecutor(graph: graph, outputs: trainerOutputs!, bound: bound, threads: threads)
    /// Runs the output only (made when first used).
    private(set) lazy var predictor: GraphExecutor = GraphExecutor(graph: graph, outputs: [outputNode], bound: bound, threads: threads)

    /// The model for `rows` rows of a batch of `batchRows` (default: the same): with fewer,
    /// a chunk of the batch, whose means over rows divide by `batchRows` and whose `N` is it;
    /// its products and layer kernels split over `threads` threads.
    package init(definition: ModelDefinition, inputs: Int, classes: Int, rows: Int, batchRows: Int? = nil,
         gradients: Gradients, training: Bool, threads: Int = 1) throws {
        self.rows = rows
        self.threads = max(1, threads)
        self.inputs = inputs
        self.classes = classes
        output = definition.output
        width = output.width(classes: classes)
        graph = Graph(batchRows: batchRows ?? rows)
        parameterNames = definition.parameters.map(\.name)
        stateNames = definition.stateNames
        shapes = definition.shapes(inputs: inputs, classes: classes)
        let origin = definition.loss.origin
        var names: [String: Int] = [:]
        let perRow = RowDependence.perRow(axis: 0)
        let data: [String: ([Int], RowDependence)] = ["X": ([rows, inputs], perRow), "Y": ([rows, classes], perRow), "y": ([rows], perRow),
                                                      "t": ([rows, 1], perRow), "N": ([], .none)]
        for name in output.dataNames {
            let (shape, rows) = data[name]!
            let node = graph.add(.input(name), shape: shape, at: origin, rows: rows)
            inputNodes[name] = node
            names[name] = node
        }
        let share = graph.add(.input("share"), shape: [], at: origin, rows: .additive)
        inputNodes["share"] = share
        graph.share = share
        for parameter in definition.parameters {
            let node = graph.add(.parameter(parameter.name), shape: shapes[parameter.name]!, at: parameter.location)
            parameterNodes[parameter.name] = node
            names[parameter.name] = node
        }
        for (name, shape) in definition.stateShapes(inputs: inputs, classes: classes) {
            let node = graph.add(.input(name), shape: shape, at: origin, rows: RowDependence.none)
            stateNodes[name] = node
            names[name] = node
        }
        for statement in definition.forward {
            _ = try GraphCompiler.compile(statement, into: graph, names: &names)
        }
        for (index, node) in graph.nodes.enumerated() {
            guard case let .layer(op, operands, _) = node.op, !op.state.isEmpty else { continue }
            normalisations.append((operands[0], operands[3], operands[4]))
            // While training it normalises with the batch's statistics: the rows of a batch are computed together.
            if training, chunkingObstacle == nil {
                chunkingObstacle = Diagnostic.error("\(op.name) normalises with the statistics of the whole batch while training, so the batch is computed at once, not in chunks of rows",
                                                    at: graph.nodes[index].location)
            }
        }
        outputNode = names[output.name]!
        guard graph.shape(outputNode) == [rows, width] else {
            let statement = definition.forward.last { $0.binding == output.name }!
            throw Diagnostic.error("\(output.name) is \(Tensor.describe(graph.shape(outputNode))) but must be rows × \(output == .classes ? "classes" : "1") (\(rows)×\(width))",
                                   at: statement.origin)
        }
        if graph.rows(outputNode) != perRow {
            chunkingObstacle = obstacle(outputNode, "the output \(output.name)")
        }
        guard training else { return }
        loss = try GraphCompiler.compile(definition.loss, into: graph, names: &names)
        guard graph.shape(loss).isEmpty else {
            throw Diagnostic.error("the loss is \(Tensor.describe(graph.shape(loss))), not a number", at: definition.loss.origin,
                                   hint: "average over the rows, e.g. \(output.usualLoss)")
        }
        loss = shared(loss)
        if chunkingObstacle == nil, graph.rows(loss) != .additive { chunkingObstacle = obstacle(loss, "the loss") }
        switch gradients {
        case .automatic:
            // The chunks' losses add up to the batch's, and so do their gradients.
            gradientNodes = GraphGradient.gradients(of: loss, in: graph, parameters: parameterNodes)
        case let .formulas(definitions, formulas):
            for statement in definitions { _ = try GraphCompiler.compile(statement, into: graph, names: &names) }
            for formula in formulas {
                guard let shape = shapes[formula.name] else {
                    throw Diagnostic.error("grad \(formula.name): but the model has no parameter \(formula.name)", at: formula.nameLocation,
                                           hint: "parameters: " + parameterNames.joined(separator: ", "))
                }
                let node = shared(try GraphCompiler.compile(formula.formula, into: graph, names: &names))
                guard graph.shape(node) == shape else {
                    throw Diagnostic.error("the formula for \(formula.name) is \(Tensor.describe(graph.shape(node))), but \(formula.name) is \(Tensor.describe(shape))",
                                           at: formula.formula.origin, hint: "a gradient has the shape of its parameter")
                }
                if chunkingObstacle == nil, graph.rows(node) != .additive { chunkingObstacle = obstacle(node, "the formula for \(formula.name)") }
                gradientNodes[formula.name] = node
            }
        }
        trainerOutputs = [loss, outputNode] + gradientNodes.values.sorted()
    }

    /// `node` weighted by the chunk's share when it does not depend on the rows, so it counts once.
    private func shared(_ node: Int) -> Int {
        guard graph.rows(node) == .none, let share = graph.share else { return node }
        return graph.add(.binary(.multiply, node, share), shape: graph.shape(node), at: graph.nodes[node].location)
    }

    /// Why chunks of rows do not add up to `node` (`what`), at the first value it needs that
    /// depends on the batch as a whole.
    private func obstacle(_ node: Int, _ what: String) -> Diagnostic {
        let culprit = GraphExecutor.schedule(of: [node], in: graph).first { graph.rows($0) == .whole } ?? node
        return Diagnostic.error("\(what) cannot be computed in chunks of rows: this value depends on the batch as a whole (a statistic over the rows used again row by row, or a nonlinear function of a sum over rows)",
                                at: graph.nodes[culprit].location)
    }

    /// The bytes the trainer (`training`) or the predictor allocates, leaving out bound parameters.
    func bytes(training: Bool) -> Int {
        GraphExecutor.bytes(for: training ? trainerOutputs! : [outputNode], in: graph, bound: Set(bound.keys), threads: threads)
    }

    /// The buffer of input `name` (`X`, `Y`, `y`, `t`, `N`, `share`) in `executor`, if it reads it.
    func input(_ name: String, in executor: GraphExecutor) -> UnsafeMutablePointer<Float>? {
        inputNodes[name].flatMap { executor.contains($0) ? executor.buffer(of: $0) : nil }
    }

    /// The buffer of parameter or running statistic `name` in `executor`, if it reads it.
    func parameter(_ name: String, in executor: GraphExecutor) -> UnsafeMutablePointer<Float>? {
        (parameterNodes[name] ?? stateNodes[name]).flatMap { executor.contains($0) ? executor.buffer(of: $0) : nil }
    }

    /// Makes every executor read parameter or running statistic `name` from `storage` (before they are first used).
    func bind(_ name: String, to storage: UnsafeMutablePointer<Float>) {
        guard let node = parameterNodes[name] ?? stateNodes[name] else { return }
        bound[node] = storage
    }

    /// Moves each batchnorm's running statistics towards the batch `executor` has just
    /// computed in a training step (`BatchNormalization.update`).
    func updateRunningStatistics(in executor: GraphExecutor) {
        for (input, mean, variance) in normalisations where executor.contains(input) && executor.contains(mean) {
            let shape = graph.shape(input)
            BatchNormalization.update(mean: executor.buffer(of: mean), variance: executor.buffer(of: variance),
                                      from: executor.buffer(of: input), rows: shape[0], width: shape[1])
        }
    }

    func hasGradient(_ name: String) -> Bool { gradientNodes[name] != nil }

    func gradient(_ name: String) -> UnsafeMutablePointer<Float>? {
        gradientNodes[name].map { trainer.buffer(of: $0) }
    }

    var lossValue: Float { trainer.buffer(of: loss).pointee }

    /// The output's values (rows × width) in `executor`.
    func output(in executor: GraphExecutor) -> UnsafeMutablePointer<Float> { executor.buffer(of: outputNode) }

    /// Writes rows `order[start..<start+count]` of `split` as X (pixels × scale), Y, y and t, the
    /// batch's rows as N, and the chunk's `share` of the terms that do not depend on the rows;
    /// with `noise` (a training step's seed and step) dropouts draw masks for these rows, else they are the identity.
    func load(_ split: DataSplit, order: UnsafePointer<Int32>, start: Int, count: Int, scale: Float, share: Float = 1,
              noise: (seed: UInt64, step: Int)? = nil, into executor: GraphExecutor) {
        precondition(count == rows)
        executor.noise = noise.map { TrainingNoise(seed: $0.seed, step: $0.step, rows: (0..<count).map { Int(order[start + $0]) }) }
        let pixels = split.pixelCount
        if let features = split.features, let x = input("X", in: executor) {
            // Real-valued features (a CSV data set) as they are.
            for r in 0..<count {
                let source = Int(order[start + r]) * pixels
                for p in 0..<pixels { x[r * pixels + p] = Float(features[source + p]) }
            }
        } else { split.images.withUnsafeBufferPointer { images in
            if let x = input("X", in: executor) {
                for r in 0..<count {
                    let source = images.baseAddress! + Int(order[start + r]) * pixels
                    let target = x + r * pixels
                    for p in 0..<pixels { target[p] = Float(source[p]) * scale }
                }
            }
        } }
        if let y = input("Y", in: executor) {
            y.update(repeating: 0, count: rows * classes)
            for r in 0..<count { y[r * classes + Int(split.labels[Int(order[start + r])])] = 1 }
        }
        if let labels = input("y", in: executor) {
            for r in 0..<count { labels[r] = Float(split.labels[Int(order[start + r])]) }
        }
        if let targets = input("t", in: executor) {
            for r in 0..<count { targets[r] = Float(split.target(Int(order[start + r]))) }
        }
        input("N", in: executor)?.pointee = Float(graph.batchRows)
        input("share", in: executor)?.pointee = share
    }
}
