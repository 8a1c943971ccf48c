import Foundation
import Synchronization

/// Signs what the cache writes and checks it on reading, so an entry nbrun did not write on
/// this machine, as this user, is never used: whoever can only write files into the output
/// folder (a shared folder, a cache copied from elsewhere or checked into a repository)
/// cannot make a report show a number that was never computed.
///
/// The tag is an HMAC-SHA-256 under a key derived from a random 32-byte key kept in
/// `<out>/.nbrun-cache/.key` (mode 0600, owned by the user, a regular file, never followed
/// through a link; anything else there is replaced by a new key) together with the user's id
/// and the machine's id (`/etc/machine-id`, else the host name). The cache trusts exactly
/// that file: anyone who can read it as this user on this machine could sign an entry.
/// A new key makes every older entry unverifiable; they are dropped without a warning.
final class CacheSeal: Sendable {
    static let tagSize = 32
    private static let keyCreation = Mutex(())

    private let key: [UInt8]
    /// Whether the key was made by this run (entries written before it cannot be checked).
    let isNew: Bool

    /// The seal of the cache in `folder` (`<out>/.nbrun-cache`) inside `root`, its key read
    /// or made; `persistent: false` makes a key for this run alone and writes nothing.
    init(folder: URL, inside root: URL, persistent: Bool = true) {
        let url = folder.appendingPathComponent(".key")
        // Pages rendered side by side (`render -j`) share the key: one of them makes it.
        let (fileKey, isNew) = Self.keyCreation.withLock { _ -> ([UInt8], Bool) in
            if persistent, let existing = AtomicFile.readRegularFile(url, exactly: 32, private: true) { return (existing, false) }
            var generator = SystemRandomNumberGenerator()
            let made = (0 ..< 32).map { _ in UInt8.random(in: 0 ... .max, using: &generator) }
            if persistent { try? AtomicFile.write(Data(made), to: url, inside: root, permissions: 0o600) }
            return (made, true)
        }
        self.isNew = isNew
        let context = "nbrun cache\u{0}user \(geteuid())\u{0}machine \(Self.machineIdentity())"
        key = HMAC.sha256(Array(context.utf8), key: fileKey)
    }

    /// `bytes` with their tag appended.
    func sealed(_ bytes: [UInt8]) -> [UInt8] {
        bytes + HMAC.sha256(bytes, key: key)
    }

    /// The bytes before the tag, when the tag is theirs; nil otherwise.
    func opened(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
        guard bytes.count >= Self.tagSize else { return nil }
        let body = bytes[..<(bytes.count - Self.tagSize)]
        return HMAC.equal(HMAC.sha256(body, key: key), bytes[body.endIndex...]) ? body : nil
    }

    /// This machine's id, or its host name when it has none.
    private static func machineIdentity() -> String {
        if let id = AtomicFile.readRegularFile(URL(fileURLWithPath: "/etc/machine-id"), limit: 256) { return String(decoding: id, as: UTF8.self) }
        var name = [CChar](repeating: 0, count: 256)
        return gethostname(&name, name.count - 1) == 0 ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }
}
