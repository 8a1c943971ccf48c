import Foundation

/// What tells one build of nbrun from another, for cache keys: a rebuilt binary (a changed
/// wording, a fixed computation) must not be served the outputs of the one before, even
/// though `NBRun.version` stays the same between releases.
///
/// On Linux it is the executable's GNU build id, a hash of its contents that the linker
/// writes into a note (read from the program headers of `/proc/self/exe`: a few KB, once per
/// process). Where there is none, it is the SHA-256 of the executable's bytes.
public enum BuildIdentity {
    public static let current: String = {
        let executable = FileManager.default.fileExists(atPath: "/proc/self/exe") ? "/proc/self/exe" : Bundle.main.executablePath
        guard let executable else { return "version " + NBRun.version }
        if let id = buildID(ofExecutable: executable) { return "build-id " + SHA256.lowercaseHex(id) }
        return digest(ofFile: executable).map { "sha256 " + $0 } ?? "version " + NBRun.version
    }()

    /// The `NT_GNU_BUILD_ID` note of the 64-bit little-endian ELF file at `path`, or nil.
    static func buildID(ofExecutable path: String) -> [UInt8]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        func read(_ offset: UInt64, _ count: Int) -> [UInt8]? {
            guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.read(upToCount: count),
                  data.count == count else { return nil }
            return [UInt8](data)
        }
        func integer(_ bytes: [UInt8], _ at: Int, _ size: Int) -> Int {
            Int(truncatingIfNeeded: (0 ..< size).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) })
        }
        guard let header = read(0, 64), header.starts(with: [0x7F, 0x45, 0x4C, 0x46, 2, 1]) else { return nil }
        let tableOffset = integer(header, 32, 8), entrySize = integer(header, 54, 2), entries = integer(header, 56, 2)
        guard tableOffset >= 0, entrySize >= 56, let table = read(UInt64(tableOffset), entrySize * entries) else { return nil }
        for index in 0 ..< entries where integer(table, index * entrySize, 4) == 4 /* PT_NOTE */ {
            let at = index * entrySize
            let offset = integer(table, at + 8, 8), size = min(max(integer(table, at + 32, 8), 0), 1 << 16)
            let align = integer(table, at + 48, 8) == 8 ? 8 : 4
            guard offset >= 0, let notes = read(UInt64(offset), size) else { continue }
            func padded(_ count: Int) -> Int { (count + align - 1) / align * align }
            var position = 0
            while position + 12 <= notes.count {
                let nameSize = integer(notes, position, 4), descriptionSize = integer(notes, position + 4, 4)
                let name = position + 12, description = name + padded(nameSize)
                guard nameSize <= notes.count, descriptionSize <= notes.count, description + descriptionSize <= notes.count else { break }
                if integer(notes, position + 8, 4) == 3 /* NT_GNU_BUILD_ID */, notes[name ..< name + nameSize] == [0x47, 0x4E, 0x55, 0][...] {
                    return Array(notes[description ..< description + descriptionSize])
                }
                position = description + padded(descriptionSize)
            }
        }
        return nil
    }

    private static func digest(ofFile path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        return hasher.hexDigest()
    }
}
