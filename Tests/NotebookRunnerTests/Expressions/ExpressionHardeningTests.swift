import Foundation
import Synchronization
import Testing
@testable import NotebookRunner
@testable import Tensors

/// Hostile and careless expressions: each gives a located error or a value, never a trap,
/// a stack overflow or an allocation the machine cannot make. Written at the language level
/// (source text in, value or diagnostic out) so they hold for any tensor engine.
private let origin = SourceLocation(file: "n.md", line: 3, column: 5)

private let smallBudget = EvaluationLimits(memory: MemoryBudget(bytes: 64 << 20))

private let scope = ExpressionScope(
    values: [
        "A": Tensor(rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6]),
        "v": Tensor(vector: [10, 20, 30]),
        "X": Tensor.filled([20_000, 784], 0.5),
    ],
    limits: smallBudget)

private func eval(_ source: String, in scope: ExpressionScope = scope) throws -> Tensor {
    try scope.evaluate(try ExpressionParser.parseStatement(source, at: origin))
}

private func evalError(_ source: String, in scope: ExpressionScope = scope) -> Diagnostic? {
    do {
        _ = try eval(source, in: scope)
        return nil
    } catch {
        return error as? Diagnostic
    }
}

/// Runs `body` on a thread with a stack of `size` bytes (512 KB, a secondary thread's on
/// common platforms, by default), so unbounded recursion crashes the test run instead of
/// passing whatever stack the test runner happens to have.
private func onSmallStack<T: Sendable>(_ size: Int = 512 << 10, _ body: @escaping @Sendable () -> T) -> T {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        let value = body()
        result.withLock { $0 = value }
        done.signal()
    }
    thread.stackSize = size
    thread.start()
    done.wait()
    return result.withLock { $0! }
}

@Test func emptyReductionsAreLocatedErrors() throws {
    for source in ["max([1, 2, 3][3:1])", "min([1, 2, 3][2:2])", "argmax([5, 6][1:1])", "max(A[1:1], axis=0)", "min(A[:, 2:1], axis=1)"] {
        let error = try #require(evalError(source), "\(source) should fail")
        #expect(error.message.contains("of an empty tensor is undefined"), "\(source): \(error.message)")
        #expect(error.location?.line == 3)
        #expect(error.hint?.contains("slice bounds") == true)
    }
    #expect(evalError("max([1, 2, 3][3:1])")?.location?.column == 5)
    #expect(evalError("max(A[1:1], axis=0)")?.location?.column == 5 + 17)
    // Reductions that are defined on nothing, as in NumPy.
    #expect(try eval("sum([1, 2][1:1])") == Tensor(scalar: 0))
    #expect(try eval("mean([1, 2][1:1])").data[0].isNaN)
    #expect(try eval("logsumexp([1, 2][1:1])") == Tensor(scalar: -.infinity))
    #expect(try eval("max(A[1:1], axis=1)").shape == [0])
    // Inline roles go through the same evaluator.
    #expect(throws: Diagnostic.self) {
        try InlineExpression.evaluate("min([1, 2][2:])", at: origin, in: NotebookState())
    }
}

/// Nesting is limited to `maxDepth` levels. A debug build takes about 15 KB of stack per
/// level, so the nesting tests run on 4 MB, half of a main thread's stack; 8,000 levels
/// would need over 100 MB.
@Test func deepNestingIsALocatedErrorOnASmallStack() throws {
    let parens = String(repeating: "(", count: 8000) + "1" + String(repeating: ")", count: 8000)
    let message = onSmallStack(4 << 20) { () -> String? in
        do {
            _ = try ExpressionParser.parse(parens, at: origin)
            return nil
        } catch let error as Diagnostic {
            return "\(error.location!.column) \(error.message)"
        } catch {
            return "\(error)"
        }
    }
    #expect(message == "\(5 + ExpressionParser.maxDepth) the expression nests more than \(ExpressionParser.maxDepth) levels deep")
    // Nesting up to the limit parses and evaluates on the same small stack.
    let deepest = ExpressionParser.maxDepth - 1
    let allowed = String(repeating: "exp(", count: deepest / 2) + "-(" + String(repeating: "(", count: deepest - deepest / 2 - 1)
        + "0" + String(repeating: ")", count: deepest - deepest / 2) + String(repeating: ")", count: deepest / 2)
    let value = onSmallStack(4 << 20) { try? scope.evaluate(try ExpressionParser.parse(allowed, at: origin)) }
    #expect(value?.scalar != nil)
    let powers = Array(repeating: "1", count: 5000).joined(separator: " ** ")
    #expect(onSmallStack(4 << 20) { (try? ExpressionParser.parse(powers, at: origin)) == nil })
}

