import Foundation

/// The files a notebook's cells wrote into `<out>/<notebook>/`, listed in
/// `<out>/<notebook>/.nbrun-files.json`, so that a render removes the files an earlier one
/// wrote and this one no longer does: a cell deleted or changed, a `{solution}` left out by
/// `--student` into the same `-o`.
///
/// Only files nbrun wrote itself are ever removed: those the previous list names, each
/// `folder/file` of plain names (`ExecutionContext.isPlainName`), and only while it is a
/// regular file of this user's inside a real folder (a link or a folder in its place is left
/// alone). A run
/// that stopped early (a failure without `--keep-going`, a signal, a timeout) removes
/// nothing: the cells it skipped may still own their files, which stay listed.
final class AssetManifest {
    static let fileName = ".nbrun-files.json"

    private let folder: URL
    private let root: URL
    /// The files this run's cells wrote or own (restored from the cache), relative to `folder`.
    private(set) var files: Set<String> = []

    init(folder: URL, inside root: URL) {
        self.folder = folder
        self.root = root
    }

    /// Whether every one of `paths` (relative to the folder) is a file there: a cached cell whose
    /// files another page of a course wrote must run again to write its own.
    func holds(_ paths: [String]) -> Bool {
        paths.allSatisfy { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
    }

    /// Adds files written (or owned by a restored cell), given relative to the folder.
    func add(_ paths: [String]) {
        files.formUnion(paths.filter(Self.isListable))
    }

    /// `url` relative to the folder, or nil when it is not a file of a subfolder of it.
    func relativePath(of url: URL) -> String? {
        let base = folder.standardizedFileURL.pathComponents, path = url.standardizedFileURL.pathComponents
        guard path.count == base.count + 2, Array(path.prefix(base.count)) == base else { return nil }
        let relative = path.suffix(2).joined(separator: "/")
        return Self.isListable(relative) ? relative : nil
    }

    /// Whether `path` is one a cell could have written: `folder/file` of plain names.
    static func isListable(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { ExecutionContext.isPlainName(String($0)) }
    }

    /// Removes the files the previous list names that this run did not write (when
    /// `complete`), and writes the new list.
    func finish(complete: Bool) {
        var info = stat()
        guard lstat(folder.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return }
        let url = folder.appendingPathComponent(Self.fileName)
        let previous = AtomicFile.readRegularFile(url, limit: 1 << 26)
            .flatMap { try? JSONDecoder().decode([String].self, from: Data($0)) }?.filter(Self.isListable) ?? []
        var listed = files
        if complete {
            remove(Set(previous).subtracting(files))
        } else {
            listed.formUnion(previous)
        }
        if listed.isEmpty {
            guard !previous.isEmpty else { return }
            unlink(url.path)
            rmdir(folder.path)  // only when now empty
        } else if listed != Set(previous), let data = try? JSONEncoder().encode(listed.sorted()) {
            try? AtomicFile.write(data, to: url, inside: root)
        }
    }

    /// Unlinks each listed file that is still a regular file in a real subfolder, then each
    /// subfolder left empty; nothing is followed through a link.
    private func remove(_ stale: Set<String>) {
        let top = open(folder.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard top >= 0 else { return }
        defer { close(top) }
        for (subfolder, paths) in Dictionary(grouping: stale, by: { String($0.split(separator: "/")[0]) }) {
            let descriptor = openat(top, subfolder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            for path in paths {
                let name = String(path.split(separator: "/")[1])
                var info = stat()
                if fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG,
                   info.st_uid == geteuid() {
                    unlinkat(descriptor, name, 0)
                }
            }
            close(descriptor)
            unlinkat(top, subfolder, AT_REMOVEDIR)  // only when now empty
        }
    }
}
