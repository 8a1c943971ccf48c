import Foundation
import Synchronization

/// The preview's HTTP server: `GET /` is the latest page, `GET /version` its number (see
/// `PreviewRoutes`). It listens on 127.0.0.1 unless told otherwise, and serves nothing else.
///
/// A small HTTP/1.1 server on POSIX sockets: one thread accepts, one thread serves each
/// connection, and every wait is a `poll` with a deadline, so `PreviewLimits` hold whatever a
/// client does — a head that never ends is cut at its size limit, a client that sends nothing
/// (or one byte at a time) at `headSeconds`, one that does not read its response at
/// `writeSeconds`. At most `limits.connections` are served at once; one more is answered 503
/// and closed at once. When the process runs out of file descriptors (or memory for a socket),
/// accepting pauses for a moment and resumes: the server never ends but by `stop()`.
public final class PreviewServer: Sendable {
    public let limits: PreviewLimits
    /// The address listened on, numeric (`127.0.0.1`, `::1`).
    public let address: String
    public let port: UInt16
    private let isIPv6: Bool
    private let listener: Int32
    /// Written once by `stop()`; every wait also watches its read end.
    private let wake: (read: Int32, write: Int32)
    private let hosts: HostPolicy
    /// The answer to a request whose head was read, given the hosts this connection answers to.
    private let respond: @Sendable (RequestHead, HostPolicy) -> PreviewResponse
    private let log: @Sendable (String) -> Void
    private let active = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    /// Binds and listens now (so a port in use is an error here); `run()` serves.
    /// - Parameters:
    ///   - host: a name or address; 0 as `port` picks a free port (see `port`).
    ///   - log: told when something goes wrong that a person should know of (no descriptors left).
    public convenience init(session: PreviewSession, host: String = "127.0.0.1", port: UInt16,
                            limits: PreviewLimits = .standard, log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        try self.init(host: host, port: port, limits: limits, log: log) { session.page }
    }

    /// A server of the pages `page` gives.
    public convenience init(host: String = "127.0.0.1", port: UInt16, limits: PreviewLimits = .standard,
                            log: @escaping @Sendable (String) -> Void = { _ in }, page: @escaping @Sendable () -> PreviewSession.Page) throws {
        try self.init(host: host, port: port, limits: limits, log: log) { head, hosts in PreviewRoutes.response(to: head, hosts: hosts, page: page) }
    }

    /// A server of a course's site as `site` last built it (`PreviewRoutes.response(to:hosts:site:)`).
    public convenience init(site: CoursePreview, host: String = "127.0.0.1", port: UInt16, limits: PreviewLimits = .standard,
                            log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        try self.init(host: host, port: port, limits: limits, log: log) { head, hosts in PreviewRoutes.response(to: head, hosts: hosts, site: site) }
    }

    /// A server whose answers `respond` gives.
    public init(host: String = "127.0.0.1", port: UInt16, limits: PreviewLimits = .standard,
                log: @escaping @Sendable (String) -> Void = { _ in },
                respond: @escaping @Sendable (RequestHead, HostPolicy) -> PreviewResponse) throws {
        let socket = try ListeningSocket(host: host, port: port)
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            close(socket.descriptor)
            throw PreviewServerError(description: "cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        self.limits = limits
        listener = socket.descriptor
        address = socket.address
        self.port = socket.port
        isIPv6 = socket.isIPv6
        wake = (pipeEnds[0], pipeEnds[1])
        for end in pipeEnds { SocketCalls.configure(end) }
        hosts = HostPolicy(listeningOn: socket.address, requested: host)
        self.respond = respond
        self.log = log
    }

    /// Throws unless `host` resolves to an IPv4 or IPv6 address (a usage check before anything runs).
    public static func checkHost(_ host: String) throws(PreviewServerError) {
        _ = try ListeningSocket.resolve(host)
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }

    /// The address for a browser: `http://127.0.0.1:8000/`, `http://[::1]:8000/`.
    public var url: String {
        "http://\(isIPv6 ? "[\(address)]" : address):\(port)/"
    }

    /// Connections being served now.
    public var connectionCount: Int { active.load(ordering: .relaxed) }

    /// Accepts and serves connections until `stop()`. Blocks the calling thread.
    public func run() {
        var exhausted = false
        accepting: while !stopped.load(ordering: .relaxed) {
            guard Self.wait(for: listener, events: Int16(POLLIN), until: nil, wake: wake.read) == .ready else { break }
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                let cause = errno
                switch cause {
                case EAGAIN, EWOULDBLOCK, EINTR, ECONNABORTED, EPROTO:
                    continue
                default:
                    // EMFILE, ENFILE, ENOBUFS, ENOMEM (or anything else): wait for a connection to end.
                    if !exhausted {
                        log("preview: cannot accept a connection (\(String(cString: strerror(cause)))); new ones wait until others close")
                        exhausted = true
                    }
                    if Self.wait(for: nil, events: 0, until: Self.deadline(after: 0.05), wake: wake.read) == .stopped { break accepting }
                    continue
                }
            }
            exhausted = false
            SocketCalls.configure(client)
            SocketCalls.sendAtOnce(client)
            guard active.add(1, ordering: .relaxed).newValue <= limits.connections else {
                refuse(client)
                continue
            }
            let started = Self.startThread { [self] in
                serve(client)
                active.subtract(1, ordering: .relaxed)
            }
            if !started {
                refuse(client)
            }
        }
        close(listener)
    }

