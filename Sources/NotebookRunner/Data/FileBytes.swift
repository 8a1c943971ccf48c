import Foundation
import ZlibBindings

/// Reads a whole file into memory, decompressing it on the way when it is gzip (`1f 8b`).
///
/// Raw files are read straight into one array; gzip files are streamed through
/// `Zlib.Inflater` in 1 MiB chunks into an array sized from the gzip trailer, so a
/// 47 MB image file is held once, not once per step.
enum FileBytes {
    static let chunkSize = 1 << 20

    /// The file's bytes, decompressed when gzip. `role` and `displayName` word the errors
    /// (`images file 'x.gz' …`).
    static func read(_ url: URL, role: String, displayName name: String) throws -> [UInt8] {
        let subject = "\(role) file '\(name)'"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw Diagnostic.error("\(subject) not found",
                                   hint: "check the path; relative paths start at the notebook's folder")
        }
        guard !isDirectory.boolValue else {
            throw Diagnostic.error("\(subject) is a folder, not a file", hint: "give the path of the IDX file inside it")
        }
        guard let file = fopen(url.path, "rb") else {
            throw Diagnostic.error("\(subject) cannot be opened: \(String(cString: strerror(errno)))",
                                   hint: "check the file's permissions")
        }
        defer { fclose(file) }
        fseeko(file, 0, SEEK_END)
        let size = Int(ftello(file))
        rewind(file)

        var magic = [UInt8](repeating: 0, count: 2)
        let magicCount = fread(&magic, 1, 2, file)
        rewind(file)
        guard magicCount == 2, magic == [0x1f, 0x8b] else {
            return try readRaw(file, size: size, subject: subject)
        }
        return try readGzip(file, size: size, subject: subject)
    }

    private static func readRaw(_ file: UnsafeMutablePointer<FILE>, size: Int, subject: String) throws -> [UInt8] {
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = size > 0 ? fread(buffer.baseAddress, 1, size, file) : 0
        }
        guard bytes.count == size else {
            throw Diagnostic.error("\(subject) could not be read: got \(bytes.count) of \(size) bytes",
                                   hint: "the file changed while it was read, or the disk failed")
        }
        return bytes
    }

    private static func readGzip(_ file: UnsafeMutablePointer<FILE>, size: Int, subject: String) throws -> [UInt8] {
        // The last four bytes hold the (last member's) size modulo 2^32: a good first allocation.
        var sizeHint = 0
        if size >= 18 {
            var trailer = [UInt8](repeating: 0, count: 4)
            fseeko(file, off_t(size - 4), SEEK_SET)
            if fread(&trailer, 1, 4, file) == 4 {
                sizeHint = trailer.reversed().reduce(0) { $0 << 8 | Int($1) }
            }
            rewind(file)
        }
        // A corrupt trailer must not make us allocate gigabytes: cap at 1032× the input (deflate's limit).
        sizeHint = min(sizeHint, size &* 1032)
        do {
            let inflater = try Zlib.Inflater(format: .gzip, sizeHint: sizeHint + 1)
            var chunk = [UInt8](repeating: 0, count: chunkSize)
            while true {
                let count = fread(&chunk, 1, chunkSize, file)
                if count == 0 { break }
                try inflater.push(chunk[0 ..< count])
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
