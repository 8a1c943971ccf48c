/// Why a kernel could not be found, started, or talked to, in words a reader can act on.
public enum KernelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `kernels/NAME/kernel.json` in any of the searched folders.
    case kernelspecNotFound(name: String, searched: [String])
    /// A `kernel.json` that is not a kernelspec (unreadable, not JSON, no argv).
    case badKernelspec(path: String, reason: String)
    /// The kernel's program could not be started.
    case launchFailed(program: String, reason: String)
    /// The kernel did not answer `kernel_info_request` within the deadline.
    case noHandshake(seconds: Double, log: String)
    /// The kernel process ended (or stopped answering heartbeats) while nbrun waited for it.
    case died(reason: String, log: String)
    /// A socket or message failure between nbrun and the kernel.
    case transport(String)

    public var description: String {
        switch self {
        case .kernelspecNotFound(let name, let searched):
            return "no Jupyter kernel named '\(name)' (looked for kernels/\(name)/kernel.json in "
                + searched.joined(separator: ", ") + ")"
        case .badKernelspec(let path, let reason):
            return "\(path) is not a usable kernelspec: \(reason)"
        case .launchFailed(let program, let reason):
            return "could not start the kernel program \(program): \(reason)"
        case .noHandshake(let seconds, let log):
            return "the kernel did not answer kernel_info within \(Self.seconds(seconds))" + Self.logTail(log)
        case .died(let reason, let log):
            return "the kernel died: \(reason)" + Self.logTail(log)
        case .transport(let reason):
            return "kernel connection failed: \(reason)"
        }
    }

    /// What to do about it, when there is something to do.
    public var hint: String? {
        switch self {
        case .kernelspecNotFound(let name, _):
            return name.hasPrefix("python")
                ? "install the IPython kernel: `apt-get install python3-ipykernel` or `pip install ipykernel` "
                    + "(then `python3 -m ipykernel install --user` if it is not registered as '\(name)')"
                : "install the kernel for this language and register it under the name '\(name)' "
                    + "(`jupyter kernelspec list` shows the installed ones); for Python: "
                    + "`apt-get install python3-ipykernel` or `pip install ipykernel`"
        case .launchFailed, .noHandshake:
            return "run the kernelspec's argv by hand to see why it does not start"
        case .died:
            return "the code may have called os._exit, crashed the interpreter or run out of memory"
        default:
            return nil
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    public static func logTail(_ log: String) -> String {
        let lines = log.split(separator: "\n", omittingEmptySubsequences: true).suffix(8)
        return lines.isEmpty ? "" : "\nkernel log (last lines):\n" + lines.joined(separator: "\n")
    }
}
