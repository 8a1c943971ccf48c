import Foundation

/// Which `Host` header values the preview server answers: loopback names and the addresses it
/// listens on, so a page on another site cannot read the preview by making its own name resolve
/// to 127.0.0.1 (DNS rebinding: the browser then sends that name as `Host`).
///
/// Allowed are `localhost`, any `127.x.x.x` and `[::1]` (also as IPv4-mapped `[::ffff:127.x.x.x]`),
/// each with or without a port; the name given to `--host`; and the addresses in `addresses`
/// (the one listened on and the local address of each connection — never a wildcard such as
/// `0.0.0.0`). Names compare without case and without one trailing dot. Anything else is 421.
public struct HostPolicy: Sendable, Equatable {
    /// Host names allowed besides `localhost`, lower-cased.
    public var names: Set<String>
    /// Addresses allowed besides loopback ones, as 4 or 16 bytes.
    public var addresses: Set<[UInt8]>

    public init(names: Set<String> = [], addresses: Set<[UInt8]> = []) {
        self.names = Set(names.map { $0.lowercased() })
        self.addresses = addresses
    }

    /// The policy for a server listening on `address` that was asked for by the name `host`.
    public init(listeningOn address: String, requested host: String) {
        self.init()
        allow(host)
        allow(address)
    }

    /// Allows the address or name `text` (an IPv6 address with or without brackets); a
    /// wildcard address is ignored.
    public mutating func allow(_ text: String) {
        let bare = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        if let bytes = Self.ipBytes(bare) {
            if bytes.contains(where: { $0 != 0 }) { addresses.insert(bytes) }
        } else if !text.isEmpty {
            names.insert(Self.normalized(text))
        }
    }

    /// Whether a request with this `Host` value is answered.
    public func allows(_ host: String) -> Bool {
        guard let name = Self.hostPart(of: host) else { return false }
        if name.hasPrefix("[") {
            guard let bytes = Self.ipBytes(String(name.dropFirst().dropLast())), bytes.count == 16 else { return false }
            return Self.isLoopback(bytes) || addresses.contains(bytes)
        }
        if let bytes = Self.ipBytes(name) {
            return bytes.count == 4 && (Self.isLoopback(bytes) || addresses.contains(bytes))
        }
        let normalized = Self.normalized(name)
        return normalized == "localhost" || names.contains(normalized)
    }

    /// The host of `uri-host [":" port]`: a bracketed IPv6 literal or a name without colons,
    /// followed by nothing or by a colon and at most five digits; nil when it is not that.
    static func hostPart(of value: String) -> String? {
        let utf8 = Array(value.utf8)
        let hostEnd: Int
        if utf8.first == UInt8(ascii: "[") {
            guard let close = utf8.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            hostEnd = close + 1
        } else {
            hostEnd = utf8.firstIndex(of: UInt8(ascii: ":")) ?? utf8.count
        }
        let host = utf8[..<hostEnd]
        let rest = utf8[hostEnd...]
        if let colon = rest.first {
            guard colon == UInt8(ascii: ":"), rest.count <= 6, rest.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        }
        guard !host.isEmpty, host.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: host, as: UTF8.self)
    }

    /// `text` lower-cased, without one trailing dot.
    private static func normalized(_ text: String) -> String {
        let lower = text.lowercased()
        return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }

    /// The bytes of a dotted-quad IPv4 address (4) or an IPv6 address without brackets (16).
    static func ipBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// 127.0.0.0/8, ::1, and ::ffff:127.0.0.0/104.
    static func isLoopback(_ bytes: [UInt8]) -> Bool {
        if bytes.count == 4 { return bytes[0] == 127 }
        guard bytes.count == 16 else { return false }
        if bytes[0 ..< 15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        return bytes[0 ..< 10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
    }
}
