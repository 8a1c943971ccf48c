import Foundation

/// Runs the built `nbrun` binary, as a user would.
struct NBRunProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `nbrun` beside the test bundle in the build folder.
    static let binary: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("nbrun").path),
              folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("nbrun")
    }()

    /// Runs `nbrun` (or `executable`, say a wrapper given nbrun's path) to its end.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                    executable: URL = binary) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the process runs, so neither fills up.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `nbrun`, sends `signal` once stderr contains `trigger` (and again after
    /// `repeatAfter` seconds, when given), and returns what it printed and how it ended.
    static func run(_ arguments: [String], in directory: URL, sending signal: Int32, when trigger: String,
                    repeatAfter: Double? = nil, limit: Double = 120) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        nonisolated(unsafe) var outData = Data()
        let reader = Thread { outData = out.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        var errData = Data()
        var sent = false
        // Past `limit` seconds the process is killed, whether or not it is printing anything.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: watchdog)
        while true {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            errData.append(chunk)
            if !sent, String(decoding: errData, as: UTF8.self).contains(trigger) {
                sent = true
                kill(process.processIdentifier, signal)
                if let repeatAfter {
                    usleep(UInt32(repeatAfter * 1_000_000))
                    kill(process.processIdentifier, signal)
                }
            }
        }
        process.waitUntilExit()
        watchdog.cancel()
        while !reader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
