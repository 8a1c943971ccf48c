import Foundation

/// SHA-256 digests of input files, remembered by path, size and modification time so
/// an unchanged 30 MB data file is hashed once, not at every render.
final class FileDigests {
    private struct Stamp: Codable, Hashable {
        var size: UInt64
        var modified: Double
        var digest: String
    }

    private let indexURL: URL
    private var index: [String: Stamp]
    private var dirty = false

    init(indexURL: URL) {
        self.indexURL = indexURL
        let data = try? Data(contentsOf: indexURL)
        index = data.flatMap { try? JSONDecoder().decode([String: Stamp].self, from: $0) } ?? [:]
    }

    /// The digest of the file at `url`, from the index when size and time still match.
    func digest(of url: URL) throws -> String {
        let path = url.standardizedFileURL.path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        if let stamp = index[path], stamp.size == size, stamp.modified == modified { return stamp.digest }
        var hasher = SHA256()
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        let digest = hasher.hexDigest()
        index[path] = Stamp(size: size, modified: modified, digest: digest)
        dirty = true
        return digest
    }

    /// Writes the index back if it learnt anything.
    func save() {
        guard dirty, let data = try? JSONEncoder().encode(index) else { return }
        try? AtomicFile.write(data, to: indexURL)
        dirty = false
    }
}
