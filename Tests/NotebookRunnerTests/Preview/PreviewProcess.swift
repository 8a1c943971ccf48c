import Foundation

/// `nbrun preview` started for a test on a free port, stopped (SIGTERM, then SIGKILL) when the
/// test lets go of it.
final class PreviewProcess {
    let process = Process()
    /// The address it printed, such as `http://127.0.0.1:40123/`.
    let url: String
    let port: UInt16

    /// Starts `nbrun preview notebook.md -o out --port 0` (`target` for `notebook.md`) plus
    /// `arguments` in `folder`, through `sh -c` when `shellPrefix` is given (e.g. `ulimit -n 64;`);
    /// waits up to 30 s for its address.
    init(in folder: URL, target: String = "notebook.md", arguments: [String] = [], shellPrefix: String? = nil) throws {
        let command = [NBRunProcess.binary.path, "preview", target, "-o", "out", "--port", "0"] + arguments
        if let shellPrefix {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shellPrefix + " exec \"$@\"", "sh"] + command
        } else {
            process.executableURL = NBRunProcess.binary
            process.arguments = Array(command.dropFirst())
        }
        process.currentDirectoryURL = folder
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        let deadline = Date().addingTimeInterval(30)
        while !line.contains(UInt8(ascii: "\n")), Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let match = text.firstMatch(of: /at (http:\/\/\S+:(\d+)\/)/), let port = UInt16(match.2) else {
            process.terminate()
            throw POSIXError(.ECONNREFUSED)
        }
        url = String(match.1)
        self.port = port
    }

    deinit {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    /// Seconds of CPU the process has used (user and system), from /proc.
    var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, utime 14 and stime 15 (1-based, counting pid and name).
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A GET of `path` with `Host: host` (the server's own address by default) on a new
    /// connection; nil when no response came within 10 s.
    func get(_ path: String = "/", host: String? = nil, extraHeaders: String = "") -> RawResponse? {
        guard let connection = try? RawConnection(port: port) else { return nil }
        connection.send("GET \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\n\(extraHeaders)Connection: close\r\n\r\n")
        return connection.readResponse(within: 10)
    }
}
