import Foundation
import Testing
import JupyterKernel
@testable import NotebookRunner

/// Pages that name a Jupyter kernel: their code cells run in it, in order with nbrun's own cells,
/// and the report shows what the kernel showed.
@Suite(.serialized, .enabled(if: (try? KernelSpec.find("python3")) != nil, "needs python3-ipykernel"))
struct KernelPageTests {
    static let page = """
        ---
        title: Kernel page
        kernelspec:
          name: python3
          display_name: Python 3
        ---

        # Code

        ```{code-cell} python
        x = 40
        print("hello from python")
        ```

        ```{eval}
        :label: own
        v = 1 + 1
        ```

        ```{code-cell} python
        from IPython.display import HTML, Latex
        display(HTML("<b>bold</b><script>document.title = 'pwned'</script>"))
        display(Latex(r"$\\alpha^2$"))
        x + 2
        ```

        ```{code-cell} python
        def broken():
            return undefined_name
        broken()
        ```

        ```{code-cell} python
        print("after the failure")
        ```
        """

    static func render(_ page: String, configure: (inout RunSettings) -> Void = { _ in }) throws -> (Pipeline.Outcome, String, URL) {
        let folder = try DataFixtures.temporaryDirectory("kernel-page")
        let url = folder.appendingPathComponent("page.md")
        try page.write(to: url, atomically: true, encoding: .utf8)
        var settings = RunSettings(outputDirectory: folder.appendingPathComponent("out"), reproducible: true)
        configure(&settings)
        let outcome = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)).render(url, file: "page.md")
        return (outcome, try String(contentsOf: outcome.report, encoding: .utf8), folder)
    }

    @Test(.timeLimit(.minutes(2))) func codeCellsRunInOneKernelAndAFailureStopsTheRest() throws {
        let (outcome, report, folder) = try Self.render(Self.page)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(outcome.failed)
        #expect(report.contains("hello from python"))
        #expect(report.contains("<b>bold</b>") && !report.contains("<script"))
        #expect(report.contains("<math") && report.contains("α"))
        #expect(report.contains("42"))
        #expect(report.contains("NameError"))
        #expect(!report.contains("after the failure</pre>"))
        // The failing line: `return undefined_name`, line 2 of the cell whose fence is at line 27.
        let error = try #require(outcome.diagnostics.first { $0.message.contains("NameError") })
        #expect(error.location == SourceLocation(file: "page.md", line: 29, column: 1))
        #expect(!report.contains("shown, not run"))
    }

    @Test(.timeLimit(.minutes(2))) func keepGoingRunsTheCellsAfterAFailure() throws {
        let (_, report, folder) = try Self.render(Self.page) { $0.keepGoing = true }
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(report.contains("after the failure"))
    }

    @Test func noExecuteShowsTheCodeOnly() throws {
        let (outcome, report, folder) = try Self.render(Self.page) { $0.executesCode = false }
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(!outcome.failed)
        #expect(!report.contains("hello from python</pre>") && report.contains("shown, not run"))
    }

    /// `nbrun check` says the code cells will run in the kernel, as render runs them (and, with
    /// --no-execute, that they are shown, not run); a `{code-block}` is shown either way.
    @Test func checkSaysTheCodeCellsWillRunInThePagesKernel() throws {
        let folder = try DataFixtures.temporaryDirectory("kernel-check")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("page.md")
        try (Self.page + "\n\n```{code-block} python\nshown = True\n```\n").write(to: url, atomically: true, encoding: .utf8)
        func notes(_ configure: (inout RunSettings) -> Void = { _ in }) -> [String] {
            var settings = RunSettings(outputDirectory: folder)
            configure(&settings)
            return Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)).check(url, file: "page.md")
                .filter { $0.severity == .note }.map(\.message)
        }
        #expect(notes() == ["4 Python code cells will run in the Jupyter kernel python3",
                            "1 Python code cell shown, not run: nbrun runs its own directives"])
        #expect(notes { $0.kernel = "python3-other" }.first == "4 Python code cells will run in the Jupyter kernel python3-other")
        #expect(notes { $0.executesCode = false } == ["5 Python code cells shown, not run: nbrun runs its own directives"])
    }

    /// `nbrun render` prints the same summary as `check` before it runs the code cells: not
    /// "shown, not run" for cells it is about to run.
    @Test(.timeLimit(.minutes(2))) func renderSaysTheCodeCellsWillRunInThePagesKernel() throws {
        let folder = try DataFixtures.temporaryDirectory("kernel-render-note")
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = """
            ---
            kernelspec:
              name: python3
            ---

            ```{code-cell} python
            print(6 * 7)
            ```

            ```{code-block} python
            shown = True
            ```
            """
        try page.write(to: folder.appendingPathComponent("page.md"), atomically: true, encoding: .utf8)
        let run = try NBRunProcess.run(["render", "page.md", "-o", "out", "-q"], in: folder)
        #expect(run.status == 0)
        #expect(run.stderr.contains("1 Python code cell will run in the Jupyter kernel python3"))
        #expect(run.stderr.components(separatedBy: "shown, not run").count == 2)
        #expect(try String(contentsOf: folder.appendingPathComponent("out/page.html"), encoding: .utf8).contains("42"))
    }

    @Test func aMissingKernelIsOneClearErrorAtTheFrontMatter() throws {
        let page = Self.page.replacingOccurrences(of: "name: python3", with: "name: no-such-kernel")
        let (outcome, report, folder) = try Self.render(page)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(outcome.failed)
        let error = try #require(outcome.diagnostics.first { $0.message.contains("no-such-kernel") })
        #expect(error.location?.line == 3)
        #expect(report.contains("pip install ipykernel"))
    }
}
