import Foundation

/// The per-cell cache under `<out>/.nbrun-cache/<notebook>/`, one file per cell key.
///
/// `use` reads and writes entries, `refresh` only writes (rebuilding the cache),
/// `off` does neither. A damaged entry is reported once, removed and recomputed. Entries
/// are sealed (`CacheSeal`): one this user did not write here counts as damaged.
///
/// The pages of a course (`nbrun build`) share one folder, `<out>/.nbrun-cache/course/`, and one
/// `Shared`: a cell two pages have in common (the same text after the same cells, say the
/// `{load}` that opens each chapter) is one entry, decoded once per build and then handed to
/// every page from memory; entries are pruned once, after the last page.
public final class CellCache {
    public enum Mode: String, Sendable { case use, refresh, off }

    /// What the pages of one course build share: the keys they used, and the entries decoded
    /// or stored so far (up to `memoryLimit` bytes of entries).
    public final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private var used: Set<String> = []
        private var entries: [String: CacheEntry] = [:]
        private var bytes = 0
        let memoryLimit: Int

        public init(memoryLimit: Int = 1 << 30) { self.memoryLimit = memoryLimit }

        func use(_ key: String) { lock.withLock { _ = used.insert(key) } }
        func entry(_ key: String) -> CacheEntry? { lock.withLock { entries[key] } }
        func keep(_ entry: CacheEntry, key: String, size: Int) {
            lock.withLock {
                guard entries[key] == nil, bytes + size <= memoryLimit else { return }
                entries[key] = entry
                bytes += size
            }
        }
        var usedKeys: Set<String> { lock.withLock { used } }
    }

    public let mode: Mode
    let folder: URL
    /// The output folder the cache lives in.
    let root: URL
    let digests: FileDigests
    private let seal: CacheSeal
    /// The largest entry read (a data set's bytes are in its entry).
    private let memoryBudget: MemoryBudget
    private var used: Set<String> = []
    /// The keys this page's cells read or wrote.
    var keysUsed: Set<String> { used }
    /// The course's shared keys and entries; nil for a page rendered on its own.
    let shared: Shared?

    public init(mode: Mode, outputDirectory: URL, notebookName: String, memoryBudget: MemoryBudget = .default, shared: Shared? = nil) {
        self.mode = mode
        self.shared = shared
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
        shared?.use(key)
        if let entry = shared?.entry(key) { return entry }
        let url = url(for: key)
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return nil }
        do {
            guard let bytes = AtomicFile.readRegularFile(url, limit: memoryBudget.bytes) else {
                throw CacheEntry.Corrupt(reason: "not a regular file of at most \(memoryBudget)")
            }
            let entry = try CacheEntry.decode(bytes, key: key, seal: seal)
            shared?.keep(entry, key: key, size: bytes.count)
            return entry
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
        shared?.use(key)
        if let data = try? entry.encoded(key: key, seal: seal) {
            try? AtomicFile.write(data, to: url(for: key), inside: root)
            shared?.keep(entry, key: key, size: data.count)
        }
    }

    /// Removes this notebook's entries that the run did not use, and saves the digest index.
    /// Only what the cache itself writes is removed: regular files named `<key>.entry` (a key
    /// being 64 hex digits) in this notebook's own folder; anything else there stays. A page of a
    /// course only saves the digests: the course prunes its shared folder once (`finishCourse`).
    func finish() {
        guard mode != .off else { return }
        digests.save()
        guard shared == nil else { return }
        prune(keeping: used)
    }

    /// After the last page of a course: removes the entries no page used.
    public func finishCourse() {
        guard mode != .off, let shared else { return }
        digests.save()
        prune(keeping: shared.usedKeys)
    }

    private func prune(keeping used: Set<String>) {
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
