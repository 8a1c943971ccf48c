import Foundation

/// SHA-256 digests of input files, remembered so an unchanged 30 MB data file is hashed
/// once, not at every render.
///
/// A digest is reused only while the file's device, inode, size, modification time *and*
/// status-change time (all to the nanosecond) are the ones it was computed for. A file
/// rewritten in place with its size and modification time put back (`cp -p`, `rsync -t`,
/// `touch -r`) still gets a new status-change time, which no user can set, so it is hashed
/// again. Only regular files are hashed: anything else (a device, a FIFO) throws.
final class FileDigests {
    /// What identifies one version of a file on disk.
    struct Stamp: Codable, Hashable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Timestamp
        var changed: Timestamp

        struct Timestamp: Codable, Hashable {
            var seconds: Int64
            var nanoseconds: Int64
        }

        /// The stamp of the file at `path` (symbolic links followed); throws unless it is a regular file.
        init(path: String) throws {
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw Diagnostic.error("cannot read '\(path)': \(String(cString: strerror(errno)))")
            }
            try FileBytes.requireRegular(info.st_mode, subject: "input file '\(path)'")
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            #if canImport(Darwin)
            let (mtime, ctime) = (info.st_mtimespec, info.st_ctimespec)
            #else
            let (mtime, ctime) = (info.st_mtim, info.st_ctim)
            #endif
            modified = Timestamp(seconds: Int64(mtime.tv_sec), nanoseconds: Int64(mtime.tv_nsec))
            changed = Timestamp(seconds: Int64(ctime.tv_sec), nanoseconds: Int64(ctime.tv_nsec))
        }
    }

    private struct Entry: Codable {
        var stamp: Stamp
        var digest: String
    }

    private let indexURL: URL
    private let seal: CacheSeal
    private var index: [String: Entry]
    private var dirty = false

    /// The index at `indexURL`, sealed by `seal` (an index this user did not write is ignored);
    /// `reads: false` starts empty.
    init(indexURL: URL, seal: CacheSeal, reads: Bool = true) {
        self.indexURL = indexURL
        self.seal = seal
        let bytes = reads ? AtomicFile.readRegularFile(indexURL, limit: 1 << 28).flatMap(seal.opened) : nil
        index = bytes.flatMap { try? JSONDecoder().decode([String: Entry].self, from: Data($0)) } ?? [:]
    }

    /// The digest of the file's bytes at `url`, from the index while its stamp still matches.
    func digest(of url: URL) throws -> String {
        let path = url.standardizedFileURL.path
        let stamp = try Stamp(path: path)
        if let entry = index[path], entry.stamp == stamp { return entry.digest }
        var hasher = SHA256()
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        let digest = hasher.hexDigest()
        // Stamped as it was before the read: a change during the read shows at the next render.
        index[path] = Entry(stamp: stamp, digest: digest)
        dirty = true
        return digest
    }

    /// Writes the index back if it learnt anything.
    func save() {
        guard dirty, let data = try? JSONEncoder().encode(index) else { return }
        try? AtomicFile.write(Data(seal.sealed([UInt8](data))), to: indexURL)
        dirty = false
    }
}
