import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

private let origin = SourceLocation(file: "n.md", line: 3, column: 5)

private let scope = ExpressionScope(values: [
    "A": Tensor(rows: 2, cols: 3, data: [1, -2, 3, -4, 5, -6]),
    "v": Tensor(vector: [-1, 0, 2]),
    "c": Tensor(rows: 2, cols: 1, data: [0, 1]),
])

private func eval(_ source: String) throws -> Tensor {
    try scope.evaluate(try ExpressionParser.parse(source, at: origin))
}

private func evalError(_ source: String) -> Diagnostic? {
    do {
        _ = try eval(source)
        return nil
    } catch {
        return error as? Diagnostic
    }
}

private func close(_ a: Tensor, _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
    a.data.count == b.count && zip(a.data, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}

@Test func elementwiseMaximumMinimumReluAndClipBroadcast() throws {
    #expect(try eval("maximum(v, 0)") == Tensor(vector: [0, 0, 2]))
    #expect(try eval("minimum(A, v)") == Tensor(rows: 2, cols: 3, data: [-1, -2, 2, -4, 0, -6]))
    #expect(try eval("maximum(c, v)") == Tensor(rows: 2, cols: 3, data: [0, 0, 2, 1, 1, 2]))
    #expect(try eval("relu(A)") == Tensor(rows: 2, cols: 3, data: [1, 0, 3, 0, 5, 0]))
    #expect(try eval("clip(A, -2, 3)") == Tensor(rows: 2, cols: 3, data: [1, -2, 3, -2, 3, -2]))
    #expect(try eval("clip(v, [0, 0, 0], 1)") == Tensor(vector: [0, 0, 1]))
    #expect(try eval("maximum(0 / 0, 1)").data[0].isNaN)
    #expect(evalError("maximum(A, [1, 2])")?.message.contains("shape mismatch in 'maximum'") == true)
    #expect(evalError("clip(A, 0)")?.message == "clip() needs 'hi'")
}

@Test func tanhAndSigmoidAreStableAtTheEdges() throws {
    #expect(try eval("sigmoid([-1000, 0, 1000])") == Tensor(vector: [0, 0.5, 1]))
    #expect(close(try eval("sigmoid([-2, 3])"), [1 / (1 + exp(2.0)), 1 / (1 + exp(-3.0))]))
    #expect(try eval("sigmoid(-745)").data[0] > 0)
    #expect(try eval("tanh([-1000, 0, 1000])") == Tensor(vector: [-1, 0, 1]))
}

@Test func logsumexpIsStableWithAxisAndKeepdims() throws {
    #expect(close(try eval("logsumexp([1000, 1000])"), [1000 + log(2.0)]))
    #expect(close(try eval("logsumexp([1, 2, 3])"), [log(exp(1.0) + exp(2.0) + exp(3.0))]))
    #expect(try eval("logsumexp([log(0), 1])") == Tensor(scalar: 1))
    #expect(try eval("logsumexp([log(0), log(0)])") == Tensor(scalar: -.infinity))
    #expect(try eval("logsumexp(A, axis=1)").shape == [2])
    #expect(try eval("logsumexp(A, axis=0, keepdims=True)").shape == [1, 3])
    #expect(close(try eval("logsumexp(A, axis=1, keepdims=True)"), [log(exp(1.0) + exp(-2.0) + exp(3.0)), log(exp(-4.0) + exp(5.0) + exp(-6.0))]))
    #expect(close(try eval("exp(A - logsumexp(A, axis=1, keepdims=True))"), try eval("softmax(A)").data))
}

@Test func keepdimsKeepsTheReducedAxis() throws {
    #expect(try eval("sum(A, axis=0, keepdims=True)") == Tensor(rows: 1, cols: 3, data: [-3, 3, -3]))
    #expect(try eval("max(A, axis=1, keepdims=1)") == Tensor(rows: 2, cols: 1, data: [3, 5]))
    #expect(try eval("mean(A, keepdims=True)").shape == [1, 1])
    #expect(try eval("sum(v, keepdims=True)") == Tensor(vector: [1]))
    #expect(try eval("argmax(A, axis=1, keepdims=True)") == Tensor(rows: 2, cols: 1, data: [2, 1]))
    #expect(try eval("A - max(A, axis=1, keepdims=True)").shape == [2, 3])
    #expect(try eval("sum(A, axis=1, keepdims=False)").shape == [2])
    #expect(evalError("sum(A, keepdims=2)")?.message == "keepdims= must be True or False (or 1 or 0)")
}

@Test func reductionsTakeTheAxisOnlyByKeyword() throws {
    let error = try #require(evalError("max(A, 0)"))
    #expect(error.message == "max() takes the axis only as a keyword: axis=0")
    #expect(error.hint == "write max(A, axis=0); for the elementwise maximum use maximum(A, 0)")
    #expect(error.location?.column == 5 + 7)
    #expect(evalError("sum(A, 1)")?.hint == "write sum(A, axis=1)")
    #expect(evalError("min(v, 0)")?.hint?.contains("minimum(v, 0)") == true)
    #expect(evalError("softmax(A, 0)")?.message.contains("axis only as a keyword") == true)
    #expect(evalError("sum(A, axiz=0)")?.hint?.hasPrefix("did you mean 'axis='?") == true)
    #expect(try eval("onehot([1, 0], classes=2)") == Tensor(rows: 2, cols: 2, data: [0, 1, 1, 0]))
}

@Test func whereSelectsWithBroadcasting() throws {
    #expect(try eval("where(v > 0, v, 0.01 * v)") == Tensor(vector: [-0.01, 0, 2]))
    #expect(try eval("where(c, A, 0)") == Tensor(rows: 2, cols: 3, data: [0, 0, 0, -4, 5, -6]))
    #expect(try eval("where([1, 0, 1], 1, [7, 8, 9])") == Tensor(vector: [1, 8, 1]))
    #expect(evalError("where(v, A, [1, 2])")?.message.contains("where()") == true)
}

@Test func comparisonsGiveZeroOrOneAndBindLoosest() throws {
    #expect(try eval("v < 0") == Tensor(vector: [1, 0, 0]))
    #expect(try eval("v <= 0") == Tensor(vector: [1, 1, 0]))
    #expect(try eval("v > 0") == Tensor(vector: [0, 0, 1]))
    #expect(try eval("v >= 0") == Tensor(vector: [0, 1, 1]))
    #expect(try eval("v != 0") == Tensor(vector: [1, 0, 1]))
    #expect(try eval("v == 0") == Tensor(vector: [0, 1, 0]))
    #expect(try eval("1 + 1 > 1") == Tensor(scalar: 1))
    #expect(try eval("2 * 3 <= 2 ** 2 + 1") == Tensor(scalar: 0))
    #expect(try eval("A * (A > 0)") == Tensor(rows: 2, cols: 3, data: [1, 0, 3, 0, 5, 0]))
    #expect(try eval("(0 / 0) == (0 / 0)") == Tensor(scalar: 0))
    let chained = try #require(evalError("0 < v < 2"))
    #expect(chained.message == "comparisons do not chain: '<' and '<' in a row")
    #expect(chained.location?.column == 5 + 6)
    #expect(chained.hint?.contains("(a < b) * (b < c)") == true)
}

@Test func aTrailingSemicolonHidesTheValue() throws {
    let cell = ExpressionTestSupport.cell("eval", body: ["R = X * 255;", "k = 2;", "R.shape", "k"], label: "calc")
    let result = try ExpressionTestSupport.run(EvalDirective.self, cell)
    #expect(result.status == .ok)
    let texts = result.outputs.compactMap { if case .text(let text) = $0 { text } else { nil } }
    #expect(texts == ["k = 2"])
    let tables = result.outputs.compactMap { if case .table(let table) = $0 { table.caption } else { nil } }
    #expect(tables == ["R.shape  (2)"])
    #expect(ExpressionTestSupport.metric(result, "k") == 2)
    #expect(throws: Diagnostic.self) { try ExpressionParser.parse("x;", at: origin) }
}
