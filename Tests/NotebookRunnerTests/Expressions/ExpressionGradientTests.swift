import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// Automatic differentiation against central differences (each operation, on random
/// Float64 inputs) and against hand-derived backpropagation formulas.
private let origin = SourceLocation(file: "g.md", line: 1, column: 1)

private func random(_ shape: [Int], _ generator: inout Xoshiro256StarStar, scale: Double = 1) -> Tensor {
    Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in generator.normal() * scale })
}

private func parse(_ source: String) throws -> ParsedExpression {
    try ExpressionParser.parse(source, at: origin)
}

/// Relative error ‖a − n‖ / max(‖a‖, ‖n‖, 1e-12).
private func relativeError(_ a: Tensor, _ n: Tensor) -> Double {
    let difference = zip(a.data, n.data).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    let norm = { (t: Tensor) in t.data.map { $0 * $0 }.reduce(0, +).squareRoot() }
    return difference / max(norm(a), norm(n), 1e-12)
}

/// The gradient of `sum(R * f)` for each parameter, by central differences.
private func numericGradients(_ loss: ParsedExpression, _ parameters: [String], _ scope: ExpressionScope) throws -> [String: Tensor] {
    var result: [String: Tensor] = [:]
    let epsilon = 1e-6
    for name in parameters {
        var gradient = scope[name]!
        for i in 0..<gradient.count {
            var shifted = scope
            shifted.values[name]!.data[i] += epsilon
            let up = try shifted.evaluate(loss).data[0]
            shifted.values[name]!.data[i] -= 2 * epsilon
            let down = try shifted.evaluate(loss).data[0]
            gradient.data[i] = (up - down) / (2 * epsilon)
        }
        result[name] = gradient
    }
    return result
}

private let operations: [String] = [
    "A @ B", "A @ u", "u @ B", "u @ u", "A.T @ A", "(A @ B).T",
    "A + u", "A - c", "c - A * u", "A * u", "u * c", "A / (exp(c) + 1)", "u / (A * A + 1)", "-A", "A - u - u * 2 + A / 3",
    "(A * A + 1) ** 1.5", "2 ** A", "(A * A + 1) ** u", "A ** 2",
    "exp(A)", "log(A * A + 1)", "sqrt(A * A + 1)", "abs(A)", "tanh(A)", "sigmoid(A)", "relu(A)",
    "maximum(A, u)", "minimum(A, 0)", "maximum(c, u)", "clip(A, -0.5, 0.5)", "clip(A, c, 1)",
    "where(A > 0, A, 0.1 * A)", "where(c > 0, A, u)",
    "sum(A)", "sum(A, axis=0)", "sum(A, axis=1, keepdims=True) * A", "mean(A, axis=-1)", "mean(u)",
    "max(A)", "max(A, axis=0)", "min(A, axis=1, keepdims=True) + A", "max(u)",
    "logsumexp(A)", "logsumexp(A, axis=0)", "A - logsumexp(A, axis=1, keepdims=True)", "logsumexp(u * 300)",
    "softmax(A)", "softmax(A, axis=0)", "softmax(u)", "softmax(A * 400)",
    "A[1]", "A[:, 1:3]", "A[0, 2]", "u[-1]", "A[-2:, :2] @ B[1:3]", "[A[0, 0], u[1] * u[2]]", "[u, u * 2]",
    "onehot([1, 0, 2], 4) * A", "(A > 0) * A", "A * (u == u)", "A * argmax(A, axis=1, keepdims=True)",
    "A.T", "u.T", "A * A.shape[0]",
]

@Test(arguments: operations)
func gradientMatchesCentralDifferences(_ source: String) throws {
    var generator = Xoshiro256StarStar(seed: source.unicodeScalars.reduce(1) { $0 &* 31 &+ UInt64($1.value) })
    var scope = ExpressionScope(values: [
        "A": random([3, 4], &generator), "B": random([4, 2], &generator),
        "u": random([4], &generator), "c": random([3, 1], &generator),
    ])
    let parameters = ["A", "B", "u", "c"].filter { source.contains($0) }
    let output = try scope.evaluate(try parse(source))
    scope.values["R"] = random(output.shape, &generator)
    let loss = try parse("sum(R * (\(source)))")
    let automatic = try ExpressionGradient.gradient(of: loss, withRespectTo: parameters, in: scope)
    #expect(abs(automatic.loss - (try scope.evaluate(loss)).data[0]) == 0)
    let numeric = try numericGradients(loss, parameters, scope)
    for name in parameters {
        let a = try #require(automatic.gradients[name])
        #expect(a.shape == scope[name]!.shape, "\(source): ∂/∂\(name) has shape \(a.shape)")
        let error = relativeError(a, numeric[name]!)
        #expect(error < 1e-6, "\(source): ∂/∂\(name) relative error \(error)")
    }
}

