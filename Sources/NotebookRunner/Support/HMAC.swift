import CCrypto

/// HMAC-SHA-256 (RFC 2104, FIPS 198-1), from the system's OpenSSL `libcrypto` (the one file
/// importing it): cache entries hold whole data sets, and OpenSSL signs hundreds of MB per
/// second where a hand-written SHA-256 in a debug build manages a few. Tested against the
/// RFC 4231 vectors.
public enum HMAC {
    /// The 32-byte tag of `message` under `key`.
    public static func sha256<Message: Collection<UInt8>>(_ message: Message, key: [UInt8]) -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let sign = { (bytes: UnsafeRawBufferPointer) in
            key.withUnsafeBufferPointer { keyBytes in
                _ = CCrypto.HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                                 bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, &tag, &length)
            }
        }
        if message.withContiguousStorageIfAvailable({ sign(UnsafeRawBufferPointer($0)) }) == nil {
            Array(message).withUnsafeBytes(sign)
        }
        return tag
    }

    /// Whether two tags are equal, compared in time that does not depend on where they differ.
    public static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
