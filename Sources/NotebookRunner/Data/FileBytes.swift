import Foundation
import ZlibBindings

/// A data file opened for reading, decompressed on the way when it is gzip (`1f 8b`).
///
/// Only regular files are opened: a device (`/dev/zero`), a FIFO, a socket or a folder is
/// refused by its type before a byte is read, so nothing can make a read last forever.
/// Reads are bounded: `prefix(_:)` decompresses only the first bytes (an IDX header), and
/// `read(limit:)` stops at `limit` bytes, so a small gzip that expands to gigabytes costs
/// no more than the size its header declared. Gzip files are streamed through
/// `Zlib.Inflater` in 1 MiB chunks into one array; a 47 MB image file is held once.
final class FileBytes {
    static let chunkSize = 1 << 20

    /// How messages name the file: `images file 'x.gz'`.
    let subject: String
    /// Whether the file is gzip-compressed.
    let isGzip: Bool
    /// The file's size on disk (compressed when gzip).
    let size: Int
    private let file: UnsafeMutablePointer<FILE>

    /// Opens `url`, which must be a regular file (a symbolic link to one is fine).
    /// `role` and `displayName` word the errors (`images file 'x.gz' …`); `gunzips: false`
    /// reads gzip bytes as they are.
    init(_ url: URL, role: String, displayName name: String, gunzips: Bool = true) throws {
        let subject = "\(role) file '\(name)'"
        self.subject = subject
        var info = try Self.status(of: url, subject: subject, notFoundHint: "check the path; relative paths start at the notebook's folder")
        try Self.requireRegular(info.st_mode, subject: subject)
        // O_NONBLOCK: should the path become a FIFO after the check, opening it does not wait for a writer.
        let descriptor = open(url.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw Diagnostic.error("\(subject) cannot be opened: \(String(cString: strerror(errno)))",
                                   hint: "check the file's permissions")
        }
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, let file = fdopen(descriptor, "rb") else {
            close(descriptor)
            throw Diagnostic.error("\(subject) changed while it was opened", hint: "run again once it is a regular file")
        }
        self.file = file
        size = Int(info.st_size)
        var magic = [UInt8](repeating: 0, count: 2)
        isGzip = gunzips && fread(&magic, 1, 2, file) == 2 && magic == [0x1f, 0x8b]
    }

    deinit {
        fclose(file)
    }

    /// Throws unless `mode` is a regular file's, naming the type it is; `hint` replaces the
    /// advice for data files.
    /// The `stat` of `url` (links followed), or an error naming `subject`: "not found" with
    /// `notFoundHint`, or "cannot be read" with the system's reason. `shownPath`, when given, is
    /// added to the message (where nbrun looked).
    static func status(of url: URL, subject: String, shownPath: String? = nil, notFoundHint: String) throws -> stat {
        var info = stat()
        guard stat(url.path, &info) != 0 else { return info }
        let cause = errno
        if cause == ENOENT || cause == ENOTDIR {
            throw Diagnostic.error("\(subject) not found" + (shownPath.map { " (looked in \($0))" } ?? ""), hint: notFoundHint)
        }
        throw Diagnostic.error("\(subject) cannot be read: \(String(cString: strerror(cause)))" + (shownPath.map { " (\($0))" } ?? ""),
                               hint: "check the path and its permissions")
    }

    static func requireRegular(_ mode: mode_t, subject: String, hint: String? = nil) throws {
        let type: String
        switch mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR:
            throw Diagnostic.error("\(subject) is a folder, not a file", hint: hint ?? "give the path of the IDX file inside it")
        case S_IFCHR: type = "a character device"
        case S_IFBLK: type = "a block device"
        case S_IFIFO: type = "a FIFO (named pipe)"
        case S_IFSOCK: type = "a socket"
        default: type = "not a regular file"
        }
        throw Diagnostic.error("\(subject) is \(type), not a regular file",
                               hint: hint ?? "data files must be regular files (raw or .gz); copy the data into one first")
    }

    /// The first `count` bytes of the contents (decompressed), fewer when the contents are shorter.
    func prefix(_ count: Int) throws -> [UInt8] {
        try read(limit: count, complete: false)
    }

    /// The contents (decompressed), at most `limit` bytes: a file longer than that gives
    /// `limit` bytes, and the caller decides what the excess means.
    func read(limit: Int) throws -> [UInt8] {
        try read(limit: limit, complete: true)
    }

    /// `complete`: a gzip stream that ends early is an error (else only the bytes matter).
    private func read(limit: Int, complete: Bool) throws -> [UInt8] {
        rewind(file)
        guard isGzip else {
            let wanted = min(size, limit)
            let bytes = [UInt8](unsafeUninitializedCapacity: wanted) { buffer, count in
                count = wanted > 0 ? fread(buffer.baseAddress, 1, wanted, file) : 0
            }
            guard bytes.count == wanted else {
                throw Diagnostic.error("\(subject) could not be read: got \(bytes.count) of \(wanted) bytes",
                                       hint: "the file changed while it was read, or the disk failed")
            }
            return bytes
        }
        do {
            // Deflate expands at most 1032×: never allocate more than the input could give.
            let (bound, overflow) = size.multipliedReportingOverflow(by: 1032)
            let inflater = try Zlib.Inflater(format: .gzip, sizeHint: overflow ? limit : min(limit, bound), limit: limit)
            var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
            while !inflater.isFull {
                let count = fread(&chunk, 1, Self.chunkSize, file)
                if count == 0 { break }
                try inflater.push(chunk[0 ..< count])
            }
            if !complete && inflater.count > 0 {
                return try inflater.finish(requireEnd: false)
            }
            return try inflater.finish()
        } catch let failure as Zlib.Failure {
            switch failure.kind {
            case .truncated:
                throw Diagnostic.error("\(subject) is a truncated .gz: \(failure.message)",
                                       hint: "the file was cut off (an interrupted download?); `gzip -t` confirms it; copy or download it again")
            case .corrupt:
                throw Diagnostic.error("\(subject) is a corrupt .gz: \(failure.message)",
                                       hint: "`gzip -t` confirms it; copy or download the file again")
            case .memory, .library:
                throw Diagnostic.error("\(subject) could not be decompressed: \(failure.message)")
            }
        }
    }
}
