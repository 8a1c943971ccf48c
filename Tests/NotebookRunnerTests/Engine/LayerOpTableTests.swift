import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// Tests generated from the table of layer ops (convolution, pooling, reshaping): one case
/// per entry of `LayerOp.all`, on the 4×4 images of the test data set.
@Suite struct LayerOpTableTests {
    /// A small model whose forward pass runs through `op` (and, for the reshaping ops, a convolution).
    static func model(_ op: LayerOp) -> [String] {
        let parameters = ["param K: 3×1×3×3 uniform(0.5)", "param c: 3 uniform(0.2)", "param W: 12×classes normal(0.3)"]
        let hidden: [String]
        switch op.name {
        case "conv2d": hidden = ["Z = conv2d(images(X), K, c, stride=2, padding=1)", "H = flatten(tanh(Z))"]
        case "maxpool": hidden = ["Z = conv2d(images(X), K, c, padding=1)", "H = flatten(maxpool(Z, 2))"]
        case "avgpool": hidden = ["Z = conv2d(images(X), K, c, padding=1)", "H = flatten(avgpool(sigmoid(Z), 2))"]
        case "flatten": hidden = ["Z = conv2d(images(X), K, c)", "H = flatten(relu(Z) + 0.1 * Z)"]
        case "reshape": hidden = ["Z = conv2d(reshape(X, [-1, 1, 4, 4]), K, c)", "H = reshape(tanh(Z), [-1, 12])"]
        case "dropout": hidden = ["Z = conv2d(images(X), K, c, stride=2, padding=1)", "H = dropout(flatten(tanh(Z)), 0.4)"]
        case "layernorm":
            return parameters + ["param g: 12 uniform(0.5)", "param s: 12 uniform(0.2)", "Z = conv2d(images(X), K, c, stride=2, padding=1)",
                                 "H = layernorm(flatten(tanh(Z)), g + 1, s)", "P = softmax(H @ W)", "loss: -mean(sum(Y * log(P), axis=1))"]
        case "batchnorm":
            // A training step (the test's noise): the batch's statistics, in both.
            return parameters + ["param g: 12 uniform(0.5)", "param s: 12 uniform(0.2)", "Z = conv2d(images(X), K, c, stride=2, padding=1)",
                                 "H = batchnorm(flatten(tanh(Z)), g, s)", "P = softmax(H @ W)", "loss: -mean(sum(Y * log(P), axis=1))"]
        default: hidden = ["Z = conv2d(\(op.name)(X), K, c, stride=2, padding=1)", "H = flatten(Z)"]
        }
        return parameters + hidden + ["P = softmax(H @ W)", "loss: -mean(sum(Y * log(P), axis=1))"]
    }

    @Test(arguments: LayerOp.all.map(\.name))
    func engineGradientEqualsTheFloat64Reference(_ name: String) throws {
        let op = try #require(LayerOp.named(name))
        // With a training step's noise, so a dropout draws its masks (the same in both).
        let (engine, exact) = try EngineTests().gradients(EngineTests.definition(Self.model(op)), noise: (seed: 9, step: 2))
        #expect(engine.count == Self.model(op).filter { $0.hasPrefix("param ") }.count)
        for (parameter, values) in engine {
            let error = GradientCheck.relativeError(values.map(Double.init), exact[parameter]!.data)
            #expect(error < 1e-4, "\(name): ∂loss/∂\(parameter) differs by \(error)")
            #expect(values.contains { $0 != 0 }, "\(name): ∂loss/∂\(parameter) is all zeros, so the check shows nothing")
        }
    }

