import Foundation

/// How nbrun's own cells (`{gradcheck} :python:`, `:from-python:`) and inline `{py}` values
/// reach the page's Jupyter kernel: the kernel the code cells run in, started on first use
/// when no code cell has started it yet.
public final class KernelAccess {
    /// The kernel the page names (`--kernel` or its kernelspec), nil when it names none.
    let name: String?
    /// False with `--no-execute`: nothing is asked of the kernel.
    let executes: Bool
    private let start: (SourceLocation) throws -> KernelSession

    init(name: String?, executes: Bool, start: @escaping (SourceLocation) throws -> KernelSession) {
        self.name = name
        self.executes = executes
        self.start = start
    }

    /// The running kernel, for `what` (e.g. "{gradcheck} :python:") at `location`.
    /// - Throws: `KernelNotAsked` with `--no-execute`; a `Diagnostic` at `location` when the page
    ///   names no kernel or it does not start.
    func session(for what: String, at location: SourceLocation) throws -> KernelSession {
        guard executes else { throw KernelNotAsked(reason: "\(what) reads from the Jupyter kernel, and --no-execute runs no code") }
        guard name != nil else {
            throw Diagnostic.error("\(what) reads from a Jupyter kernel, but this page names none", at: location,
                                   hint: "name one in the front matter (kernelspec: {name: python3}) or render with --kernel python3")
        }
        return try start(location)
    }
}

/// Why a cell that reads from the kernel was not run (`--no-execute`): the cell is `skipped`
/// with this note, not failed.
struct KernelNotAsked: Error {
    var reason: String
}

extension ExecutionContext {
    /// The running kernel for this cell's `what` (see `KernelAccess.session`).
    func kernelSession(for what: String, at location: SourceLocation) throws -> KernelSession {
        guard let kernel else {
            throw Diagnostic.error("\(what) reads from a Jupyter kernel, which this run does not have", at: location)
        }
        return try kernel.session(for: what, at: location)
    }
}
