import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A running kernel program: its private folder (connection file, log), the process, and the
/// ways to stop it. The kernel's stdout and stderr go to `kernel.log` in that folder, so a full
/// pipe can never block it and a kernel that dies can say why.
final class KernelProcess {
    let connection: ConnectionInfo
    let folder: String
    var connectionFile: String { folder + "/kernel-connection.json" }
    private let process = Process()
    private let logPath: String

    /// Starts `spec`'s program with a fresh connection file in a new private temporary folder (0700).
    init(spec: KernelSpec, workingDirectory: String?) throws {
        connection = try ConnectionInfo.fresh()
        folder = try Self.makePrivateFolder()
        logPath = folder + "/kernel.log"
        do {
            try connection.write(to: connectionFile)
            let argv = spec.commandLine(connectionFile: connectionFile)
            guard let program = Self.locate(argv[0]) else {
                throw KernelError.launchFailed(program: argv[0], reason: "not found on PATH")
            }
            _ = FileManager.default.createFile(atPath: logPath, contents: nil, attributes: [.posixPermissions: 0o600])
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(argv.dropFirst())
            process.environment = ProcessInfo.processInfo.environment.merging(spec.environment) { _, kernel in kernel }
            if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = log
            process.standardError = log
            do { try Self.withSignalsUnblocked { try process.run() } } catch {
                throw KernelError.launchFailed(program: program, reason: "\(error)")
            }
            try? log.close()
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// "exited with status 1" or "was killed by signal 9".
    var exitDescription: String {
        guard !process.isRunning else { return "still running" }
        return process.terminationReason == .uncaughtSignal
            ? "was killed by signal \(process.terminationStatus)"
            : "exited with status \(process.terminationStatus)"
    }

    /// What the kernel wrote to stdout and stderr (the last 16 KB).
    var log: String {
        guard let handle = FileHandle(forReadingAtPath: logPath) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 16_384 ? size - 16_384 : 0)
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Sends SIGINT (a KeyboardInterrupt in Python).
    func interrupt() {
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
    }

    /// Waits up to `seconds` for the process to end by itself; true when it did.
    func waitForExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return !process.isRunning
    }

    /// Kills the process (SIGKILL) if it still runs, reaps it and removes the private folder.
    func terminate() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs `body` with no signal blocked on this thread. A child inherits the blocked signals of
    /// the thread that spawns it, and Dispatch's threads (and the CLI's signal handling) block
    /// SIGINT: a kernel started with SIGINT blocked could never be interrupted.
    static func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var none = sigset_t()
        var previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    static func makePrivateFolder() throws -> String {
        let path = NSTemporaryDirectory() + "/nbrun-kernel-" + UUID().uuidString.lowercased()
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        } catch {
            throw KernelError.transport("cannot create a private folder for the connection file: \(error)")
        }
        return path
    }

    /// `program` itself when it contains a slash, else the first executable of that name on PATH.
    static func locate(_ program: String) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = String(folder) + "/" + program
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