@Test func flatChainsOfAnyLengthWork() throws {
    let results = onSmallStack { () -> [Tensor?] in
        let minus = String(repeating: "- ", count: 20_001) + "3"
        let transposes = "A" + String(repeating: ".T", count: 20_000)
        let sum = Array(repeating: "1", count: 20_000).joined(separator: " + ")
        let mixed = Array(repeating: "2 * 3 / 2", count: 20_000).joined(separator: " - ")
        return [minus, transposes, sum, mixed].map { try? scope.evaluate(try ExpressionParser.parse($0, at: origin)) }
    }
    #expect(results[0] == Tensor(scalar: -3))
    #expect(results[1] == scope["A"])
    #expect(results[2] == Tensor(scalar: 20_000))
    #expect(results[3] == Tensor(scalar: 3 - 3 * 19_999))
    let indexed = "v" + String(repeating: "[0]", count: 20_000)
    let error = onSmallStack { evalError(indexed) }
    #expect(error?.message == "1 subscripts for a scalar")
    #expect(error?.location?.column == 5 + 4)
    let rows = "A" + String(repeating: "[0:2]", count: 20_000)
    #expect(onSmallStack { try? eval(rows) } == scope["A"])
}

@Test func integersFromTextAreRangeChecked() throws {
    for (source, column) in [("A[1e300]", 7), ("v[-1e300]", 7), ("v[0:1e18]", 9), ("onehot([1], 1e300)", 17), ("sum(A, axis=1e20)", 17),
                             ("v[99999999999999999999]", 7), ("onehot([1e300], 3)", 12)] {
        let error = try #require(evalError(source), "\(source) should fail")
        #expect(error.location?.column == column, "\(source): \(error)")
    }
    #expect(evalError("v[99999999999999]")?.message.contains("out of range") == true)
    #expect(try eval("v[-3:999999999999]") == Tensor(vector: [10, 20, 30]))
    #expect(try InlineExpression.evaluate("1e300:d", at: origin, in: NotebookState()).count == 301)
}

@Test func tensorsOverTheBudgetFailAtTheOperator() throws {
    let products = try #require(evalError("onehot([1], 60000).T @ onehot([1], 60000)"))
    #expect(products.message.contains("'@' would create a tensor of shape (60000×60000): 28.8 GB (28,800,000,000 bytes), over the memory limit of 67.1 MB"))
    #expect(products.location?.column == 5 + 21)
    #expect(products.hint?.contains("--memory-limit") == true)
    let broadcast = try #require(evalError("onehot([0], 20000).T + onehot([0], 20000)"))
    #expect(broadcast.message.contains("'+' would create a tensor of shape (20000×20000)"))
    #expect(broadcast.location?.column == 5 + 21)
    let classes = try #require(evalError("onehot([1, 2], 5e7)"))
    #expect(classes.message.contains("onehot() would create a tensor of shape (2×50000000)"))
    #expect(classes.location?.column == 5 + 15)
    let gram = try #require(evalError("X @ X.T"))
    #expect(gram.message.contains("(20000×20000)"))
    #expect(evalError("maximum(onehot([0], 20000).T, onehot([0], 20000))")?.message.contains("maximum() would create") == true)
    #expect(evalError("where(onehot([0], 20000).T, 1, onehot([0], 20000))")?.message.contains("where() would create") == true)
    // Within the budget the same operations run.
    #expect(try eval("onehot([1], 600).T @ onehot([1], 600)").shape == [600, 600])
}

