import Foundation

/// Writes files so that readers never see half of one: a temporary file in the same
/// folder, then a rename over the destination.
public enum AtomicFile {
    /// Writes `data` to `url`, creating its folder; a failure names the path and the cause.
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            let cause = FileSystemError.obstacle(creating: folder) ?? FileSystemError.cause(of: error)
            throw Diagnostic.error("cannot create the folder \(folder.path): \(cause)",
                                   hint: "choose another output folder with -o")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw Diagnostic.error("cannot write \(url.path): a folder of that name is in the way",
                                   hint: "remove or rename the folder, or choose another output folder with -o")
        }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw Diagnostic.error("cannot write \(url.path): \(FileSystemError.cause(of: error))",
                                   hint: "check that the output folder is writable")
        }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }
}
