import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// A derivation notebook on Fashion-MNIST, run by the executor and rendered to HTML.
@Suite struct DerivationNotebookTests {
    static let notebook = """
    # Checking the derivation

    ```{load} fashion-mnist
    :split: train
    ```

    ```{eval}
    z = [1000, 1001]
    exp(z) / sum(exp(z))
    softmax(z)
    ```

    ```{gradcheck}
    :label: right
    :entries: 300
    P = softmax(X @ W + b)
    loss: -mean(sum(Y * log(P), axis=1))
    grad W: X.T @ (P - Y) / N
    grad b: sum(P - Y, axis=0) / N
    ```

    The right derivation agrees to {eval}`right.W_relative_error:.0e`.

    ```{gradcheck}
    :label: published
    :expect: fail
    :entries: all
    P = softmax(X @ W + b)
    loss: -mean(sum(Y * log(P), axis=1))
    grad W: X.T @ ((Y - P) * Y) / N
    ```

    ```{gradcheck} softmax
    ```

    ```{gradcheck}
    P = softmax(X @ W + b)
    loss: -mean(sum(Y * log(P), axis=1))
    grad W: X @ (P - Y) / N
    ```

    """

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"),
                   "Fashion-MNIST is not installed at /usr/share/datasets/fashion-mnist"))
    func runsAndRenders() throws {
        let parsed = try NotebookParser.parse(SourceText(file: "derivation.md", text: Self.notebook))
        let settings = RunSettings(outputDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-expr-\(UUID().uuidString)"),
                                   dataDirectory: URL(fileURLWithPath: "/usr/share/datasets"), keepGoing: true)
        let registry = DirectiveRegistry([LoadDirective.self, EvalDirective.self, GradCheckDirective.self])
        let executor = Executor(registry: registry, settings: settings) { role, state in
            try InlineExpression.evaluate(role.expression, at: role.expressionLocation, in: state)
        }
        let run = executor.run(parsed)
        #expect(run.cells.map(\.status) == [.ok, .ok, .ok, .ok, .ok, .error])
        let right = try #require(run.cells[2].metrics.first { $0.name == "W_relative_error" }?.value)
        #expect(right < 1e-7)
        guard case .value(let text)? = run.inlineValues[0] else {
            Issue.record("inline value missing: \(String(describing: run.inlineValues[0]))")
            return
        }
        #expect(text.hasSuffix("e-10") || text.hasSuffix("e-09"))
        let hints = run.cells[3].outputs.compactMap { if case .notice(let d) = $0 { d.message } else { nil } }
        #expect(hints.contains { $0.contains("zero wherever Y is 0") && $0.contains("opposite sign") })
        let shapeError = try #require(run.cells[5].error)
        #expect(shapeError.headline.hasPrefix("derivation.md:39:11: error: shape mismatch in '@': (32×784) @ (32×10)"))
        let html = HTMLRenderer(reproducible: true).render(run).html
        #expect(html.contains("<svg"))
        #expect(!html.contains("<script"))
        if let path = ProcessInfo.processInfo.environment["NBRUN_EXPRESSIONS_HTML"] {
            try html.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}
