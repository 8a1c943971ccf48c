import Foundation
import ZeroMQBindings

/// The five sockets to one kernel (shell, IOPub, stdin, control, heartbeat), signing what goes out
/// and checking what comes in. Messages with a bad signature are dropped and counted.
final class KernelChannels {
    enum Channel: Int, CaseIterable { case shell, iopub, stdin, control, heartbeat }

    let session = UUID().uuidString.lowercased()
    let signer: MessageSigner
    private(set) var rejected: [KernelMessage.Rejected] = []
    private let context: ZeroMQ.Context
    private let sockets: [ZeroMQ.Socket]

    init(_ connection: ConnectionInfo) throws {
        signer = MessageSigner(key: connection.key)
        do {
            context = try ZeroMQ.Context()
            let identity = Array(session.utf8)
            let shell = try ZeroMQ.Socket(.dealer, in: context)
            try shell.setIdentity(identity)
            let iopub = try ZeroMQ.Socket(.subscriber, in: context)
            try iopub.subscribe()
            let stdin = try ZeroMQ.Socket(.dealer, in: context)
            try stdin.setIdentity(identity)
            let control = try ZeroMQ.Socket(.dealer, in: context)
            let heartbeat = try ZeroMQ.Socket(.request, in: context)
            try shell.connect(connection.endpoint(connection.shellPort))
            try iopub.connect(connection.endpoint(connection.iopubPort))
            try stdin.connect(connection.endpoint(connection.stdinPort))
            try control.connect(connection.endpoint(connection.controlPort))
            try heartbeat.connect(connection.endpoint(connection.heartbeatPort))
            sockets = [shell, iopub, stdin, control, heartbeat]
        } catch let failure as ZeroMQ.Failure {
            throw KernelError.transport(failure.description)
        }
    }

    deinit { close() }

    func close() { sockets.forEach { $0.close() } }

    /// Sends a request of `type` on `channel`; returns its message id.
    @discardableResult
    func send(_ type: String, _ content: JSONValue, on channel: Channel) throws -> String {
        let message = KernelMessage(type: type, session: session, content: content)
        try transport { try sockets[channel.rawValue].send(try message.frames(signedBy: signer)) }
        return message.id
    }

    func ping() throws {
        try transport { try sockets[Channel.heartbeat.rawValue].send([Array("ping".utf8)]) }
    }

    /// Waits up to `milliseconds` and returns every message that arrived, with its channel.
    /// A heartbeat reply comes back as `(.heartbeat, nil)`.
    func receive(waiting milliseconds: Int) throws -> [(Channel, KernelMessage?)] {
        try transport {
            let ready = try ZeroMQ.poll(sockets, milliseconds: milliseconds)
            var messages: [(Channel, KernelMessage?)] = []
            for channel in Channel.allCases where ready[channel.rawValue] {
                while let frames = try sockets[channel.rawValue].receive() {
                    if channel == .heartbeat { messages.append((channel, nil)); break }
                    do { messages.append((channel, try KernelMessage(frames: frames, verifiedBy: signer))) }
                    catch let rejection as KernelMessage.Rejected { rejected.append(rejection) }
                }
            }
            return messages
        }
    }

    private func transport<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let failure as ZeroMQ.Failure {
            throw KernelError.transport(failure.description)
        }
    }
}
