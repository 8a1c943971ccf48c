import Testing
@testable import NotebookRunner
@testable import Tensors

private let origin = SourceLocation(file: "n.md", line: 3, column: 5)

private let scope = ExpressionScope(
    values: [
        "A": Tensor(rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6]),
        "v": Tensor(vector: [10, 20, 30]),
        "c": Tensor(rows: 2, cols: 1, data: [100, 200]),
        "X": Tensor.filled([32, 784], 0.5),
        "W": Tensor.filled([784, 10], 0.1),
        "y": Tensor(vector: [2, 0, 1]),
    ],
    metrics: ["train": [Metric(name: "test_accuracy", value: 0.8312)]])

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

@Test func literals() throws {
    #expect(try eval("[1, 2, 3]") == Tensor(vector: [1, 2, 3]))
    #expect(try eval("[[1, 2], [3, 4]]") == Tensor(rows: 2, cols: 2, data: [1, 2, 3, 4]))
    #expect(try eval("[-1, 2 * 3]") == Tensor(vector: [-1, 6]))
    #expect(evalError("[[1, 2], [3]]")?.location?.column == 5 + 9)
}

@Test func broadcastingFollowsNumPy() throws {
    #expect(try eval("A + v") == Tensor(rows: 2, cols: 3, data: [11, 22, 33, 14, 25, 36]))
    #expect(try eval("A + c") == Tensor(rows: 2, cols: 3, data: [101, 102, 103, 204, 205, 206]))
    #expect(try eval("c + v") == Tensor(rows: 2, cols: 3, data: [110, 120, 130, 210, 220, 230]))
    #expect(try eval("A * 2 - 1") == Tensor(rows: 2, cols: 3, data: [1, 3, 5, 7, 9, 11]))
    #expect(try eval("1 / [1, 2, 4]") == Tensor(vector: [1, 0.5, 0.25]))
    #expect(try eval("[1, 2] ** 2") == Tensor(vector: [1, 4]))
    #expect(try eval("y == [2, 1, 1]") == Tensor(vector: [1, 0, 1]))
}

@Test func broadcastErrorsNameBothShapesAtTheOperator() throws {
    let error = try #require(evalError("A + [1, 2]"))
    #expect(error.message == "shape mismatch in '+': (2×3) + (2) cannot broadcast: along the last axis the sizes are 3 and 2, and neither is 1")
    #expect(error.location?.column == 5 + 2)
    #expect(error.hint?.contains("must match the 3 columns") == true)
}

@Test func matrixProducts() throws {
    #expect(try eval("A @ [1, 1, 1]") == Tensor(vector: [6, 15]))
    #expect(try eval("[1, 1] @ A") == Tensor(vector: [5, 7, 9]))
    #expect(try eval("A @ A.T") == Tensor(rows: 2, cols: 2, data: [14, 32, 32, 77]))
    #expect(try eval("v @ v") == Tensor(scalar: 1400))
    #expect(try eval("A.T").shape == [3, 2])
    #expect(try eval("(X @ W).shape") == Tensor(vector: [32, 10]))
}

@Test func matmulErrorsAreHelpful() throws {
    let error = try #require(evalError("X.T @ W"))
    #expect(error.message == "shape mismatch in '@': (784×32) @ (784×10) needs 784 columns on the left to match the 784 rows on the right, but the left has 32")
    #expect(error.location?.column == 5 + 4)
    #expect(error.hint == "X @ W would be (32×784) @ (784×10) → (32×10)" || error.hint?.contains("X.T.T") == true)
    let swapped = try #require(evalError("W @ X"))
    #expect(swapped.hint?.contains("X.T") == true || swapped.hint?.contains("W.T") == true || swapped.hint?.contains("swapped") == true)
}

