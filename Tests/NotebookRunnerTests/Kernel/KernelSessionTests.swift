import Foundation
import Testing
import JupyterKernel
@testable import NotebookRunner

/// Code cells in a real python3 kernel, as a page runs them: outputs for the report, errors at
/// the notebook's line.
@Suite(.serialized, .enabled(if: (try? KernelSpec.find("python3")) != nil, "needs python3-ipykernel"))
struct KernelSessionTests {
    static let file = "notebooks/analysis.md"

    @Test(.timeLimit(.minutes(2))) func anExceptionIsLocatedAtTheNotebooksLine() throws {
        let session = try KernelSession(kernel: "python3", workingDirectory: nil, location: SourceLocation(file: Self.file, line: 2))
        defer { session.shutdown() }
        let define = session.run("def f(x):\n    return 1 / x", start: SourceLocation(file: Self.file, line: 10), timeout: 30)
        #expect(define.status == .ok && define.outputs.isEmpty)
        let call = session.run("y = 2\nf(0)", start: SourceLocation(file: Self.file, line: 20), timeout: 30)
        #expect(call.status == .error)
        // The innermost frame of notebook code: line 2 of the first cell, at line 10 of the file.
        #expect(call.error?.location == SourceLocation(file: Self.file, line: 11, column: 1))
        #expect(call.error?.message == "ZeroDivisionError: division by zero")
        let traceback = call.outputs.compactMap { output -> [String]? in
            if case .kernel(.traceback(_, _, let lines)) = output { return lines }
            return nil
        }
        #expect(traceback.count == 1)
    }

    @Test(.timeLimit(.minutes(2))) func aCellPastItsTimeLimitIsAnErrorAndTheKernelGoesOn() throws {
        let session = try KernelSession(kernel: "python3", workingDirectory: nil, location: SourceLocation(file: Self.file, line: 2))
        defer { session.shutdown() }
        let loop = session.run("while True: pass", start: SourceLocation(file: Self.file, line: 5), timeout: 1)
        #expect(loop.status == .error)
        #expect(loop.error?.message.contains("interrupted after 1 s") == true)
        let next = session.run("print(6 * 7)", start: SourceLocation(file: Self.file, line: 9), timeout: 30)
        #expect(next.outputs == [.kernel(.stream(name: "stdout", text: "42\n", truncatedBytes: 0))])
    }

    @Test func aMissingKernelIsALocatedErrorWithTheInstallHint() {
        #expect {
            _ = try KernelSession(kernel: "python-nonexistent", workingDirectory: nil, location: SourceLocation(file: Self.file, line: 3))
        } throws: { error in
            guard let diagnostic = error as? Diagnostic else { return false }
            return diagnostic.location == SourceLocation(file: Self.file, line: 3)
                && diagnostic.message.contains("'python-nonexistent'")
                && diagnostic.hint?.contains("pip install ipykernel") == true
        }
    }
}
