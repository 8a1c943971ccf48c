import Foundation

/// Plain words for a failed file operation: the cause as the system states it
/// ("Permission denied", "Not a directory"), never "NSCocoaErrorDomain error 512".
public enum FileSystemError {
    /// The operating system's reason behind `error`, or its own description.
    public static func cause(of error: any Error) -> String {
        var current = error as NSError
        while true {
            if current.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(current.code))) }
            guard let underlying = current.userInfo[NSUnderlyingErrorKey] as? NSError else { break }
            current = underlying
        }
        if let posix = (error as? CocoaError)?.underlying as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        return error.localizedDescription
    }

    /// Why `folder` cannot hold files: the first part of the path that exists but is not a
    /// folder, or nil when nothing on the path is in the way.
    public static func obstacle(creating folder: URL) -> String? {
        var url = folder.standardizedFileURL
        while true {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
                return isFolder.boolValue ? nil : "\(url.path) is a file, not a folder"
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }
}