    /// Ends `run()` and every connection's wait (each connection closes within a moment).
    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    // MARK: - One connection

    /// Reads requests and answers them until the client closes, a deadline passes, a request
    /// asks to close, or the server stops.
    private func serve(_ client: Int32) {
        var hosts = self.hosts
        if let local = ListeningSocket.localAddress(of: client) { hosts.allow(local.address) }
        var reader = RequestHeadReader(limits: limits)
        while let request = readHead(from: client, into: &reader) {
            let response = switch request {
            case .success(let head): respond(head, hosts)
            case .failure(let rejection): PreviewRoutes.response(to: rejection)
            }
            let deadline = Self.deadline(after: limits.writeSeconds)
            guard response.pieces.allSatisfy({ send($0, to: client, until: deadline) }) else { break }
            if response.closes {
                lingeringClose(client)
                return
            }
        }
        close(client)
    }

    /// The next request head from `client` within `headSeconds`: the head, or why it is refused
    /// (408 when part of a head came but not the rest in time); nil when the client closed, sent
    /// nothing in time, or the server stopped.
    private func readHead(from client: Int32, into reader: inout RequestHeadReader) -> Result<RequestHead, RequestRejection>? {
        let deadline = Self.deadline(after: limits.headSeconds)
        var chunk = [UInt8](repeating: 0, count: 4096)
        var outcome = reader.next()
        while true {
            switch outcome {
            case .head(let head): return .success(head)
            case .rejected(let rejection): return .failure(rejection)
            case .needMore: break
            }
            switch Self.wait(for: client, events: Int16(POLLIN), until: deadline, wake: wake.read) {
            case .ready: break
            case .timedOut:
                return reader.hasPartialRequest
                    ? .failure(RequestRejection(status: .requestTimeout, reason: "the request head took longer than \(limits.headSeconds) s"))
                    : nil
            case .stopped: return nil
            }
            let count = recv(client, &chunk, chunk.count, 0)
            if count > 0 {
                outcome = reader.append(chunk[0 ..< count])
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return nil
            }
        }
    }

    /// Sends all of `bytes` before `deadline`; false when the client left, the deadline passed
    /// or the server stopped.
    private func send(_ bytes: [UInt8], to client: Int32, until deadline: UInt64) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { SocketCalls.send(client, $0.baseAddress! + offset, bytes.count - offset) }
            if sent > 0 {
                offset += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                guard Self.wait(for: client, events: Int16(POLLOUT), until: deadline, wake: wake.read) == .ready else { return false }
            } else {
                return false
            }
        }
        return true
    }

    /// Closes after the response: stops sending, then reads (and drops) what the client still
    /// sends for up to a second or 64 KiB, so that closing with unread bytes does not reset the
    /// connection before the client has read the answer.
    private func lingeringClose(_ client: Int32) {
        shutdown(client, Int32(SHUT_WR))
        let deadline = Self.deadline(after: 1)
        var chunk = [UInt8](repeating: 0, count: 4096)
        var drained = 0
        while drained < 64 * 1024, Self.wait(for: client, events: Int16(POLLIN), until: deadline, wake: wake.read) == .ready {
            let count = recv(client, &chunk, chunk.count, 0)
            if count > 0 {
                drained += count
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                break
            }
        }
        close(client)
    }

    /// One more connection than the limit: a 503 if the socket takes it at once, then close.
    private func refuse(_ client: Int32) {
        active.subtract(1, ordering: .relaxed)
        let response = PreviewRoutes.response(to: RequestRejection(status: .serviceUnavailable,
                                                                   reason: "\(limits.connections) connections are open; try again"))
        _ = response.bytes.withUnsafeBytes { SocketCalls.send(client, $0.baseAddress!, $0.count) }
        close(client)
    }

    // MARK: - Waiting

    enum Wait: Equatable { case ready, timedOut, stopped }

    /// Monotonic nanoseconds `seconds` from now.
    static func deadline(after seconds: Double) -> UInt64 {
        DispatchTime.now().uptimeNanoseconds + UInt64(max(0, seconds) * 1e9)
    }

    /// Waits until `descriptor` has `events` (or an error or hang-up), the monotonic `deadline`
    /// passes (nil: no deadline), or `wake` becomes readable (the server stops); a failing
    /// `poll` is tried again.
    static func wait(for descriptor: Int32?, events: Int16, until deadline: UInt64?, wake: Int32) -> Wait {
        var descriptors = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        if let descriptor { descriptors.append(pollfd(fd: descriptor, events: events, revents: 0)) }
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let now = DispatchTime.now().uptimeNanoseconds
                guard now < deadline else { return .timedOut }
                timeout = Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max)))
            }
            let status = poll(&descriptors, nfds_t(descriptors.count), timeout)
            if status < 0 {
                // EINTR, or no memory for the call just now: try again (only `wake` stops the server).
                if errno != EINTR { usleep(10_000) }
                continue
            }
            if descriptors[0].revents != 0 { return .stopped }
            if descriptors.count > 1, descriptors[1].revents != 0 { return .ready }
            if status == 0, deadline != nil, DispatchTime.now().uptimeNanoseconds >= deadline! { return .timedOut }
        }
    }

    /// Runs `body` on a new thread with a small stack; false when the system has no thread to give.
    static func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
        final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, 512 * 1024)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let box = Unmanaged.passRetained(Box(body))
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, box.toOpaque())
        if status != 0 { box.release() }
        return status == 0
    }
}
