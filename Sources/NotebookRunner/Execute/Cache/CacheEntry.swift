import Foundation

/// One cached cell on disk: its result and its effect on the state.
///
/// Layout: the line `NBRUN-CACHE 3`, an 8-byte little-endian length, that many bytes
/// of JSON (the result and, for every state key the cell changed, its value's kind,
/// archived header and where its bytes lie in the payload), the payload (e.g. raw image
/// and label bytes), and finally the 32-byte tag of everything before it (`CacheSeal`:
/// an HMAC under this user's key), so a truncated, damaged or forged file is refused.
/// (The key itself is a SHA-256.)
///
/// Reading trusts nothing but the tag, and checks even tagged entries: every length and
/// offset is range-checked without overflowing, every restored value must keep its type's
/// invariants (`StateValue.checkRestored`), every output its sizes (`CellOutput.checkRestored`);
/// a failed check makes the entry "damaged", recomputed, never a crash.
struct CacheEntry {
    var result: CachedResult
    var effect: StateEffect

    struct CachedResult: Codable {
        var outputs: [CellOutput]
        var metrics: [Metric]
        var seconds: Double
        /// The files the cell wrote, relative to the notebook's asset folder (`AssetManifest`).
        var files: [String]? = nil
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

    static let magic = Array("NBRUN-CACHE 3\n".utf8)

    /// Serialises the entry under `key`, sealed by `seal`.
    func encoded(key: String, seal: CacheSeal) throws -> Data {
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
        return Data(seal.sealed(bytes))
    }

    /// Reads an entry; throws `CacheEntry.Corrupt` when any check fails.
    static func decode(_ bytes: [UInt8], key: String, seal: CacheSeal) throws -> CacheEntry {
        guard let body = seal.opened(bytes) else {
            throw Corrupt(reason: bytes.starts(with: magic) ? "its tag does not match: truncated, damaged, or not written by this nbrun as this user"
                                                             : "not a cache entry, or cut short")
        }
        let headerStart = magic.count + 8
        guard body.count >= headerStart, body.starts(with: magic) else { throw Corrupt(reason: "not a cache entry, or cut short") }
        let length = body[magic.count ..< headerStart].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(body.count - headerStart) else { throw Corrupt(reason: "bad header length") }
        let payloadStart = headerStart + Int(length)
        let header: Header
        do {
            header = try StateValueKinds.decoder.decode(Header.self, from: Data(body[headerStart ..< payloadStart]))
        } catch is DecodingError {
            throw Corrupt(reason: "a header that cannot be read back")
        }
        guard header.key == key else { throw Corrupt(reason: "entry belongs to another key") }
        try checkRestored(header.result)
        let payload = body[payloadStart...]
        var changes: [NotebookState.Key: (any StateValue)?] = [:]
        for stored in header.changes {
            guard let kindName = stored.kind, let text = stored.header else {
                changes[stored.key] = .some(nil)
                continue
            }
            guard let kind = StateValueKinds.kind(named: kindName) else { throw Corrupt(reason: "unknown kind of value '\(kindName)'") }
            guard let bytes = slice(of: payload, offset: stored.payloadOffset, length: stored.payloadLength) else {
                throw Corrupt(reason: "value outside the payload")
            }
            do {
                let value = try kind.unarchive(Data(text.utf8), payload: bytes)
                try value.checkRestored()
                changes[stored.key] = .some(value)
            } catch let error as StateArchiveError {
                throw Corrupt(reason: error.reason)
            } catch is DecodingError {
                throw Corrupt(reason: "a \(kindName) that cannot be read back")
            }
        }
        return CacheEntry(result: header.result, effect: StateEffect(changes: changes))
    }

    /// `length` bytes of `payload` from `offset` (relative to its start), or nil when they
    /// are not all inside it (checked without overflowing).
    static func slice(of payload: ArraySlice<UInt8>, offset: Int, length: Int) -> ArraySlice<UInt8>? {
        guard offset >= 0, length >= 0, offset <= payload.count, length <= payload.count - offset else { return nil }
        let start = payload.startIndex + offset
        return payload[start ..< start + length]
    }

    /// Throws unless the stored result is one a cell could have produced: a finite,
    /// non-negative time and outputs within their sizes.
    private static func checkRestored(_ result: CachedResult) throws {
        guard result.seconds.isFinite, result.seconds >= 0 else { throw Corrupt(reason: "a time of \(result.seconds) s") }
        guard (result.files ?? []).allSatisfy(AssetManifest.isListable) else { throw Corrupt(reason: "a file outside the cell's folder") }
        do {
            for output in result.outputs { try output.checkRestored() }
        } catch let error as StateArchiveError {
            throw Corrupt(reason: error.reason)
        }
    }

    struct Corrupt: Error { var reason: String }
}

extension CellOutput {
    /// The largest side and display scale a restored figure may have (the page multiplies them).
    static let maxFigureSide = 1 << 16, maxDisplayScale = 64

    /// Throws `StateArchiveError` unless a restored output has sizes the report can use.
    func checkRestored() throws {
        guard case .images(let figures) = self else { return }
        for figure in figures {
            guard (1 ... Self.maxFigureSide).contains(figure.width), (1 ... Self.maxFigureSide).contains(figure.height),
                  (1 ... Self.maxDisplayScale).contains(figure.displayScale) else {
                throw StateArchiveError(reason: "a figure of \(figure.width)×\(figure.height) shown \(figure.displayScale)×")
            }
        }
    }
}
