import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// A binary model's loss on the engine where Float32's sigmoid rounds to exactly 0 or 1.
@Suite struct BinaryOutputTests {
    /// Two images that are 8s (pixel 255) scored +20 and two 3s (pixel 0) scored −20, with
    /// the targets the wrong way round: every row costs about 20 nats. Float32's sigmoid(20)
    /// is exactly 1, so log(1 − p) was −inf and training stopped; written as −softplus(a) it is finite.
    @Test(arguments: ["-mean(t * log(p) + (1 - t) * log(1 - p))", "-mean((1 - t) * log(1 - p)) - mean(t * log(p))"])
    func theBinaryCrossEntropyOfAConfidentWrongModelIsFinite(loss: String) throws {
        let definition = try EngineTests.definition(["param w: inputs×1 constant(40)", "param b: 1 constant(-20)",
                                                     "p = sigmoid(X @ w + b)", "loss: " + loss])
        #expect(definition.output == .binary)
        let split = DataSplit(name: "train", images: [255, 255, 0, 0], labels: [0, 0, 1, 1], count: 4, rows: 1, cols: 1, sources: [])
        let program = try ModelProgram(definition: definition, inputs: 1, classes: 2, rows: 4, gradients: .automatic, training: true)
        program.parameter("w", in: program.trainer)!.pointee = 40
        program.parameter("b", in: program.trainer)!.pointee = -20
        let order = [Int32](0..<4)
        order.withUnsafeBufferPointer { program.load(split, order: $0.baseAddress!, start: 0, count: 4, scale: 1 / 255, into: program.trainer) }
        program.trainer.run()
        #expect(abs(program.lossValue - 20) < 1e-4, "loss \(program.lossValue)")
        // ∂J/∂a = (p − t) / N: +1/4 for the 8s scored +20 (x = 1), −1/4 for the 3s (x = 0).
        #expect(abs(program.gradient("w")!.pointee - 0.5) < 1e-6)
        #expect(abs(program.gradient("b")!.pointee) < 1e-6)
    }

    @Test func eyeIsTheIdentity() throws {
        let scope = ExpressionScope()
        let identity = try scope.evaluate(try ExpressionParser.parse("eye(3)", at: SourceLocation(file: "e.md", line: 1)))
        #expect(identity.shape == [3, 3] && identity.data == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(throws: Diagnostic.self) { try scope.evaluate(try ExpressionParser.parse("eye(0)", at: SourceLocation(file: "e.md", line: 1))) }
    }
}
