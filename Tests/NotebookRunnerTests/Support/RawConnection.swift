import Foundation

/// A TCP connection on loopback driven byte by byte, for clients and servers that do what a
/// well-behaved HTTP library never would: half a request, a line that never ends, a body
/// that never stops. Every read has a deadline.
final class RawConnection: @unchecked Sendable {
    let descriptor: Int32
    private(set) var isClosed = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Connects to `host` (an IPv4 or IPv6 address) on `port`.
    convenience init(port: UInt16, host: String = "127.0.0.1") throws {
        let inet6 = host.contains(":")
        let descriptor = socket(inet6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var status: Int32
        if inet6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard status == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        self.init(descriptor: descriptor)
    }

    deinit { close() }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(descriptor)
    }

    /// Sends all of `bytes`; false when the peer has gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Waits up to `seconds` for something to read (or the peer closing).
    func readable(within seconds: Double) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, Int32(seconds * 1000)) > 0
    }

    /// What arrives within `seconds`, until the peer closes (`closed`) or `limit` bytes came.
    func read(for seconds: Double, limit: Int = 64 << 20) -> (bytes: [UInt8], closed: Bool) {
        let deadline = Date().addingTimeInterval(seconds)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let left = deadline.timeIntervalSinceNow
            guard left > 0, readable(within: left) else { return (bytes, false) }
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count <= 0 { return (bytes, true) }
            bytes += chunk[0 ..< count]
        }
        return (bytes, false)
    }

    /// What arrives within `seconds` up to and including the first `terminator` (or all of it
    /// when the terminator does not come).
    func read(through terminator: [UInt8], within seconds: Double) -> [UInt8] {
        let deadline = Date().addingTimeInterval(seconds)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while !bytes.suffix(terminator.count).elementsEqual(terminator) {
            let left = deadline.timeIntervalSinceNow
            guard left > 0, readable(within: left), recv(descriptor, &byte, 1, 0) == 1 else { break }
            bytes.append(byte)
        }
        return bytes
    }

    /// One HTTP response (head and a `Content-Length` body) within `seconds`, or nil.
    func readResponse(within seconds: Double) -> RawResponse? {
        let deadline = Date().addingTimeInterval(seconds)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let response = RawResponse(bytes) { return response }
            let left = deadline.timeIntervalSinceNow
            guard left > 0, readable(within: left) else { return nil }
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count <= 0 { return RawResponse(bytes) }
            bytes += chunk[0 ..< count]
        }
    }
}

/// An HTTP response as bytes arrived: status, headers (names lower-cased) and body.
struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    /// The first response in `bytes`, when its head and `Content-Length` body are all there.
    init?(_ bytes: [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let body = bytes[(end + 4)...]
        guard body.count >= length else { return nil }
        self.status = status
        self.headers = headers
        self.body = Array(body.prefix(length))
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}
