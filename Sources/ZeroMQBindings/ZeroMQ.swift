import CZeroMQ

/// Message queues over the system libzmq: a context, sockets of the kinds a Jupyter client
/// needs (DEALER, SUB, REQ), multipart send and receive, and polling several sockets at once.
///
/// This is the only file that imports `CZeroMQ`. Every libzmq status goes through
/// `check(_:_:)`, which turns failures into `ZeroMQ.Failure` values; no C pointer leaves it.
public enum ZeroMQ {
    /// A libzmq call that failed, with libzmq's own words for why.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The operation that failed ("connect tcp://127.0.0.1:5555").
        public var operation: String
        /// The errno libzmq reported.
        public var code: Int32
        /// `zmq_strerror(code)`.
        public var reason: String

        public var description: String { "\(operation): \(reason)" }
    }

    /// The kinds of socket this wrapper opens.
    public enum Kind: Sendable {
        case dealer, subscriber, request

        var value: Int32 {
            switch self {
            case .dealer: return ZMQ_DEALER
            case .subscriber: return ZMQ_SUB
            case .request: return ZMQ_REQ
            }
        }
    }

    /// The libzmq version, "4.3.4".
    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }

    /// Which of `sockets` have a message waiting, after at most `milliseconds` (0 returns at once).
    /// Interrupted waits (EINTR) count as "nothing ready".
    public static func poll(_ sockets: [Socket], milliseconds: Int) throws -> [Bool] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        let ready = zmq_poll(&items, Int32(items.count), milliseconds)
        if ready < 0 {
            let code = zmq_errno()
            if code == EINTR { return Array(repeating: false, count: sockets.count) }
            throw failure("poll", code)
        }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }

    /// A libzmq context: the I/O thread the sockets share. Close every socket before it goes away.
    public final class Context {
        let handle: UnsafeMutableRawPointer

        public init() throws {
            guard let handle = zmq_ctx_new() else { throw ZeroMQ.failure("create context", zmq_errno()) }
            self.handle = handle
        }

        deinit {
            while zmq_ctx_term(handle) != 0, zmq_errno() == EINTR {}
        }
    }

    /// One socket. Closed when released (linger 0: unsent messages are dropped, never waited for).
    public final class Socket {
        let handle: UnsafeMutableRawPointer
        /// Keeps the context alive while the socket is open.
        private let context: Context
        private var closed = false

        public init(_ kind: Kind, in context: Context) throws {
            guard let handle = zmq_socket(context.handle, kind.value) else {
                throw ZeroMQ.failure("open socket", zmq_errno())
            }
            self.handle = handle
            self.context = context
            var linger: Int32 = 0
            try ZeroMQ.check(zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size), "set linger")
        }

        deinit { close() }

        /// Closes the socket now (idempotent).
        public func close() {
            guard !closed else { return }
            closed = true
            zmq_close(handle)
        }

        /// Sets the identity a DEALER or REQ socket presents to the peer's ROUTER.
        public func setIdentity(_ identity: [UInt8]) throws {
            try identity.withUnsafeBytes { bytes in
                try ZeroMQ.check(zmq_setsockopt(handle, ZMQ_ROUTING_ID, bytes.baseAddress, bytes.count), "set identity")
            }
        }

        /// Subscribes a SUB socket to messages whose first frame starts with `prefix` (empty: all).
        public func subscribe(_ prefix: [UInt8] = []) throws {
            try prefix.withUnsafeBytes { bytes in
                try ZeroMQ.check(zmq_setsockopt(handle, ZMQ_SUBSCRIBE, bytes.baseAddress, bytes.count), "subscribe")
            }
        }

        /// Connects to `endpoint` ("tcp://127.0.0.1:5555"); libzmq reconnects on its own.
        public func connect(_ endpoint: String) throws {
            try ZeroMQ.check(zmq_connect(handle, endpoint), "connect \(endpoint)")
        }

        /// Sends `frames` as one multipart message.
        public func send(_ frames: [[UInt8]]) throws {
            for (index, frame) in frames.enumerated() {
                let flags = index < frames.count - 1 ? ZMQ_SNDMORE : 0
                let sent = frame.withUnsafeBytes { bytes in
                    zmq_send(handle, bytes.baseAddress, bytes.count, flags)
                }
                if sent < 0 { throw ZeroMQ.failure("send", zmq_errno()) }
            }
        }

        /// The next multipart message, or nil when none is waiting (never blocks).
        public func receive() throws -> [[UInt8]]? {
            var frames: [[UInt8]] = []
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            while true {
                let size = zmq_msg_recv(&message, handle, frames.isEmpty ? ZMQ_DONTWAIT : 0)
                if size < 0 {
                    let code = zmq_errno()
                    if frames.isEmpty && code == EAGAIN { return nil }
                    if code == EINTR { continue }
                    throw ZeroMQ.failure("receive", code)
                }
                let data = zmq_msg_data(&message)
                frames.append(size == 0 || data == nil
                              ? [] : Array(UnsafeRawBufferPointer(start: data, count: Int(size))))
                if zmq_msg_more(&message) == 0 { return frames }
            }
        }
    }

    static func check(_ status: Int32, _ operation: @autoclosure () -> String) throws {
        if status != 0 { throw failure(operation(), zmq_errno()) }
    }

    static func failure(_ operation: String, _ code: Int32) -> Failure {
        Failure(operation: operation, code: code, reason: String(cString: zmq_strerror(code)))
    }
}
