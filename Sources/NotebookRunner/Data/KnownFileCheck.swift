import Foundation

/// Whether bytes, or a file on disk, are a data set's file as published: the bytes `{load}`
/// would read (gunzipped when the file is gzip) have the catalog's size and SHA-256.
public enum KnownFileCheck {
    public enum Result: Sendable, Equatable {
        case matches
        /// Says how it differs: "has IDX SHA-256 ab12…, expected 65a5…" (and the sizes when they differ).
        case differs(String)
    }

    /// Checks the file at `url` as `{load}` reads it: a regular file, gunzipped when gzip, read
    /// no further than one byte past the expected size.
    public static func check(_ url: URL, against known: DatasetCatalog.KnownFile) -> Result {
        do {
            let file = try FileBytes(url, role: "data", displayName: url.path)
            return mismatch(try file.read(limit: known.bytes + 1), against: known).map(Result.differs) ?? .matches
        } catch let diagnostic as Diagnostic {
            return .differs("cannot be read: \(diagnostic.message)")
        } catch {
            return .differs("cannot be read: \(error)")
        }
    }

    /// nil when `bytes` are the file; else how they differ.
    static func mismatch(_ bytes: [UInt8], against known: DatasetCatalog.KnownFile) -> String? {
        guard bytes.count <= known.bytes else {
            return "has more than the \(known.bytes) IDX bytes of the published file"
        }
        var hash = SHA256()
        hash.update(bytes)
        let digest = hash.hexDigest()
        if digest == known.sha256 { return nil }
        guard bytes.count == known.bytes else {
            return "has \(bytes.count) IDX bytes with SHA-256 \(digest.prefix(12))…, expected \(known.bytes) bytes with SHA-256 \(known.sha256.prefix(12))…"
        }
        return "has IDX SHA-256 \(digest.prefix(12))…, expected \(known.sha256.prefix(12))…"
    }
}
