import Foundation
import Testing
import JupyterKernel
@testable import NotebookRunner

/// Kernel values in nbrun's own cells and prose, on a real IPython kernel: inline `{py}` and
/// `` `{python} …` `` values, `:from-python:` arrays and `{gradcheck} :python:`.
@Suite(.serialized, .enabled(if: (try? KernelSpec.find("python3")) != nil, "needs python3-ipykernel"))
struct KernelBridgeTests {
    static let front = """
        ---
        title: Bridge
        kernelspec:
          name: python3
        ---

        """

    static func render(_ body: String, front: String = front, configure: (inout RunSettings) -> Void = { $0.keepGoing = true })
        throws -> (outcome: Pipeline.Outcome, report: String, record: RunRecord, folder: URL) {
        let (outcome, report, folder) = try KernelPageTests.render(front + body, configure: configure)
        let record = try JSONDecoder().decode(RunRecord.self, from: Data(contentsOf: try #require(outcome.record)))
        return (outcome, report, record, folder)
    }

    static func line(of text: String, in body: String, front: String = front) -> Int {
        (front + body).components(separatedBy: "\n").firstIndex { $0.contains(text) }! + 1
    }

    static let values = """
        ```{code-cell} python
        import numpy as np
        acc = 0.8312
        name = "mnist"
        v = np.array([0.1, 0.25, 0.65])
        M = np.ones((3, 4))
        T = np.zeros((2, 2, 2))
        O = np.array([object()])
        ```

        Accuracy {py}`acc:.1%`, data `{python} name`, shares {py}`v`, rows {py}`M.shape[0]`, a dict {py}`{"a": 2}["a"]:.2f`.
        Unknown {py}`missing_name`; a string with a format {py}`name:.1%`; a matrix {py}`M`.

        ```{code-cell} python
        acc = 0.5
        ```

        Now {py}`acc:.2f`.

        ```{eval}
        :label: bound
        :from-python: M, v
        total = sum(M) + sum(v)
        ```

        ```{eval}
        :label: cube
        :from-python: T
        sum(T)
        ```

        ```{eval}
        :label: objects
        :from-python: O
        sum(O)
        ```

        ```{derive}
        :label: chain
        :from-python: M, v
        J = sum(M * 2)
          = 2 * sum(M)
        ```
        """

    @Test(.timeLimit(.minutes(2))) func inlineValuesAndArraysComeFromTheKernel() throws {
        let (outcome, report, record, folder) = try Self.render(Self.values)
        defer { try? FileManager.default.removeItem(at: folder) }
        let shown = Dictionary((record.inlineValues ?? []).map { ($0.expression, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(shown["acc:.1%"]?.value == "83.1%")
        #expect(shown["name"]?.value == "mnist" && shown["name"]?.kind == "kernel")
        #expect(shown["v"]?.value == "[0.100, 0.250, 0.650]")
        #expect(shown["M.shape[0]"]?.value == "3")
        #expect(shown["{\"a\": 2}[\"a\"]:.2f"]?.value == "2.00")
        // A value after a code cell sees what that cell set, one before it does not.
        #expect(shown["acc:.2f"]?.value == "0.50")
        #expect(report.contains(">83.1%<") && report.contains(">0.50<"))

        let unknown = try #require(outcome.diagnostics.first { $0.message.contains("missing_name") })
        let line = Self.line(of: "Unknown {py}", in: Self.values)
        #expect(unknown.location == SourceLocation(file: "page.md", line: line, column: 14))
        #expect(unknown.hint?.contains("NameError: name 'missing_name' is not defined") == true)
        #expect(outcome.diagnostics.contains { $0.message.contains("the format needs a number, but name is a str") })
        #expect(outcome.diagnostics.contains { $0.message.contains("M is an array of shape (3, 4)") })

        let cells = Dictionary(record.cells.map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(cells["bound"]?.status == .ok && cells["bound"]?.metrics["total"] == 13)
        #expect(cells["chain"]?.status == .ok && cells["chain"]?.metrics["failed_lines"] == 0)
        let cube = try #require(outcome.diagnostics.first { $0.message.contains("T has shape (2, 2, 2)") })
        #expect(cube.location?.line == Self.line(of: ":from-python: T", in: Self.values) && cube.location?.column == 15)
        #expect(cube.hint?.contains("reshape") == true)
        #expect(outcome.diagnostics.contains { $0.message.contains("O is a ndarray of dtype object, not an array of numbers") })
    }

    @Test(.timeLimit(.minutes(2))) func noExecuteShowsPlaceholdersAndSkipsKernelCells() throws {
        let (outcome, report, record, folder) = try Self.render(Self.values) { $0.executesCode = false }
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(!outcome.failed)
        #expect(report.contains("<code class=\"nb-inline-pending\">acc:.1%</code>"))
        #expect(record.inlineValues?.allSatisfy { $0.value == nil && $0.error == nil } == true)
        #expect(record.cells.allSatisfy { $0.status == .skipped })
    }

    @Test func aPageWithoutAKernelSaysSoForPyAndLeavesQuartoValuesAsCode() throws {
        let front = "---\ntitle: No kernel\n---\n\n"
        let body = "A {py}`acc` and `{python} acc`.\n"
        let (outcome, report, _, folder) = try Self.render(body, front: front)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(outcome.diagnostics.first { $0.severity == .error })
        #expect(error.message.contains("this page names none") && error.location?.line == 5 && error.location?.column == 3)
        #expect(outcome.diagnostics.filter { $0.severity == .error }.count == 1)
        #expect(report.contains("<code class=\"nb-inline-pending\">acc</code>"))
    }

    static let gradients = """
        ```{code-cell} python
        import numpy as np
        a = np.linspace(-1, 1, 20)
        w = np.zeros(20)
        def loss(w, a):
            return 0.5 * np.sum((w - a) ** 2)
        def grad(w, a):
            return w - a
        def grad_sign(w, a):
            return a - w
        def grad_twice(w, a):
            return 2 * (w - a)
        def grad_shape(w, a):
            return np.zeros(3)
        def grad_raises(w, a):
            return w - undefined
        calls = [0]
        def loss_fading(w, a):
            calls[0] += 1
            return np.nan if calls[0] > 12 else loss(w, a)

        rng = np.random.default_rng(0)
        X = rng.normal(size=(8, 5))
        y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
        W = rng.normal(0, 0.1, size=(5, 3))
        b = np.zeros(3)
        def softmax(A):
            E = np.exp(A - A.max(axis=1, keepdims=True))
            return E / E.sum(axis=1, keepdims=True)
        def ce(W, b, X, y):
            return -np.mean(np.log(softmax(X @ W + b)[np.arange(len(y)), y]))
        def ce_true_class_only(W, b, X, y):
            P = softmax(X @ W + b)
            G = np.zeros_like(P)
            G[np.arange(len(y)), y] = P[np.arange(len(y)), y] - 1
            return X.T @ G / len(y), G.sum(axis=0) / len(y)
        ```

        ```{gradcheck}
        :label: right
        :python: loss, grad
        :args: w, a
        ```

        ```{gradcheck}
        :label: sign
        :python: loss, grad_sign
        :args: w, a
        ```

        ```{gradcheck}
        :label: twice
        :python: loss, grad_twice
        :args: w, a
        ```

        ```{gradcheck}
        :label: shape
        :python: loss, grad_shape
        :args: w, a
        ```

        ```{gradcheck}
        :label: raises
        :python: loss, grad_raises
        :args: w, a
        ```

        ```{gradcheck}
        :label: fading
        :python: loss_fading, grad
        :args: w, a
        ```

        ```{gradcheck}
        :label: true-class
        :python: ce, ce_true_class_only
        :args: W, b, X, y
        :expect: fail
        ```
        """

    @Test(.timeLimit(.minutes(3))) func pythonGradientsAreCheckedWithTheSameVerdictsAndHints() throws {
        let (outcome, report, record, folder) = try Self.render(Self.gradients)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cells = Dictionary(record.cells.map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
        func error(_ label: String) -> Diagnostic? {
            let line = cells[label]?.line ?? -1
            return outcome.diagnostics.first { $0.severity == .error && ($0.location?.line ?? 0) >= line && ($0.location?.line ?? 0) <= line + 4 }
        }
        #expect(cells["right"]?.status == .ok && cells["right"]?.metrics["passed"] == 1)
        #expect((cells["right"]?.metrics["w_relative_error"] ?? 1) < 1e-8 && cells["right"]?.metrics["w_entries_compared"] == 20)
        #expect(error("sign")?.hint?.contains("opposite sign") == true)
        #expect(error("twice")?.hint?.contains("2 × the numeric gradient") == true)
        let shape = try #require(error("shape"))
        #expect(shape.message.contains("grad_shape returns (3,) for w, which is (20,)"))
        #expect(shape.location == SourceLocation(file: "page.md", line: cells["shape"]!.line + 2, column: 16))
        let raises = try #require(error("raises"))
        #expect(raises.message.contains("grad_raises raised an error (raised at line \(Self.line(of: "return w - undefined", in: Self.gradients)))"))
        #expect(raises.hint == "NameError: name 'undefined' is not defined")
        // 5 of the 20 entries compared: never a pass, whatever the error.
        let fading = try #require(error("fading"))
        #expect(fading.message.contains("only 5 of the 20 entries"))
        #expect(cells["fading"]?.metrics["passed"] == 0)
        #expect(cells["true-class"]?.status == .ok && cells["true-class"]?.metrics["passed"] == 0)
        #expect(report.contains("W: the formula is zero wherever Y is 0: it keeps only the true-class term"))
    }

    @Test func checkFindsMistakesInThePythonOptionsWithoutAKernel() throws {
        let folder = try DataFixtures.temporaryDirectory("bridge-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        let body = """
            ```{gradcheck}
            :python: loss
            :args: w
            ```

            ```{gradcheck}
            :python: loss, grad
            ```

            ```{gradcheck}
            :args: w
            loss: sum(W)
            grad W: W
            ```

            ```{eval}
            :from-python: X, 2y
            X
            ```

            ```{eval}
            :from-python: X
            sum(X) + Z
            ```

            A {py}`acc:.1x` value.
            """
        let url = folder.appendingPathComponent("page.md")
        try (Self.front + body).write(to: url, atomically: true, encoding: .utf8)
        let settings = RunSettings(outputDirectory: folder)
        let found = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)).check(url, file: "page.md")
        let messages = found.map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.message)" }
        let line = { (text: String) in Self.line(of: text, in: body) }
        #expect(messages.contains("\(line(":python: loss")):10 option :python: names 1 function; it takes two, the loss and its gradient"))
        #expect(messages.contains { $0.hasPrefix("\(line(":python: loss, grad")):10 with :python: the cell needs :args:") })
        #expect(messages.contains("\(line(":args: w") + 8):8 option :args: is for :python:, which is not given"))
        #expect(messages.contains("\(line("2y")):18 option :from-python: '2y' is not a Python name"))
        #expect(messages.contains { $0.hasPrefix("\(line("sum(X) + Z")):") && $0.contains("'Z'") })
        #expect(!messages.contains { $0.contains("'X'") })
        #expect(messages.contains("\(line("{py}`acc:.1x`")):12 unknown format '.1x'"))
    }
}

/// A cell that reads the kernel (`{gradcheck} :python:`, `:from-python:`, an inline `{py}` value)
/// is cached on the code cells before it: an unchanged page re-renders without starting a
/// kernel, and a changed code cell above runs them again.
@Suite(.serialized, .enabled(if: (try? KernelSpec.find("python3")) != nil, "needs python3-ipykernel"))
struct KernelBridgeCacheTests {
    @Test(.timeLimit(.minutes(2))) func cellsThatReadTheKernelAreCachedOnTheCodeCellsBeforeThem() throws {
        let folder = try DataFixtures.temporaryDirectory("bridge-cache")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("page.md")
        func render(_ gradient: String) throws -> (record: RunRecord, report: String) {
            let page = KernelBridgeTests.front + """
                ```{code-cell} python
                import numpy as np
                a = np.linspace(-1, 1, 20)
                w = np.zeros(20)
                def loss(w, a):
                    return 0.5 * np.sum((w - a) ** 2)
                def grad(w, a):
                    return \(gradient)
                ```

                ```{gradcheck}
                :label: check
                :python: loss, grad
                :args: w, a
                ```

                ```{eval}
                :label: values
                :from-python: a
                total = sum(a * a)
                ```

                The loss at zero is {py}`loss(w, a):.3f`.
                """
            try page.write(to: url, atomically: true, encoding: .utf8)
            let settings = RunSettings(outputDirectory: folder.appendingPathComponent("out"), keepGoing: true, reproducible: true)
            let outcome = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent), cacheMode: .use).render(url, file: "page.md")
            let record = try JSONDecoder().decode(RunRecord.self, from: Data(contentsOf: try #require(outcome.record)))
            return (record, try String(contentsOf: outcome.report, encoding: .utf8))
        }
        let right = try render("w - a")
        #expect(right.record.cells.map(\.status) == [.ok, .ok])
        #expect(right.record.cells.first?.metrics["passed"] == 1)
        #expect(right.record.kernelStarts == 1)
        #expect(right.report.contains(">3.684</span>"))

        // Unchanged: every cell, the code cell, the check, the bound values and the inline value come from the cache.
        let again = try render("w - a")
        #expect(again.record.kernelStarts == 0)
        #expect(again.record.cells.map(\.status) == [.cached, .cached])
        #expect(again.record.cells.first?.metrics["passed"] == 1)
        #expect(again.report.contains(">3.684</span>"))

        // A changed code cell above: the check reads the new gradient, and fails.
        let wrong = try render("a - w")
        #expect(wrong.record.kernelStarts == 1)
        #expect(wrong.record.cells.first?.status == .error && wrong.record.cells.first?.metrics["passed"] == 0)
        #expect(wrong.record.cells.last?.status == .ok)
        #expect(wrong.report.contains(">3.684</span>"))
    }
}
