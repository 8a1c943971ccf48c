import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// Tests generated from the op table: one case per entry of `ElementwiseOp.all`.
@Suite struct OpTableTests {
    /// A small model whose hidden layer is `op` of a pre-activation that stays in the op's
    /// domain (positive for `log` and `sqrt`, both signs for the others).
    static func model(_ op: ElementwiseOp) -> [String] {
        let positiveOnly = !op.value(-0.5).isFinite
        return [
            "param W1: inputs×5 uniform(0.5)",
            "param b1: 5 uniform(0.3)",
            "param W2: 5×classes normal(0.3)",
            positiveOnly ? "Z = X @ (W1 * W1) + b1 * b1 + 0.2" : "Z = X @ W1 + b1",
            "H = \(op.name)(Z)",
            "P = softmax(H @ W2)",
            "loss: -mean(sum(Y * log(P), axis=1))",
        ]
    }

    @Test(arguments: ElementwiseOp.all.map(\.name))
    func engineGradientEqualsTheFloat64Reference(_ name: String) throws {
        let op = try #require(ElementwiseOp.named(name))
        let (engine, exact) = try EngineTests().gradients(EngineTests.definition(Self.model(op)))
        for (parameter, values) in engine {
            let error = GradientCheck.relativeError(values.map(Double.init), exact[parameter]!.data)
            #expect(error < 1e-4, "\(name): ∂loss/∂\(parameter) differs by \(error)")
            #expect(values.contains { $0 != 0 }, "\(name): ∂loss/∂\(parameter) is all zeros, so the check shows nothing")
        }
    }

    /// The table's derivative formula against central differences of its own Float64 value.
    @Test(arguments: ElementwiseOp.all.map(\.name))
    func derivativeFormulaMatchesCentralDifferences(_ name: String) throws {
        let op = try #require(ElementwiseOp.named(name))
        let points = [0.3, 0.7, 1.9, -0.4, -1.3].filter { op.value($0).isFinite }
        let x = Tensor(vector: points)
        let out = x.map(op.value)
        let derivative = GradientRules.elementwise(op, Tensor.filled(x.shape, 1), x, out)
        for (i, point) in points.enumerated() {
            let h = 1e-6
            let numeric = (op.value(point + h) - op.value(point - h)) / (2 * h)
            #expect(abs(derivative.data[i] - numeric) < 1e-6 * max(1, abs(numeric)), "\(name)'(\(point)): \(derivative.data[i]) vs \(numeric)")
        }
    }

    /// The Float32 kernel computes the Float64 value, to Float32's precision.
    @Test(arguments: ElementwiseOp.all.map(\.name))
    func kernelComputesTheFloat64Value(_ name: String) throws {
        let op = try #require(ElementwiseOp.named(name))
        let inputs: [Float] = [-30, -2.5, -0.5, 0, 0.25, 1, 3.5, 40]
        var outputs = [Float](repeating: 0, count: inputs.count)
        inputs.withUnsafeBufferPointer { x in outputs.withUnsafeMutableBufferPointer { op.kernel(x.baseAddress!, $0.baseAddress!, inputs.count) } }
        for (input, output) in zip(inputs, outputs) {
            let expected = op.value(Double(input))
            if expected.isNaN {
                #expect(output.isNaN, "\(name)(\(input))")
            } else if expected.isInfinite {
                #expect(Double(output) == expected, "\(name)(\(input)): \(output) vs \(expected)")
            } else {
                #expect(abs(Double(output) - expected) <= 1e-6 * max(1, abs(expected)), "\(name)(\(input)): \(output) vs \(expected)")
            }
        }
    }

    /// docs/expressions.md lists every function with where it works, as the op table declares it.
    @Test func docsFunctionTableMatchesTheOpTable() throws {
        #expect(OpReference.markdown.components(separatedBy: "\n").count == ExpressionFunction.all.count + 2)
        try GeneratedDocs.expect("expressions.md", between: OpReference.docsBegin, and: OpReference.docsEnd,
                                 holds: OpReference.markdown, from: "the op table")
    }

    /// Every function of the op table is one the engine accepts in a `{model}`.
    @Test(arguments: ElementwiseOp.all.map(\.name))
    func engineAcceptsEveryTableFunction(_ name: String) throws {
        #expect(GraphCompiler.functions.contains(name))
        let statement = try ExpressionParser.parseStatement("H = \(name)(X)", at: SourceLocation(file: "m.md", line: 1))
        #expect(EngineSupport.unsupported(in: statement) == nil)
    }
}
