import Crypto

/// HMAC-SHA-256 (RFC 2104, FIPS 198-1) from swift-crypto, the library the kernel client signs
/// its messages with: cache entries hold whole data sets, and its assembly SHA-256 signs hundreds
/// of MB per second. Tested against the RFC 4231 vectors.
public enum HMAC {
    /// The 32-byte tag of `message` under `key`.
    public static func sha256<Message: Collection<UInt8>>(_ message: Message, key: [UInt8]) -> [UInt8] {
        var mac = Crypto.HMAC<Crypto.SHA256>(key: SymmetricKey(data: key))
        if message.withContiguousStorageIfAvailable({ mac.update(data: UnsafeRawBufferPointer($0)) }) == nil {
            mac.update(data: Array(message))
        }
        return Array(mac.finalize())
    }

    /// Whether two tags are equal, compared in time that does not depend on where they differ.
    public static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
