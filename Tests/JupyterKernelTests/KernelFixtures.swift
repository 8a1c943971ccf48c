import Foundation
@testable import JupyterKernel

/// The real IPython kernel (Debian's python3-ipykernel registers it as `python3`) and ways to look
/// at the processes it leaves behind.
enum KernelFixtures {
    static let hasPythonKernel = (try? KernelSpec.find("python3")) != nil

    /// A python3 kernel with short grace periods, so the bounded tests stay quick.
    static func python() throws -> KernelClient {
        var options = KernelClient.Options()
        options.handshakeTimeout = 60
        options.interruptGrace = 5
        options.shutdownGrace = 3
        return try KernelClient(kernel: "python3", options: options)
    }

    /// The children of this test process whose command line runs an IPython kernel.
    static func kernelChildren() -> Set<Int32> {
        let me = getpid()
        var children = Set<Int32>()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, Int32(fields[1]) == me else { continue }
            let command = (try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8)) ?? ""
            if command.contains("ipykernel") { children.insert(pid) }
        }
        return children
    }

    static func processExists(_ pid: Int32) -> Bool {
        FileManager.default.fileExists(atPath: "/proc/\(pid)")
    }

    /// The text of every stream output, joined.
    static func streamText(_ result: ExecutionResult) -> String {
        result.outputs.compactMap { output -> String? in
            if case .stream(_, let text) = output { return text }
            return nil
        }.joined()
    }

    /// `text` without its ANSI colour codes.
    static func withoutColours(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    static func monotonicSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
