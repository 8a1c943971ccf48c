import Foundation

/// Writes files so that readers never see half of one: a temporary file in the same
/// folder, then a rename over the destination.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw Diagnostic.error("cannot write \(url.path): \(error.localizedDescription)",
                                   hint: "check that the output folder is writable")
        }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }
}
