import Foundation

/// The per-cell cache under `<out>/.nbrun-cache/<notebook>/`, one file per cell key.
///
/// `use` reads and writes entries, `refresh` only writes (rebuilding the cache),
/// `off` does neither. A damaged entry is reported once, removed and recomputed. Entries
/// are sealed (`CacheSeal`): one this user did not write here counts as damaged.
public final class CellCache {
    public enum Mode: String, Sendable { case use, refresh, off }

    public let mode: Mode
    let folder: URL
    /// The output folder the cache lives in.
    let root: URL
    let digests: FileDigests
    private let seal: CacheSeal
    /// The largest entry read (a data set's bytes are in its entry).
    private let memoryBudget: MemoryBudget
    private var used: Set<String> = []

    public init(mode: Mode, outputDirectory: URL, notebookName: String, memoryBudget: MemoryBudget = .default) {
        self.mode = mode
        self.memoryBudget = memoryBudget
        root = outputDirectory
        let cacheRoot = outputDirectory.appendingPathComponent(".nbrun-cache", isDirectory: true)
        folder = cacheRoot.appendingPathComponent(notebookName, isDirectory: true)
        // A link planted at the cache's folders is removed before anything is read, written
        // or deleted through it.
        if mode != .off { AtomicFile.removeLinks(from: folder, below: outputDirectory) }
        seal = CacheSeal(folder: cacheRoot, inside: outputDirectory, persistent: mode != .off)
        digests = FileDigests(indexURL: cacheRoot.appendingPathComponent("file-digests.json"), seal: seal, reads: mode != .off)
    }

    private func url(for key: String) -> URL { folder.appendingPathComponent(key + ".entry") }

    /// The entry stored under `key`, or nil (missing, damaged, or the mode says not to read).
    func load(_ key: String, report: (String) -> Void) -> CacheEntry? {
        guard mode == .use else { return nil }
        used.insert(key)
        let url = url(for: key)
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return nil }
        do {
            guard let bytes = AtomicFile.readRegularFile(url, limit: memoryBudget.bytes) else {
                throw CacheEntry.Corrupt(reason: "not a regular file of at most \(memoryBudget)")
            }
            return try CacheEntry.decode(bytes, key: key, seal: seal)
        } catch {
            // Entries written under an earlier key cannot be checked, and are simply dropped.
            if !seal.isNew {
                let reason = (error as? CacheEntry.Corrupt)?.reason ?? "\(error)"
                report("cache entry \(url.lastPathComponent) is damaged (\(reason)); recomputing the cell")
            }
            unlink(url.path)
            return nil
        }
    }

    func store(_ entry: CacheEntry, key: String) {
        guard mode != .off else { return }
        used.insert(key)
        if let data = try? entry.encoded(key: key, seal: seal) { try? AtomicFile.write(data, to: url(for: key), inside: root) }
    }

    /// Removes this notebook's entries that the run did not use, and saves the digest index.
    /// Only what the cache itself writes is removed: regular files named `<key>.entry` (a key
    /// being 64 hex digits) in this notebook's own folder; anything else there stays.
    func finish() {
        guard mode != .off else { return }
        digests.save()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for file in files where file.hasSuffix(".entry") {
            let key = String(file.dropLast(6))
            guard !used.contains(key), Self.isKey(key) else { continue }
            var info = stat()
            let path = folder.appendingPathComponent(file).path
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { unlink(path) }
        }
    }

    /// Whether `name` is a cache key as `CacheKey` writes it: 64 lowercase hex digits.
    static func isKey(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