@Test func softmaxRegressionGradientMatchesTheDerivedFormula() throws {
    var generator = Xoshiro256StarStar(seed: 11)
    let n = 20, inputs = 6, classes = 4
    let labels = (0..<n).map { _ in Int(generator.next() % UInt64(classes)) }
    var y = Tensor.filled([n, classes], 0)
    for (row, label) in labels.enumerated() { y[row, label] = 1 }
    let scope = ExpressionScope(values: [
        "X": random([n, inputs], &generator), "Y": y, "N": Tensor(scalar: Double(n)),
        "W": random([inputs, classes], &generator, scale: 0.5), "b": random([classes], &generator, scale: 0.5),
    ])
    let loss = try parse("-mean(sum(Y * log(P), axis=1))")
    let result = try ExpressionGradient.gradient(of: loss, after: [try ExpressionParser.parseStatement("P = softmax(X @ W + b)", at: origin)],
                                                 withRespectTo: ["W", "b"], in: scope)
    let reference = try SoftmaxRegressionReference.gradient(x: scope["X"]!, labels: labels, w: scope["W"]!, b: scope["b"]!)
    #expect(relativeError(result.gradients["W"]!, reference.w) < 1e-12)
    #expect(relativeError(result.gradients["b"]!, reference.b) < 1e-12)
    #expect(abs(result.loss - (try SoftmaxRegressionReference.loss(x: scope["X"]!, labels: labels, w: scope["W"]!, b: scope["b"]!))) < 1e-12)
}

@Test func twoLayerReluNetworkGradientMatchesBackpropagation() throws {
    var generator = Xoshiro256StarStar(seed: 5)
    let n = 16, inputs = 7, hidden = 5, classes = 3
    var y = Tensor.filled([n, classes], 0)
    for row in 0..<n { y[row, Int(generator.next() % UInt64(classes))] = 1 }
    var scope = ExpressionScope(values: [
        "X": random([n, inputs], &generator), "Y": y, "N": Tensor(scalar: Double(n)),
        "W1": random([inputs, hidden], &generator, scale: 0.7), "b1": random([hidden], &generator, scale: 0.3),
        "W2": random([hidden, classes], &generator, scale: 0.7), "b2": random([classes], &generator, scale: 0.3),
    ])
    let forward = try ["Z1 = X @ W1 + b1", "H = relu(Z1)", "P = softmax(H @ W2 + b2)"].map { try ExpressionParser.parseStatement($0, at: origin) }
    let loss = try parse("-mean(sum(Y * log(P), axis=1))")
    let result = try ExpressionGradient.gradient(of: loss, after: forward, withRespectTo: ["W1", "b1", "W2", "b2"], in: scope)
    // The backpropagation a teacher derives, evaluated as formulas.
    let backward = ["dZ2 = (P - Y) / N", "dH = dZ2 @ W2.T", "dZ1 = dH * (Z1 > 0)"]
    for line in forward.map(\.source) + backward {
        let statement = try ExpressionParser.parseStatement(line, at: origin)
        scope.values[statement.binding!] = try scope.evaluate(statement)
    }
    let formulas = ["W2": "H.T @ dZ2", "b2": "sum(dZ2, axis=0)", "W1": "X.T @ dZ1", "b1": "sum(dZ1, axis=0)"]
    for (name, formula) in formulas {
        let expected = try scope.evaluate(try parse(formula))
        #expect(relativeError(result.gradients[name]!, expected) < 1e-12, "\(name)")
    }
    // A parameter the loss does not use has a zero gradient.
    scope.values["unused"] = Tensor.filled([2], 1)
    let zero = try ExpressionGradient.gradient(of: loss, after: forward, withRespectTo: ["unused"], in: scope)
    #expect(zero.gradients["unused"] == Tensor.filled([2], 0))
}

@Test func gradientErrorsAreLocated() throws {
    let scope = ExpressionScope(values: ["W": Tensor.filled([2, 2], 1)])
    #expect(throws: Diagnostic.self) { try ExpressionGradient.gradient(of: try parse("sum(W)"), withRespectTo: ["Wx"], in: scope) }
    do {
        _ = try ExpressionGradient.gradient(of: try parse("W * 2"), withRespectTo: ["W"], in: scope)
        Issue.record("expected an error")
    } catch let error as Diagnostic {
        #expect(error.message == "the loss must be a scalar, but it is (2×2)")
    }
    let rebinding = try ExpressionParser.parseStatement("W = W * 2", at: SourceLocation(file: "g.md", line: 4, column: 1))
    do {
        _ = try ExpressionGradient.gradient(of: try parse("sum(W)"), after: [rebinding], withRespectTo: ["W"], in: scope)
        Issue.record("expected an error")
    } catch let error as Diagnostic {
        #expect(error.location?.line == 4)
        #expect(error.message.contains("is a parameter"))
    }
    var small = scope
    small.limits.memory = MemoryBudget(bytes: 100)
    small.values["W"] = Tensor.filled([4, 4], 1)
    #expect(throws: Diagnostic.self) { try ExpressionGradient.gradient(of: try parse("sum(W * W)"), withRespectTo: ["W"], in: small) }
}
