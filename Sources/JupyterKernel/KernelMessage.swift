import Foundation
import Crypto

/// One Jupyter message (protocol 5.3) and its wire form: identities, `<IDS|MSG>`, an HMAC-SHA256
/// signature, then header, parent header, metadata and content as JSON, then binary buffers.
public struct KernelMessage: Sendable, Equatable {
    public var header: JSONValue
    public var parentHeader: JSONValue
    public var metadata: JSONValue
    public var content: JSONValue
    public var buffers: [[UInt8]] = []

    public var type: String { header["msg_type"]?.string ?? "" }
    public var id: String { header["msg_id"]?.string ?? "" }
    /// The id of the request this message answers or reports on.
    public var parentID: String? { parentHeader["msg_id"]?.string }

    /// A new request of `type` from `session`.
    public init(type: String, session: String, content: JSONValue) {
        header = [
            "msg_id": .string(UUID().uuidString.lowercased()), "session": .string(session),
            "username": "nbrun", "msg_type": .string(type), "version": "5.3",
            "date": .string(Date().formatted(.iso8601)),
        ]
        parentHeader = [:]
        metadata = [:]
        self.content = content
    }

    public init(header: JSONValue, parentHeader: JSONValue, metadata: JSONValue, content: JSONValue, buffers: [[UInt8]] = []) {
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    static let delimiter = Array("<IDS|MSG>".utf8)

    /// The frames to send, signed with `signer`.
    public func frames(signedBy signer: MessageSigner) throws -> [[UInt8]] {
        let parts = [try header.encoded(), try parentHeader.encoded(), try metadata.encoded(), try content.encoded()]
        return [Self.delimiter, Array(signer.signature(of: parts).utf8)] + parts + buffers
    }

    /// The message in `frames`, after checking its signature.
    /// - Throws: `KernelMessage.Rejected` for a missing delimiter, a bad signature or bad JSON.
    public init(frames: [[UInt8]], verifiedBy signer: MessageSigner) throws {
        guard let delimiter = frames.firstIndex(of: Self.delimiter), frames.count >= delimiter + 6 else {
            throw Rejected(reason: "no <IDS|MSG> delimiter followed by signature, header, parent, metadata and content")
        }
        let signature = String(decoding: frames[delimiter + 1], as: UTF8.self)
        let parts = Array(frames[(delimiter + 2)...(delimiter + 5)])
        guard signer.isValid(signature, for: parts) else {
            throw Rejected(reason: "bad HMAC-SHA256 signature")
        }
        do {
            self.init(header: try JSONValue.decode(parts[0]), parentHeader: try JSONValue.decode(parts[1]),
                      metadata: try JSONValue.decode(parts[2]), content: try JSONValue.decode(parts[3]),
                      buffers: Array(frames[(delimiter + 6)...]))
        } catch {
            throw Rejected(reason: "a part is not JSON (\(error))")
        }
    }

    /// A message that was dropped on arrival, and why.
    public struct Rejected: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { "rejected a kernel message: \(reason)" }
    }
}

/// Signs and checks messages with the connection's key (HMAC-SHA256, hex digest).
public struct MessageSigner: Sendable {
    private let key: SymmetricKey

    public init(key: String) {
        self.key = SymmetricKey(data: Array(key.utf8))
    }

    public func signature(of parts: [[UInt8]]) -> String {
        var hmac = HMAC<SHA256>(key: key)
        for part in parts { hmac.update(data: part) }
        return hmac.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` (hex) is this key's signature of `parts`, compared in constant time.
    public func isValid(_ signature: String, for parts: [[UInt8]]) -> Bool {
        guard let code = Self.bytes(hex: signature), code.count == SHA256.byteCount else { return false }
        var hmac = HMAC<SHA256>(key: key)
        for part in parts { hmac.update(data: part) }
        let expected = hmac.finalize()
        return expected == Data(code)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
