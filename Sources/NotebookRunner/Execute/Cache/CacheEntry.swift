import Foundation
import ZlibBindings

/// One cached cell on disk: its result and its effect on the state.
///
/// Layout: the line `NBRUN-CACHE 2`, an 8-byte little-endian length, that many bytes
/// of JSON (the result and, for every state key the cell changed, its value's kind,
/// archived header and where its bytes lie in the payload), the payload (e.g. raw image
/// and label bytes), and finally the
/// CRC-32 of everything before it (4 bytes, little-endian), so a truncated or corrupt
/// file is detected. (The key itself is a SHA-256; integrity needs only a checksum.)
struct CacheEntry {
    var result: CachedResult
    var effect: StateEffect

    struct CachedResult: Codable {
        var outputs: [CellOutput]
        var metrics: [Metric]
        var seconds: Double
    }

    private struct Header: Codable {
        var key: String
        var result: CachedResult
        /// Every state key the cell changed, in key order.
        var changes: [StoredValue]
    }

    /// One changed state key: its value's kind and archived header, or nil for a removal.
    private struct StoredValue: Codable {
        var key: NotebookState.Key
        var kind: String?
        var header: String?
        var payloadOffset: Int
        var payloadLength: Int
    }

    static let magic = Array("NBRUN-CACHE 2\n".utf8)

    /// Serialises the entry under `key`.
    func encoded(key: String) throws -> Data {
        var payload: [UInt8] = []
        var stored: [StoredValue] = []
        for stateKey in effect.changes.keys.sorted() {
            guard let value = effect.changes[stateKey]! else {
                stored.append(StoredValue(key: stateKey, kind: nil, header: nil, payloadOffset: payload.count, payloadLength: 0))
                continue
            }
            let offset = payload.count
            var own: [UInt8] = []
            let header = try value.archive(into: &own)
            payload.append(contentsOf: own)
            stored.append(StoredValue(key: stateKey, kind: type(of: value).stateKind, header: String(decoding: header, as: UTF8.self),
                                      payloadOffset: offset, payloadLength: own.count))
        }
        let json = [UInt8](try StateValueKinds.encoder.encode(Header(key: key, result: result, changes: stored)))
        var bytes = Self.magic
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: json)
        bytes.append(contentsOf: payload)
        var crc = Zlib.crc32(bytes).littleEndian
        withUnsafeBytes(of: &crc) { bytes.append(contentsOf: $0) }
        return Data(bytes)
    }

    /// Reads an entry; throws `CacheEntry.Corrupt` when any check fails.
    static func decode(_ data: Data, key: String) throws -> CacheEntry {
        let bytes = [UInt8](data)
        let headerStart = magic.count + 8
        let trailer = 4
        guard bytes.count >= headerStart + trailer, Array(bytes[0..<magic.count]) == magic else {
            throw Corrupt(reason: "not a cache entry, or cut short")
        }
        let stored = bytes[(bytes.count - trailer)...].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        guard Zlib.crc32(bytes[0..<(bytes.count - trailer)]) == stored else {
            throw Corrupt(reason: "checksum mismatch (truncated or damaged)")
        }
        let length = bytes[magic.count..<headerStart].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard length >= 0, headerStart + length <= bytes.count - trailer else { throw Corrupt(reason: "bad header length") }
        let header = try StateValueKinds.decoder.decode(Header.self, from: Data(bytes[headerStart..<(headerStart + length)]))
        guard header.key == key else { throw Corrupt(reason: "entry belongs to another key") }
        let payloadStart = headerStart + length
        let payloadEnd = bytes.count - trailer
        var changes: [NotebookState.Key: (any StateValue)?] = [:]
        for stored in header.changes {
            guard let kindName = stored.kind, let text = stored.header else {
                changes[stored.key] = .some(nil)
                continue
            }
            guard let kind = StateValueKinds.kind(named: kindName) else { throw Corrupt(reason: "unknown kind of value '\(kindName)'") }
            let start = payloadStart + stored.payloadOffset
            guard stored.payloadOffset >= 0, stored.payloadLength >= 0, start + stored.payloadLength <= payloadEnd else {
                throw Corrupt(reason: "value outside the payload")
            }
            do {
                changes[stored.key] = .some(try kind.unarchive(Data(text.utf8), payload: bytes[start ..< start + stored.payloadLength]))
            } catch let error as StateArchiveError {
                throw Corrupt(reason: error.reason)
            }
        }
        return CacheEntry(result: header.result, effect: StateEffect(changes: changes))
    }

    struct Corrupt: Error { var reason: String }
}