    /// The Float64 gradient rule against central differences of the Float64 value, for every
    /// tensor argument, on images of two channels (so sums over channels are checked too).
    @Test(arguments: LayerOp.all.map(\.name))
    func gradientRuleMatchesCentralDifferences(_ name: String) throws {
        let op = try #require(LayerOp.named(name))
        var generator = Xoshiro256StarStar(seed: 21)
        func random(_ shape: [Int]) -> Tensor { Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in generator.normal() }) }
        var settings = LayerOp.Settings()
        var inputs: [Tensor]
        switch name {
        case "conv2d":
            inputs = [random([2, 2, 5, 5]), random([3, 2, 3, 3]), random([3])]
            (settings.stride, settings.padding) = (2, 1)
        case "maxpool", "avgpool":
            inputs = [random([2, 2, 4, 6])]
            settings.size = 2
        case "reshape":
            inputs = [random([2, 18])]
            settings.shape = [-1, 2, 3, 3]
        case "images":
            inputs = [random([2, 9])]
        case "layernorm":
            inputs = [random([3, 5]), random([5]), random([5])]
        case "batchnorm":
            inputs = [random([4, 5]), random([5]), random([5])]
        case "dropout":
            inputs = [random([2, 2, 3, 3])]
            (settings.rate, settings.noise) = (0.3, TrainingNoise(seed: 3, step: 1, rows: [5, 8]))
        default:
            inputs = [random([2, 2, 3, 3])]
        }
        let shape = try op.shape(inputs.map(\.shape), settings)
        let weights = random(shape)
        func loss(_ values: [Tensor]) -> Double {
            zip(op.value(values, settings, shape).data, weights.data).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let gradients = op.gradient(weights, inputs, settings)
        #expect(gradients.count == op.tensors.count)
        for (which, gradient) in gradients.enumerated() {
            #expect(gradient.shape == inputs[which].shape)
            for index in 0..<inputs[which].count {
                let h = 1e-5
                var plus = inputs, minus = inputs
                plus[which].data[index] += h
                minus[which].data[index] -= h
                let numeric = (loss(plus) - loss(minus)) / (2 * h)
                #expect(abs(gradient.data[index] - numeric) < 1e-6 * max(1, abs(numeric)),
                        "\(name): ∂/∂input \(which) at \(index): \(gradient.data[index]) vs \(numeric)")
            }
        }
    }

    /// The engine's forward kernel computes the Float64 value, to Float32's precision, also
    /// over several groups of images spread over the cores.
    @Test(arguments: LayerOp.all.map(\.name))
    func kernelComputesTheFloat64Value(_ name: String) throws {
        let op = try #require(LayerOp.named(name))
        var generator = Xoshiro256StarStar(seed: 5)
        func random(_ shape: [Int]) -> Tensor { Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Double(Float(generator.normal())) }) }
        let images = ConvolutionKernels.groupImages * 2 + 3
        var settings = LayerOp.Settings()
        var inputs = [random(name == "images" || name == "reshape" ? [images, 36] : [images, 2, 6, 6])]
        switch name {
        case "conv2d": inputs += [random([4, 2, 3, 3]), random([4])]; settings.padding = 2
        case "maxpool", "avgpool": settings.size = 3
        case "reshape": settings.shape = [-1, 4, 9]
        case "dropout": (settings.rate, settings.noise) = (0.5, TrainingNoise(seed: 1, step: 7, rows: Array(100..<(100 + images))))
        case "layernorm": inputs = [random([images, 7]), random([7]), random([7])]
        case "batchnorm":
            // Evaluating: with running means and variances (the batch's statistics are checked against the interpreter in a model).
            inputs = [random([images, 7]), random([7]), random([7]), random([7]), Tensor(vector: (0..<7).map { Double(Float(0.5 + Double($0) / 4)) })]
            settings.batchStatistics = false
        default: break
        }
        let shape = try op.shape(inputs.map(\.shape), settings)
        let expected = op.value(inputs, settings, shape)
        let floats = inputs.map { $0.data.map(Float.init) }
        var output = [Float](repeating: .nan, count: shape.reduce(1, *))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, op.workspace(inputs.map(\.shape), shape, 2)))
        defer { scratch.deallocate() }
        let pointers = floats.map { values -> UnsafeMutablePointer<Float> in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: values.count)
            p.initialize(from: values, count: values.count)
            return p
        }
        defer { pointers.forEach { $0.deallocate() } }
        output.withUnsafeMutableBufferPointer { out in
            op.kernel(LayerOp.KernelCall(inputs: pointers.map { UnsafePointer($0) }, shapes: inputs.map(\.shape), output: out.baseAddress!,
                                         outputShape: shape, settings: settings, scratch: scratch, threads: 2))
        }
        let error = GradientCheck.relativeError(output.map(Double.init), expected.data)
        #expect(error < 1e-6, "\(name): the kernel's value differs by \(error)")
    }

    /// Every layer op is one the engine accepts in a `{model}`, and listed in the docs' table.
    @Test(arguments: LayerOp.all.map(\.name))
    func engineAcceptsEveryLayerOp(_ name: String) throws {
        #expect(GraphCompiler.functions.contains(name))
        #expect(ExpressionFunction.named(name) != nil)
        #expect(OpReference.markdown.contains("| `\(name)("))
        let statement = try ExpressionParser.parseStatement("H = \(name)(X)", at: SourceLocation(file: "m.md", line: 1))
        #expect(EngineSupport.unsupported(in: statement) == nil)
    }

    /// Random small convolutional models: the engine's loss and gradients against the
    /// interpreter's in one batch, in chunks of rows and in a minibatch (as `EnginePropertyTests`).
    @Test func randomConvolutionalModelsAgreeWithTheInterpreter() throws {
        let split = ExpressionTestSupport.dataset(count: 23).train!
        var generator = Xoshiro256StarStar(seed: 21)
        func pick<T>(_ choices: [T]) -> T { choices[Int(generator.next() % UInt64(choices.count))] }
        var checked = 0
        for index in 0..<24 {
            let kernels = pick([2, 3]), (side, padding, stride) = pick([(3, 1, 1), (3, 0, 1), (2, 0, 2), (3, 1, 2)])
            let out = (4 + 2 * padding - side) / stride + 1
            let pool = out % 2 == 0 && pick([true, false]) ? pick(["maxpool", "avgpool"]) : nil
            let cells = kernels * (pool == nil ? out * out : (out / 2) * (out / 2))
            let input = pick(["images(X)", "reshape(X, [-1, 1, 4, 4])", "images(X) - 0.5"])
            var lines = ["param K: \(kernels)×1×\(side)×\(side) \(pick(["uniform(0.5)", "he", "xavier"]))",
                         "param c: \(kernels) \(pick(["zeros", "uniform(0.2)"]))", "param W: \(cells)×classes normal(0.3)",
                         "A = \(pick(["relu", "tanh", "sigmoid"]))(conv2d(\(input), K, c, stride=\(stride), padding=\(padding)))"]
            lines.append("H = " + (pool.map { "flatten(\($0)(A, 2))" } ?? pick(["flatten(A)", "reshape(A, [-1, \(cells)])"])))
            lines += ["P = softmax(H @ W)", "loss: -mean(sum(Y * log(P), axis=1))" + pick(["", " + 0.01 * sum(K * K)"])]
            let text = "model \(index):\n  " + lines.joined(separator: "\n  ")
            let definition = try EngineTests.definition(lines)
            let values = ParameterInitializer.values(of: definition, inputs: 16, classes: 10, seed: UInt64(index))
            for (count, chunkRows, what) in [(23, 4096, "one batch of 23"), (23, 5, "23 rows in chunks of 5"), (7, 4096, "a minibatch of 7")] {
                let (exact, _) = try #require(try EnginePropertyTests.reference(definition, values, on: split, count: count))
                let (engine, chunked) = try EnginePropertyTests.engine(definition, values, on: split, count: count, chunkRows: chunkRows)
                #expect(chunked == (chunkRows < count), "\(what): chunked \(chunked)\n\(text)")
                #expect(abs(engine.loss - exact.loss) / max(abs(exact.loss), 1e-3) < 1e-4, "\(what): loss \(engine.loss) vs \(exact.loss)\n\(text)")
                for (name, gradient) in exact.gradients {
                    let difference = EnginePropertyTests.norm(zip(engine.gradients[name] ?? [], gradient).map { $0 - $1 })
                    let error = difference / max(EnginePropertyTests.norm(gradient), 1e-9)
                    #expect(engine.gradients[name]?.count == gradient.count && error < 1e-4, "\(what): ∂loss/∂\(name) relative error \(error)\n\(text)")
                }
                checked += 1
            }
        }
        #expect(checked == 72)
    }

    /// Shape mistakes are located errors naming the shapes, in the interpreter and the engine alike.
    @Test func shapeMistakesAreLocatedInBothPaths() throws {
        let lines = ["param K: 3×2×3×3 uniform(0.5)", "param c: 3 zeros", "param W: 12×classes normal(0.3)",
                     "Z = conv2d(images(X), K, c)", "P = softmax(flatten(Z) @ W)", "loss: -mean(sum(Y * log(P), axis=1))"]
        let definition = try EngineTests.definition(lines)
        let error = try #require(throws: Diagnostic.self) {
            _ = try ModelProgram(definition: definition, inputs: 16, classes: 10, rows: 4, gradients: .automatic, training: true)
        }
        #expect(error.message.contains("C = 1") && error.message.contains("(3×2×3×3)"), "\(error.message)")
        #expect(error.location?.line == 4)
        var scope = ExpressionScope(values: ["X": Tensor.filled([2, 16], 0.5), "K": Tensor.filled([3, 2, 3, 3], 1), "c": Tensor.filled([3], 0)])
        scope.values["Z"] = nil
        let statement = try ExpressionParser.parseStatement("Z = conv2d(images(X), K, c)", at: SourceLocation(file: "e.md", line: 9))
        let interpreted = try #require(throws: Diagnostic.self) { _ = try scope.evaluate(statement) }
        #expect(interpreted.message == error.message)
    }
}
