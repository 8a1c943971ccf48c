import Foundation

/// Why the preview server could not start: a line for the command line to print.
public struct PreviewServerError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// The preview server's listening socket: `host` resolved (a name such as `localhost`, or an
/// IPv4 or IPv6 address in any form the system accepts, such as `127.1` or `::1`), bound and
/// listening, non-blocking.
struct ListeningSocket {
    let descriptor: Int32
    /// The address listened on, numeric (`127.0.0.1`, `::1`).
    let address: String
    let port: UInt16
    let isIPv6: Bool

    init(host: String, port: UInt16) throws(PreviewServerError) {
        let resolved = try Self.resolve(host)
        let descriptor = socket(Int32(resolved.storage.ss_family), SocketCalls.streamType, 0)
        guard descriptor >= 0 else { throw PreviewServerError(description: "cannot open a socket: \(String(cString: strerror(errno)))") }
        var storage = resolved.storage
        let inet6 = Int32(storage.ss_family) == AF_INET6
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        if inet6 { setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &on, socklen_t(MemoryLayout<Int32>.size)) }
        withUnsafeMutableBytes(of: &storage) { raw in
            let port = port.bigEndian
            if inet6 {
                raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port = port
            } else {
                raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port = port
            }
        }
        let shown = inet6 ? "[\(resolved.numeric)]:\(port)" : "\(resolved.numeric):\(port)"
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, resolved.length) }
        }
        guard bound == 0, listen(descriptor, SOMAXCONN) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw PreviewServerError(description: "cannot listen on \(shown): \(reason)")
        }
        SocketCalls.configure(descriptor)
        self.descriptor = descriptor
        address = resolved.numeric
        isIPv6 = inet6
        self.port = Self.localAddress(of: descriptor)?.port ?? port
    }

    /// The first address `host` resolves to, IPv4 before IPv6, and its numeric form.
    static func resolve(_ given: String) throws(PreviewServerError) -> (storage: sockaddr_storage, length: socklen_t, numeric: String) {
        // `[::1]` as in a URL; and nothing but what names and addresses are made of, so that a
        // typo is refused here rather than sent to a name server.
        let host = given.hasPrefix("[") && given.hasSuffix("]") ? String(given.dropFirst().dropLast()) : given
        guard !host.isEmpty, host.utf8.allSatisfy({ byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            default: Array(".-_:%".utf8).contains(byte)
            }
        }) else {
            throw PreviewServerError(description: "--host '\(given)' is not a host name or an IP address (e.g. localhost, 127.0.0.1, ::1)")
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = SocketCalls.streamType
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let list else {
            throw PreviewServerError(description: "cannot resolve --host '\(given)': \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var candidates: [UnsafeMutablePointer<addrinfo>] = []
        var next: UnsafeMutablePointer<addrinfo>? = list
        while let entry = next {
            if entry.pointee.ai_family == AF_INET || entry.pointee.ai_family == AF_INET6 { candidates.append(entry) }
            next = entry.pointee.ai_next
        }
        guard let chosen = candidates.first(where: { $0.pointee.ai_family == AF_INET }) ?? candidates.first,
              let address = chosen.pointee.ai_addr else {
            throw PreviewServerError(description: "cannot resolve --host '\(given)': it has no IPv4 or IPv6 address")
        }
        var storage = sockaddr_storage()
        let length = chosen.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(length)))
        }
        return (storage, length, numericHost(address, length: length))
    }

    /// The numeric address and port a socket is bound to (for a connection: the address the
    /// client reached).
    static func localAddress(of descriptor: Int32) -> (address: String, port: UInt16)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return nil }
        let inet6 = Int32(storage.ss_family) == AF_INET6
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                let port = inet6
                    ? UnsafeRawPointer(address).assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port
                    : UnsafeRawPointer(address).assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port
                return (numericHost(address, length: length), UInt16(bigEndian: port))
            }
        }
    }

    private static func numericHost(_ address: UnsafePointer<sockaddr>, length: socklen_t) -> String {
        var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, length, &name, socklen_t(name.count), nil, 0, NI_NUMERICHOST) == 0 else { return "" }
        return String(cString: name)
    }
}
