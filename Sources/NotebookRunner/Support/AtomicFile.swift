import Foundation

/// Writes files so that readers never see half of one: a new temporary file in the same
/// folder, then a rename over the destination.
///
/// The rename replaces whatever is at the destination, a symbolic link included, without
/// following it: a link planted where a report or an image goes is replaced by the file,
/// and its target is left alone. The temporary file is created exclusively (`O_EXCL`,
/// `O_NOFOLLOW`), so it cannot be a link either. Given the output folder as `root`, a link
/// planted at one of the folders between it and the file is removed, not followed.
/// `readRegularFile` reads nbrun's own small files back the same way: never through a link.
public enum AtomicFile {
    /// Writes `data` to `url`, creating its folder (below `root` as real folders, see
    /// `removeLinks`), readable by all or, with `permissions: 0o600`, by its owner alone; a
    /// failure names the path and the cause.
    public static func write(_ data: Data, to url: URL, inside root: URL? = nil, permissions: mode_t = 0o644) throws {
        let folder = url.deletingLastPathComponent()
        do {
            if let root { removeLinks(from: folder, below: root) }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            let cause = FileSystemError.obstacle(creating: folder) ?? FileSystemError.cause(of: error)
            throw Diagnostic.error("cannot create the folder \(folder.path): \(cause)",
                                   hint: "choose another output folder with -o")
        }
        var info = stat()
        if lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw Diagnostic.error("cannot write \(url.path): a folder of that name is in the way",
                                   hint: "remove or rename the folder, or choose another output folder with -o")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid())-\(UInt32.random(in: 0 ... .max)).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw failure(url, errno) }
        var written = 0
        let cause: Int32? = data.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += count
            }
            return nil
        }
        close(descriptor)
        if let cause {
            unlink(temporary.path)
            throw failure(url, cause)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let cause = errno
            unlink(temporary.path)
            throw failure(url, cause)
        }
    }

    public static func write(_ text: String, to url: URL, inside root: URL? = nil) throws {
        try write(Data(text.utf8), to: url, inside: root)
    }

    /// The contents of the regular file at `url` when it has at most `limit` bytes (or
    /// `exactly` that many), read without following a link or waiting on a FIFO; `private`
    /// also requires it to be the user's own and unreadable by others. Nil otherwise.
    public static func readRegularFile(_ url: URL, limit: Int = Int.max, exactly: Int? = nil, private: Bool = false) -> [UInt8]? {
        let descriptor = open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size >= 0 else { return nil }
        let size = Int(info.st_size)
        guard size <= limit, exactly.map({ $0 == size }) ?? true else { return nil }
        if `private`, info.st_uid != geteuid() || (info.st_mode & 0o077) != 0 { return nil }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + done, size - done) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            done += count
        }
        return bytes
    }

    /// Removes every symbolic link among the folders from just below `root` down to
    /// `folder`, so that creating them makes real folders inside `root` instead of
    /// following a link planted there to somewhere else. `root` itself may be a link (the
    /// user named it); a `folder` not inside `root` is left alone.
    public static func removeLinks(from folder: URL, below root: URL) {
        let base = root.standardizedFileURL.pathComponents, target = folder.standardizedFileURL.pathComponents
        guard target.count > base.count, Array(target.prefix(base.count)) == base else { return }
        var path = root.standardizedFileURL
        for component in target.dropFirst(base.count) {
            path.appendPathComponent(component)
            var info = stat()
            guard lstat(path.path, &info) == 0 else { return }
            if (info.st_mode & S_IFMT) == S_IFLNK { unlink(path.path) }
        }
    }

    private static func failure(_ url: URL, _ code: Int32) -> Diagnostic {
        Diagnostic.error("cannot write \(url.path): \(String(cString: strerror(code)))",
                         hint: "check that the output folder is writable")
    }
}
