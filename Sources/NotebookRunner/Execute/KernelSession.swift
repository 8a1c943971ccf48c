import Foundation
import JupyterKernel

/// One Jupyter kernel for one page: its code cells run in it in order, sharing its variables.
/// Each run gives the outputs the report shows and, for an exception, a diagnostic at the
/// notebook's line where the code failed.
final class KernelSession {
    /// What one code cell left.
    struct Outcome {
        var status: CellStatus
        var outputs: [CellOutput]
        var error: Diagnostic?
    }

    /// The client (also for nbrun's own requests: `KernelSession+Bridge`).
    let client: KernelClient
    /// Where each execution's code starts in the notebook, by the kernel's execution count.
    private var codeStarts: [Int: SourceLocation] = [:]

    /// Starts the kernel `name` in `workingDirectory` (the notebook's folder).
    /// - Throws: a `Diagnostic` at `location` (where the kernel was asked for) naming the
    ///   kernelspec and how to install it, or why it did not start.
    init(kernel name: String, workingDirectory: URL?, location: SourceLocation) throws {
        var options = KernelClient.Options()
        options.workingDirectory = workingDirectory?.path
        do {
            client = try KernelClient(kernel: name, options: options)
        } catch let error as KernelError {
            throw Diagnostic.error(error.description, at: location, hint: error.hint)
        }
    }

    deinit { client.shutdown() }

    func shutdown() { client.shutdown() }

    /// Set when the kernel died: the session cannot run anything more.
    private(set) var isDead = false

    /// Runs `code`, whose first line is at `start`, stopping it after `timeout` seconds or when
    /// `cancellation` is asked to stop the run (the kernel is interrupted either way).
    func run(_ code: String, start: SourceLocation, timeout: Double?, cancellation: Cancellation = Cancellation()) -> Outcome {
        let result: ExecutionResult
        do {
            result = try client.execute(code, timeout: timeout, stopRequested: { cancellation.reason != nil })
        } catch let error as KernelError {
            if case .died(let reason, let log) = error {
                isDead = true
                client.shutdown()
                let diagnostic = Diagnostic.error("the kernel died while running this cell (\(reason))" + KernelError.logTail(log),
                                                  at: start, hint: error.hint)
                return Outcome(status: .error, outputs: [.error(diagnostic)], error: diagnostic)
            }
            let diagnostic = Diagnostic.error(error.description, at: start, hint: error.hint)
            return Outcome(status: .error, outputs: [.error(diagnostic)], error: diagnostic)
        } catch {
            let diagnostic = Diagnostic.error("\(error)", at: start)
            return Outcome(status: .error, outputs: [.error(diagnostic)], error: diagnostic)
        }
        if let count = result.executionCount { codeStarts[count] = start }
        let outputs = KernelDisplay.displays(of: result).map(CellOutput.kernel)
        switch result.status {
        case .ok:
            return Outcome(status: .ok, outputs: outputs, error: nil)
        case .error:
            let error = result.error
            let message = error.map { $0.value.isEmpty ? $0.name : "\($0.name): \($0.value)" } ?? "the code failed"
            let location = error.flatMap { failingLine(in: $0.traceback) } ?? start
            let diagnostic = Diagnostic.error(message, at: location, hint: "the traceback is shown at the cell")
            return Outcome(status: .error, outputs: outputs + [.error(diagnostic)], error: diagnostic)
        case .interrupted, .restarted:
            let diagnostic: Diagnostic
            if result.cancelled {
                let why = cancellation.reason ?? "the run was stopped"
                diagnostic = Diagnostic.error(why + (result.status == .interrupted ? "; the kernel was interrupted"
                                                                                  : "; the kernel did not stop when interrupted and was restarted"),
                                              at: start)
            } else {
                let seconds = timeout.map { " after \(Self.format($0)) s" } ?? ""
                let what = result.status == .interrupted
                    ? "the cell timed out: interrupted\(seconds)"
                    : "the cell timed out: interrupted\(seconds), it did not stop, so the kernel was restarted and everything defined before is gone"
                diagnostic = Diagnostic.error(what, at: start, hint: "give the cell more time with :timeout: (or `#| timeout:`) or make it faster")
            }
            return Outcome(status: .error, outputs: outputs + [.error(diagnostic)], error: diagnostic)
        }
    }

    /// The notebook line of the innermost frame of notebook code in an IPython traceback
    /// ("Cell In [3], line 2" → the third execution's code start + 1 line).
    func failingLine(in traceback: [String]) -> SourceLocation? {
        let text = traceback.joined(separator: "\n")
            .replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        guard let expression = try? NSRegularExpression(pattern: #"(?:Cell In ?\[(\d+)\]|Input In ?\[(\d+)\]), line (\d+)"#) else { return nil }
        var found: SourceLocation?
        for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let countRange = match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range(at: 2)
            guard let countText = Range(countRange, in: text), let lineText = Range(match.range(at: 3), in: text),
                  let count = Int(text[countText]), let line = Int(text[lineText]),
                  let start = codeStarts[count] else { continue }
            found = SourceLocation(file: start.file, line: start.line + line - 1, column: 1)
        }
        return found
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