@Test func longProductsPollCancellation() throws {
    let polls = Atomic<Int>(0)
    var counting = scope
    counting.values["X"] = Tensor.filled([2000, 100], 0.5)
    counting.limits.checkCancelled = { polls.add(1, ordering: .relaxed) }
    #expect(try eval("X @ X.T", in: counting).shape == [2000, 2000])
    #expect(polls.load(ordering: .relaxed) > 100, "polled \(polls.load(ordering: .relaxed)) times")
    let calls = Atomic<Int>(0)
    counting.limits.checkCancelled = {
        if calls.add(1, ordering: .relaxed).newValue > 50 {
            throw Diagnostic.error("the run was cancelled", at: SourceLocation(file: "n.md", line: 1))
        }
    }
    #expect(evalError("X @ X.T", in: counting)?.message == "the run was cancelled")
}

/// The built binary, on a notebook of hostile expressions: located errors, exit 1, no signal.
@Test func hostileExpressionsFailCleanlyInTheBinary() throws {
    let folder = try DataFixtures.temporaryDirectory("hostile-expressions")
    let parens = String(repeating: "(", count: 8000) + "1" + String(repeating: ")", count: 8000)
    let notebook = """
        # Hostile

        Inline: {eval}`\(parens)`.

        ```{eval}
        \(parens)
        ```

        ```{eval}
        max([1, 2, 3][3:1])
        ```

        ```{eval}
        a = onehot([1], 60000)
        a.T @ a
        ```

        """
    try notebook.write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
    let check = try NBRunProcess.run(["check", "nb.md"], in: folder)
    #expect(check.status == 1, "check: \(check.status) \(check.stderr)")
    #expect(check.stderr.contains("nb.md:6:101: error: the expression nests more than 100 levels deep"), "\(check.stderr)")
    let render = try NBRunProcess.run(["render", "nb.md", "-o", "out", "-q", "--keep-going"], in: folder)
    #expect(render.status == 1, "render: \(render.status)")
    #expect(render.stderr.contains("nb.md:6:101: error: the expression nests more than 100 levels deep"), "\(render.stderr)")
    #expect(render.stderr.contains("nb.md:3:116: error: the expression nests more than 100 levels deep"), "\(render.stderr)")
    #expect(render.stderr.contains("nb.md:10:1: error: max() of an empty tensor is undefined"), "\(render.stderr)")
    #expect(render.stderr.contains("nb.md:15:5: error: '@' would create a tensor of shape (60000×60000)"), "\(render.stderr)")
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/nb.html").path))
}

/// A cell's cancellation (its `:timeout:`, Ctrl-C) stops a long product within its row
/// blocks, not after it.
@Test func cancellingAnEvalCellStopsALongProductPromptly() throws {
    let data = ExpressionTestSupport.dataset(count: 3000, rows: 28, cols: 28)
    let state = NotebookState()
    state.datasets[data.name] = data
    state.dataset = data
    let cell = ExpressionTestSupport.cell("eval", options: [("samples", "3000")], body: ["G = X @ X.T @ X;"])
    let directive = try EvalDirective(cell: cell, defaults: Defaults())
    let context = ExpressionTestSupport.context(state, cell)
    // Timed from the moment the cancellation is set, so a busy machine's late timer does not count.
    let cancelledAt = Mutex<Date?>(nil)
    let cancellation = context.cancellation
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
        cancelledAt.withLock { $0 = Date() }
        cancellation.cell.cancel("cell timed out")
    }
    let result = Executor.execute(directive, cell: cell, in: context)
    let finished = Date()
    #expect(result.status == .error)
    #expect(result.error?.message == "cell timed out")
    // Uncancelled, the product takes far longer; a busy shared machine may delay the stop by a
    // few seconds, so the bound says "within its row blocks", not a benchmark figure.
    let seconds = cancelledAt.withLock { $0.map { finished.timeIntervalSince($0) } } ?? .infinity
    #expect(seconds < 10, "stopped \(seconds) s after the cancellation")
}
