import Foundation

/// A client for one running Jupyter kernel (messaging protocol 5.3), without Python or the
/// `jupyter` command in between: it launches the kernelspec's program with a fresh connection
/// file, checks it answers `kernel_info_request`, runs code with `execute_request` and gathers
/// the outputs, interrupts and restarts it, watches that it stays alive, and shuts it down.
///
/// One client is used from one thread at a time.
public final class KernelClient {
    public struct Options: Sendable {
        /// How long the kernel may take to answer its first `kernel_info_request`.
        public var handshakeTimeout: Double = 60
        /// After a time limit's interrupt, how long the code has to stop before a restart.
        public var interruptGrace: Double = 5
        /// With a time limit, how long a request may wait for its code to start running.
        public var startGrace: Double = 30
        /// How long the kernel has to exit after `shutdown_request` before it is killed.
        public var shutdownGrace: Double = 3
        /// Heartbeats are sent this often, and a kernel silent for `heartbeatTimeout` is dead.
        public var heartbeatInterval: Double = 1
        public var heartbeatTimeout: Double = 15
        /// Stream text kept per execution, in bytes; the rest is counted and dropped.
        public var outputLimit = 1 << 20
        /// Display data (HTML, images, …) kept per execution, in bytes; a representation that
        /// does not fit is dropped and counted, so a flood of output cannot exhaust memory.
        public var displayLimit = 16 << 20
        /// The kernel's current directory (the notebook's folder).
        public var workingDirectory: String?

        public init() {}
    }

    public let spec: KernelSpec
    public let options: Options
    /// The content of the kernel's `kernel_info_reply` (language, versions, banner).
    public private(set) var info: JSONValue = nil
    private var process: KernelProcess
    private var channels: KernelChannels
    private var heartbeat = HeartbeatWatch()
    private var isShutDown = false

    /// Starts the kernel named `name` (found on `KernelSpec.searchPath()`).
    public convenience init(kernel name: String, options: Options = Options()) throws {
        try self.init(spec: try KernelSpec.find(name), options: options)
    }

    /// Starts `spec`'s kernel and waits for its `kernel_info_reply`.
    public init(spec: KernelSpec, options: Options = Options()) throws {
        self.spec = spec
        self.options = options
        process = try KernelProcess(spec: spec, workingDirectory: options.workingDirectory)
        do {
            channels = try KernelChannels(process.connection)
            try handshake()
        } catch {
            process.terminate()
            throw error
        }
    }

    deinit { shutdown() }

    /// The kernel process's id (it changes on restart).
    public var pid: Int32 { process.pid }

    /// The connection file the kernel was started with (removed at shutdown).
    var connectionFile: String { process.connectionFile }

    /// Messages dropped for a bad signature or malformed frames since the kernel started.
    public var rejectedMessages: [KernelMessage.Rejected] { channels.rejected }

    // MARK: Running code

    /// Runs `code` and returns its outputs. Past `timeout` seconds, or as soon as `stopRequested`
    /// returns true (it is asked every 0.1 s), the code is interrupted; if it does not stop within
    /// `options.interruptGrace`, the kernel is restarted.
    /// - Throws: `KernelError.died` when the kernel exits or stops answering heartbeats.
    public func execute(_ code: String, timeout: Double? = nil,
                        stopRequested: () -> Bool = { false }) throws -> ExecutionResult {
        // Cells go one at a time, so there is never a queue to abort after an error; with
        // `stop_on_error` ipykernel aborts the requests that arrive while it is still clearing
        // one, which on a busy machine can be the next cell's.
        let id = try channels.send("execute_request", [
            "code": .string(code), "silent": false, "store_history": true,
            "user_expressions": [:], "allow_stdin": false, "stop_on_error": false,
        ], on: .shell)
        var collector = OutputCollector(limit: options.outputLimit, displayLimit: options.displayLimit)
        var idle = false
        var reply: JSONValue?
        var interrupted = false
        var cancelled = false
        // The time limit counts from the kernel's "busy" for this request, when the code starts,
        // not from sending it: an interrupt that lands before the code runs could hit the next
        // cell instead. Until then it waits at most `options.startGrace` more.
        var running = false
        var deadline = timeout.map { now() + $0 + options.startGrace }
        while !(idle && reply != nil) {
            let finished = try wait(until: deadline, or: { !interrupted && stopRequested() }) { channel, message in
                guard message.parentID == id else { return false }
                switch (channel, message.type) {
                case (.iopub, "status"):
                    let state = message.content["execution_state"]?.string
                    if state == "idle" { idle = true }
                    if state == "busy", !running, !interrupted, let timeout {
                        running = true
                        deadline = now() + timeout
                    }
                case (.iopub, _):
                    collector.take(message)
                case (.shell, "execute_reply"):
                    reply = message.content
                default:
                    break
                }
                return idle && reply != nil
            }
            if finished { break }
            if interrupted {
                try restart()
                return ExecutionResult(status: .restarted, outputs: collector.outputs, executionCount: nil,
                                       truncatedBytes: collector.truncatedBytes, droppedDisplayBytes: collector.droppedDisplayBytes,
                                       cancelled: cancelled)
            }
            cancelled = stopRequested()
            try interrupt()
            interrupted = true
            deadline = now() + options.interruptGrace
        }
        let status: ExecutionResult.Status = interrupted ? .interrupted
            : reply?["status"]?.string == "ok" ? .ok : .error
        return ExecutionResult(status: status, outputs: collector.outputs,
                               executionCount: reply?["execution_count"]?.int, truncatedBytes: collector.truncatedBytes,
                               droppedDisplayBytes: collector.droppedDisplayBytes, cancelled: cancelled)
    }

