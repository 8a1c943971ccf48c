/// HMAC-SHA-256 (RFC 2104, FIPS 198-1) over the project's `SHA256`; tested against the
/// RFC 4231 vectors.
public enum HMAC {
    /// The 32-byte tag of `message` under `key`.
    public static func sha256<Message: Collection<UInt8>>(_ message: Message, key: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? SHA256.digest(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// Whether two tags are equal, compared in time that does not depend on where they differ.
    public static func equal(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
