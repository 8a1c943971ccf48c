import Crypto

/// SHA-256 (FIPS 180-4), for cache keys and data-file digests: swift-crypto's, fed in pieces.
/// The one file besides `HMAC.swift` that imports it. Tested against the FIPS 180-4 vectors.
public struct SHA256 {
    private var hasher = Crypto.SHA256()

    public init() {}

    /// Feeds more bytes.
    public mutating func update<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        if bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
    }

    public mutating func update(_ text: String) { update(Array(text.utf8)) }

    /// The digest of everything fed so far.
    public func finalize() -> [UInt8] { Array(hasher.finalize()) }

    /// The digest as 64 lowercase hex digits.
    public func hexDigest() -> String { Self.lowercaseHex(finalize()) }

    /// `bytes` as lowercase hex digits.
    public static func lowercaseHex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes { text += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: text, as: UTF8.self)
    }

    /// The hex digest of `bytes` in one call.
    public static func hex<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.hexDigest()
    }
}