@Test func reductionsAlongAxes() throws {
    #expect(try eval("sum(A)") == Tensor(scalar: 21))
    #expect(try eval("sum(A, axis=0)") == Tensor(vector: [5, 7, 9]))
    #expect(try eval("sum(A, axis=1)") == Tensor(vector: [6, 15]))
    #expect(try eval("sum(A, axis=-1)") == Tensor(vector: [6, 15]))
    #expect(try eval("mean(A, axis=0)") == Tensor(vector: [2.5, 3.5, 4.5]))
    #expect(try eval("max(A, axis=1)") == Tensor(vector: [3, 6]))
    #expect(try eval("min(A)") == Tensor(scalar: 1))
    #expect(try eval("argmax([3, 9, 1])") == Tensor(scalar: 1))
    #expect(try eval("argmax(A, axis=0)") == Tensor(vector: [1, 1, 1]))
    let error = try #require(evalError("sum(A, axis=2)"))
    #expect(error.message.contains("axis=2 is out of range for (2×3)"))
    #expect(error.location?.column == 5 + 12)
}

@Test func softmaxIsStableAndNormalised() throws {
    let p = try eval("softmax([1, 2, 3])")
    #expect(abs(p.data[0] - 0.09003057) < 1e-8)
    #expect(abs(p.data[2] - 0.66524096) < 1e-8)
    let big = try eval("softmax([1000, 1001])")
    #expect(abs(big.data[1] - 0.7310585786) < 1e-9)
    let naive = try eval("exp([1000, 1001]) / sum(exp([1000, 1001]))")
    #expect(naive.data.allSatisfy { $0.isNaN })
    #expect(try eval("log(0)") == Tensor(scalar: -.infinity))
    let columns = try eval("softmax(A, axis=0)")
    #expect(abs(columns[0, 0] + columns[1, 0] - 1) < 1e-12)
    let rows = try eval("sum(softmax(A), axis=1)")
    #expect(rows.data.allSatisfy { abs($0 - 1) < 1e-12 })
}

@Test func onehotAndIndexing() throws {
    #expect(try eval("onehot(y, 3)") == Tensor(rows: 3, cols: 3, data: [0, 0, 1, 1, 0, 0, 0, 1, 0]))
    #expect(try eval("onehot(2, 4)") == Tensor(vector: [0, 0, 1, 0]))
    #expect(evalError("onehot(y, 2)")?.message.contains("label 2") == true)
    #expect(try eval("A[1]") == Tensor(vector: [4, 5, 6]))
    #expect(try eval("A[1, -1]") == Tensor(scalar: 6))
    #expect(try eval("A[:, 1]") == Tensor(vector: [2, 5]))
    #expect(try eval("A[0:1, 1:]") == Tensor(rows: 1, cols: 2, data: [2, 3]))
    #expect(evalError("A[2]")?.message.contains("out of range") == true)
}

@Test func namesMetricsAndSuggestions() throws {
    #expect(try eval("train.test_accuracy") == Tensor(scalar: 0.8312))
    let unknown = try #require(evalError("softmax(Wx)"))
    #expect(unknown.message == "unknown name 'Wx'")
    #expect(unknown.location?.column == 5 + 8)
    #expect(unknown.hint?.contains("did you mean 'W'?") == true)
    #expect(unknown.hint?.contains("bound names: A, W, X, c, v, y") == true)
    #expect(evalError("train.test_acuracy")?.hint?.contains("did you mean 'test_accuracy'") == true)
    #expect(evalError("trian.test_accuracy")?.hint?.contains("did you mean 'train'") == true)
    #expect(evalError("sofmax(A)")?.hint?.contains("did you mean 'softmax'") == true)
    #expect(evalError("exp")?.hint?.contains("call it") == true)
    #expect(evalError("X.T @ (P - 1)")?.hint?.hasPrefix("define it on a line of its own first: P = softmax(X @ W + b)") == true)
}

@Test func unavailableNamesExplainWhy() throws {
    let noData = ExpressionBindings(state: NotebookState(), samples: 8, seed: 1).scope
    do {
        _ = try noData.evaluate(try ExpressionParser.parse("X @ W", at: origin))
        Issue.record("expected an error")
    } catch let error as Diagnostic {
        #expect(error.message.contains("add a {load} cell"))
        #expect(error.location?.column == 5)
    }
    #expect(noData["W"]?.shape == [784, 10])
}