    /// Interrupts the running code: `interrupt_request` on the control channel or SIGINT, as
    /// the kernelspec's `interrupt_mode` says.
    public func interrupt() throws {
        switch spec.interruptMode {
        case .signal: process.interrupt()
        case .message: try channels.send("interrupt_request", [:], on: .control)
        }
    }

    /// Stops the kernel and starts a fresh one (a new process, ports and key).
    public func restart() throws {
        stopProcess()
        process = try KernelProcess(spec: spec, workingDirectory: options.workingDirectory)
        do {
            channels = try KernelChannels(process.connection)
            heartbeat = HeartbeatWatch()
            try handshake()
        } catch {
            process.terminate()
            isShutDown = true
            throw error
        }
    }

    /// Asks the kernel to exit (`shutdown_request` on control), kills it after
    /// `options.shutdownGrace`, and removes its connection file. Idempotent.
    public func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        stopProcess()
    }

    private func stopProcess() {
        if process.isRunning {
            _ = try? channels.send("shutdown_request", ["restart": false], on: .control)
            _ = process.waitForExit(seconds: options.shutdownGrace)
        }
        channels.close()
        process.terminate()
    }

    // MARK: Waiting

    /// Sends `kernel_info_request` until the reply and an IOPub message have both arrived (IOPub
    /// subscriptions take a moment to reach the kernel; what it publishes before is lost).
    private func handshake() throws {
        let deadline = now() + options.handshakeTimeout
        var reply: JSONValue?
        var heardIOPub = false
        while true {
            let id = try channels.send("kernel_info_request", [:], on: .shell)
            let sent = now()
            var answered: Double?
            // Without a reply, ask again after a second. With one but nothing on IOPub yet, the
            // kernel published this request's status before the subscription reached it: ask
            // again at once (a second's wait there would be most of a small page's run).
            let finished = try wait(until: min(deadline, answered.map { $0 + 0.02 } ?? sent + 1), watchHeartbeat: false) { channel, message in
                if channel == .iopub { heardIOPub = true }
                if channel == .shell, message.type == "kernel_info_reply", message.parentID == id {
                    reply = message.content
                    answered = now()
                }
                return reply != nil && heardIOPub
            }
            if finished || (reply != nil && heardIOPub) { break }
            if now() >= deadline {
                throw KernelError.noHandshake(seconds: options.handshakeTimeout, log: process.log)
            }
        }
        info = reply ?? nil
    }

    /// Hands each arriving message to `handle` until it returns true (→ true), or `deadline` —
    /// read again after every message, so `handle` may move it — passes or `stop` returns true
    /// (→ false). Throws `KernelError.died` if the process ends or heartbeats stop.
    private func wait(until deadline: @autoclosure () -> Double?, or stop: () -> Bool = { false }, watchHeartbeat: Bool = true,
                      _ handle: (KernelChannels.Channel, KernelMessage) -> Bool) throws -> Bool {
        while true {
            if stop() { return false }
            let remaining = deadline().map { max(0, $0 - now()) } ?? 1
            let slice = Int(min(remaining, 0.1) * 1000)
            for (channel, message) in try channels.receive(waiting: slice) {
                guard let message else { heartbeat.answered(at: now()); continue }
                if handle(channel, message) { return true }
            }
            if !process.isRunning {
                throw KernelError.died(reason: "the kernel process " + process.exitDescription, log: process.log)
            }
            if watchHeartbeat {
                switch heartbeat.check(at: now(), interval: options.heartbeatInterval, timeout: options.heartbeatTimeout) {
                case .ping: try channels.ping()
                case .silent(let seconds):
                    throw KernelError.died(reason: "no heartbeat for \(Int(seconds)) s", log: process.log)
                case .fine: break
                }
            }
            if let deadline = deadline(), now() >= deadline { return false }
        }
    }

    private func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}

/// When to ping the kernel's heartbeat socket, and when its silence means it is gone.
struct HeartbeatWatch {
    enum Action: Equatable { case fine, ping, silent(Double) }
    private var lastAnswer: Double?
    private var pingSent: Double?

    mutating func answered(at time: Double) {
        lastAnswer = time
        pingSent = nil
    }

    mutating func check(at time: Double, interval: Double, timeout: Double) -> Action {
        if let sent = pingSent {
            return time - sent > timeout ? .silent(time - sent) : .fine
        }
        if time - (lastAnswer ?? -.infinity) >= interval {
            pingSent = time
            return .ping
        }
        return .fine
    }
}
