import Foundation

/// A file a page names for `{include}`, `{literalinclude}` or `{download}`: relative to the page's
/// folder, or with a leading `/` to the project folder — the nearest folder above the page holding
/// `_config.yml`, `myst.yml`, `_quarto.yml`, `_toc.yml` or `.git` (else the page's own folder). The
/// file must lie inside the project folder once symbolic links are followed, so a page cannot pull
/// in `/etc/passwd` or `../../secret` through a link.
enum ProjectFile {
    struct Outside: Error { var root: String }

    static let markers = ["_config.yml", "myst.yml", "_quarto.yml", ".git", "_toc.yml"]

    /// The file `path` names from a page in `folder`, or why it may not be read; `root` is the
    /// project folder when known (an included file's is its page's), else the one above `folder`.
    static func locate(_ path: String, from folder: URL, root: URL? = nil) -> Result<URL, Outside> {
        let root = root ?? projectFolder(above: folder)
        let url = (path.hasPrefix("/") ? root.appendingPathComponent(String(path.drop { $0 == "/" }))
                   : folder.appendingPathComponent(path)).standardizedFileURL
        let rootPath = root.resolvingSymlinksInPath().path
        let resolved = url.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(rootPath == "/" ? "/" : rootPath + "/") else { return .failure(Outside(root: root.path)) }
        return .success(url)
    }

    /// The nearest folder above `folder` (or it) holding a book's manifest (`myst.yml`,
    /// `_toc.yml`, `_config.yml`, `_quarto.yml`), if any.
    static func manifestFolder(above folder: URL) -> URL? {
        var candidate = folder.standardizedFileURL
        while true {
            if markers.contains(where: { $0 != ".git" && FileManager.default.fileExists(atPath: candidate.appendingPathComponent($0).path) }) { return candidate }
            if candidate.path == "/" { return nil }
            candidate.deleteLastPathComponent()
        }
    }

    /// The project folder of a page in `folder`.
    static func projectFolder(above folder: URL) -> URL {
        var candidate = folder.standardizedFileURL
        while candidate.path != "/" {
            if markers.contains(where: { FileManager.default.fileExists(atPath: candidate.appendingPathComponent($0).path) }) { return candidate }
            candidate.deleteLastPathComponent()
        }
        return folder.standardizedFileURL
    }
}
