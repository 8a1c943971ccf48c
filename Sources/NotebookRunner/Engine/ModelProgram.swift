/// A declared model compiled for a fixed number of rows: the forward pass, the loss and the
/// gradient of every parameter, as one `Graph` run by one `GraphExecutor` per purpose.
///
/// Gradients come from reverse-mode differentiation of the loss (`GraphGradient`) or, when
/// the author gives formulas (`grad W1: …` with helper definitions), from those formulas
/// compiled into the same graph: either way the step is matrix products through BLAS and
/// elementwise loops over preallocated buffers, so its cost depends on the work, not on how
/// the formulas are written.
final class ModelProgram {
    /// Where the gradients come from.
    enum Gradients {
        case automatic
        /// The author's formulas (`grad NAME:` lines) and the helper definitions they use.
        case formulas(definitions: [ParsedExpression], gradients: [GradCheckProgram.Gradient])
    }

    let rows: Int
    let inputs: Int
    let classes: Int
    let parameterNames: [String]
    let shapes: [String: [Int]]
    private let graph = Graph()
    private var inputNodes: [String: Int] = [:]
    private var parameterNodes: [String: Int] = [:]
    private(set) var loss = 0
    private(set) var probabilities = 0
    private(set) var gradientNodes: [String: Int] = [:]
    /// Runs the loss, the probabilities and the gradients.
    private(set) var trainer: GraphExecutor!
    /// Runs the probabilities only.
    private(set) var predictor: GraphExecutor!

    init(definition: ModelDefinition, inputs: Int, classes: Int, rows: Int, gradients: Gradients, training: Bool) throws {
        self.rows = rows
        self.inputs = inputs
        self.classes = classes
        parameterNames = definition.parameters.map(\.name)
        shapes = definition.shapes(inputs: inputs, classes: classes)
        let origin = definition.loss.origin
        var names: [String: Int] = [:]
        for (name, shape) in [("X", [rows, inputs]), ("Y", [rows, classes]), ("y", [rows]), ("N", [])] {
            let node = graph.add(.input(name), shape: shape, at: origin)
            inputNodes[name] = node
            names[name] = node
        }
        for parameter in definition.parameters {
            let node = graph.add(.parameter(parameter.name), shape: shapes[parameter.name]!, at: parameter.location)
            parameterNodes[parameter.name] = node
            names[parameter.name] = node
        }
        for statement in definition.forward {
            _ = try GraphCompiler.compile(statement, into: graph, names: &names)
        }
        probabilities = names[definition.probabilities]!
        guard graph.shape(probabilities) == [rows, classes] else {
            let statement = definition.forward.last { $0.binding == definition.probabilities }!
            throw Diagnostic.error("P is \(Tensor.describe(graph.shape(probabilities))) but must be rows × classes (\(rows)×\(classes))",
                                   at: statement.origin)
        }
        predictor = GraphExecutor(graph: graph, outputs: [probabilities])
        guard training else { return }
        loss = try GraphCompiler.compile(definition.loss, into: graph, names: &names)
        guard graph.shape(loss).isEmpty else {
            throw Diagnostic.error("the loss is \(Tensor.describe(graph.shape(loss))), not a number", at: definition.loss.origin,
                                   hint: "average over the rows, e.g. -mean(sum(Y * log(P), axis=1))")
        }
        switch gradients {
        case .automatic:
            gradientNodes = GraphGradient.gradients(of: loss, in: graph, parameters: parameterNodes)
        case let .formulas(definitions, formulas):
            for statement in definitions { _ = try GraphCompiler.compile(statement, into: graph, names: &names) }
            for formula in formulas {
                guard let shape = shapes[formula.name] else {
                    throw Diagnostic.error("grad \(formula.name): but the model has no parameter \(formula.name)", at: formula.nameLocation,
                                           hint: "parameters: " + parameterNames.joined(separator: ", "))
                }
                let node = try GraphCompiler.compile(formula.formula, into: graph, names: &names)
                guard graph.shape(node) == shape else {
                    throw Diagnostic.error("the formula for \(formula.name) is \(Tensor.describe(graph.shape(node))), but \(formula.name) is \(Tensor.describe(shape))",
                                           at: formula.formula.origin, hint: "a gradient has the shape of its parameter")
                }
                gradientNodes[formula.name] = node
            }
        }
        trainer = GraphExecutor(graph: graph, outputs: [loss, probabilities] + gradientNodes.values.sorted())
    }

    /// The buffer of input `name` (`X`, `Y`, `y`, `N`) in `executor`, if it reads it.
    func input(_ name: String, in executor: GraphExecutor) -> UnsafeMutablePointer<Float>? {
        inputNodes[name].flatMap { executor.contains($0) ? executor.buffer(of: $0) : nil }
    }

    func parameter(_ name: String, in executor: GraphExecutor) -> UnsafeMutablePointer<Float>? {
        parameterNodes[name].flatMap { executor.contains($0) ? executor.buffer(of: $0) : nil }
    }

    /// Makes every executor read parameter `name` from `storage`.
    func bind(_ name: String, to storage: UnsafeMutablePointer<Float>) {
        guard let node = parameterNodes[name] else { return }
        trainer?.bind(node, to: storage)
        predictor.bind(node, to: storage)
    }

    func gradient(_ name: String) -> UnsafeMutablePointer<Float>? {
        gradientNodes[name].map { trainer.buffer(of: $0) }
    }

    var lossValue: Float { trainer.buffer(of: loss).pointee }

    func probabilities(in executor: GraphExecutor) -> UnsafeMutablePointer<Float> { executor.buffer(of: probabilities) }

    /// Writes rows `order[start..<start+count]` of `split` as X (pixels × scale), Y, y and N.
    func load(_ split: DataSplit, order: UnsafePointer<Int32>, start: Int, count: Int, scale: Float, into executor: GraphExecutor) {
        precondition(count <= rows)
        let pixels = split.pixelCount
        split.images.withUnsafeBufferPointer { images in
            if let x = input("X", in: executor) {
                for r in 0..<count {
                    let source = images.baseAddress! + Int(order[start + r]) * pixels
                    let target = x + r * pixels
                    for p in 0..<pixels { target[p] = Float(source[p]) * scale }
                }
            }
        }
        if let y = input("Y", in: executor) {
            y.update(repeating: 0, count: rows * classes)
            for r in 0..<count { y[r * classes + Int(split.labels[Int(order[start + r])])] = 1 }
        }
        if let labels = input("y", in: executor) {
            for r in 0..<count { labels[r] = Float(split.labels[Int(order[start + r])]) }
        }
        input("N", in: executor)?.pointee = Float(count)
    }
}
