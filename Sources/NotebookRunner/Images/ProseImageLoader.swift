import Foundation

/// Reads the images of a notebook's prose into the report: each local file becomes a `data:`
/// URI, so the page stays one self-contained file.
///
/// A relative path starts at the notebook's folder; an absolute one (`/_static/net.png`) at the
/// project's folder, as in Sphinx and Jupyter Book: the course's folder in `nbrun build`, else
/// the nearest folder above the page holding `myst.yml`, `_toc.yml`, `_config.yml` or
/// `_quarto.yml` (a page of no project gets an error at the image). Within a project no image
/// is read from outside its folder, symbolic links followed. Only regular files are read (a device or
/// a FIFO is refused by its type), at most `DisplaySize.maxEmbeddedImageBytes` each; the type
/// comes from the file's first bytes (PNG, JPEG, GIF, WebP, SVG) and must be the one its name
/// promises. A missing, unreadable, mistyped or oversized image is an error at the image; an
/// `http(s)://` image a warning, since the page's policy lets it fetch nothing — unless
/// `allowsRemote` (`--allow-remote-images`), which keeps https images as they are.
enum ProseImageLoader {
    /// Resolves every image of `notebook`, adding their errors and warnings to the notebook's.
    /// Each file is read once however often the prose cites it (under any of its names), and the
    /// page's distinct images together take at most `DisplaySize.maxEmbeddedPageImageBytes`:
    /// an image past that is an error at its first citation.
    /// `root`: the project's folder (nil: the one above `folder`, if any).
    static func load(_ notebook: inout Notebook, folder: URL, root: URL? = nil, allowsRemote: Bool) {
        load(&notebook, folder: folder, project: root ?? ProjectFile.manifestFolder(above: folder), allowsRemote: allowsRemote)
    }

    /// `project`: the page's project folder, nil when it is in none (its included files' too).
    private static func load(_ notebook: inout Notebook, folder: URL, project root: URL?, allowsRemote: Bool) {
        // An {include}d file's images start at its own folder; their problems are the page's too.
        for index in notebook.includes.indices {
            let before = notebook.includes[index]
            load(&notebook.includes[index], folder: before.folder ?? folder, project: root, allowsRemote: allowsRemote)
            notebook.errors += notebook.includes[index].errors.filter { !before.errors.contains($0) }
            notebook.warnings += notebook.includes[index].warnings.filter { !before.warnings.contains($0) }
        }
        guard !notebook.images.isEmpty else { return }
        var loaded: [String: (file: URL?, content: ProseImage.Content?)] = [:]
        var embeddedFiles: [String: ProseImage.Content] = [:]
        var pageBytes = 0
        for index in notebook.images.indices {
            let image = notebook.images[index]
            var result = loaded[image.source] ?? resolve(image.source, folder: folder, root: root, allowsRemote: allowsRemote)
            if loaded[image.source] == nil, case .embedded(let dataURI)? = result.content, let file = result.file?.path {
                if let earlier = embeddedFiles[file] {
                    result.content = earlier
                } else if pageBytes + dataURI.utf8.count > DisplaySize.maxEmbeddedPageImageBytes {
                    result.content = .failed(pageFull(image.source, adding: dataURI.utf8.count, to: pageBytes))
                } else {
                    pageBytes += dataURI.utf8.count
                    embeddedFiles[file] = result.content
                }
            }
            loaded[image.source] = result
            notebook.images[index].file = result.file
            var content = result.content
            if case .failed(let diagnostic)? = content {
                let located = Diagnostic(diagnostic.severity, diagnostic.message, at: image.location, hint: diagnostic.hint)
                content = .failed(located)
                notebook.errors.append(located)
            }
            if case .remote(let allowed)? = content, let warning = remoteWarning(image.source, allowed: allowed) {
                notebook.warnings.append(Diagnostic(.warning, warning.message, at: image.location, hint: warning.hint))
            }
            notebook.images[index].content = content
        }
        notebook.errors.sort { ($0.location?.line ?? 0, $0.location?.column ?? 0) < ($1.location?.line ?? 0, $1.location?.column ?? 0) }
    }

    /// The error for an image that would take the page's embedded images past their budget.
    private static func pageFull(_ source: String, adding bytes: Int, to pageBytes: Int) -> Diagnostic {
        let limit = DisplaySize.maxEmbeddedPageImageBytes
        return .error("image '\(source)' would bring the page's embedded images to \(MemoryBudget.describeBytes(pageBytes + bytes)), more than the \(MemoryBudget.describe(bytes: Double(limit))) one page may embed",
                      hint: "embed fewer or smaller images (an image cited again costs nothing), or link to the large ones")
    }

    /// What `source` shows, and the file it names.
    private static func resolve(_ source: String, folder: URL, root: URL?, allowsRemote: Bool) -> (file: URL?, content: ProseImage.Content?) {
        let lowered = source.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") { return (nil, .remote(allowed: allowsRemote)) }
        // `data:` stays as written, and so does a MyST embed of a target (`![](#fig-label)`, `xref:…`).
        if lowered.hasPrefix("data:") || lowered.hasPrefix("#") || lowered.hasPrefix("xref:") { return (nil, nil) }
        if source.isEmpty {
            return (nil, .failed(.error("the image has no source", hint: "write the path of the image file, e.g. ![a network](img/net.png)")))
        }
        if let colon = source.firstIndex(of: ":"), source[..<colon].count > 1,
           source[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) {
            return (nil, .failed(.error("image '\(source)' is a \(source[..<colon]): address, which a report cannot embed",
                                        hint: "name the image file by its path (relative to the notebook's folder), or use an https:// address")))
        }
        let path = source.removingPercentEncoding ?? source
        let file: URL
        if let root {
            switch ProjectFile.locate(path, from: folder, root: root) {
            case .success(let url): file = url
            case .failure(let outside):
                return (nil, .failed(.error("image '\(source)' is outside the project folder \(outside.root)",
                                            hint: "a page reads images from its project only: copy the image into \(outside.root) and give its path from there (/_static/…) or from the notebook's folder")))
            }
        } else if path.hasPrefix("/") {
            return (nil, .failed(.error("image '\(source)' starts at the project's folder, and the page is in no project",
                                        hint: "a path starting with / is read from the folder holding myst.yml, _toc.yml or _config.yml (as Jupyter Book does); none is above \(folder.standardizedFileURL.path): give the path from the notebook's folder")))
        } else {
            file = folder.appendingPathComponent(path).standardizedFileURL
        }
        do {
            return (file, .embedded(dataURI: try dataURI(of: file, source: source, startsAt: path.hasPrefix("/") && root != nil
                ? "a path starting with / starts at the project's folder (\(root!.standardizedFileURL.path))"
                : "an image's path starts at the notebook's folder (\(folder.standardizedFileURL.path))")))
        } catch {
            return (file, .failed((error as? Diagnostic) ?? .error("image '\(source)' cannot be read: \(FileSystemError.cause(of: error))")))
        }
    }

    /// The `data:` URI of the image file at `file`, checked for type and size.
    private static func dataURI(of file: URL, source: String, startsAt: String) throws -> String {
        let subject = "image '\(source)'"
        let info = try FileBytes.status(of: file, subject: subject, shownPath: file.path,
                                        notFoundHint: startsAt + "; check the name and its upper and lower case")
        try FileBytes.requireRegular(info.st_mode, subject: subject,
                                     hint: "an image must be a regular file (PNG, JPEG, GIF, WebP or SVG)")
        let limit = DisplaySize.maxEmbeddedImageBytes
        guard Int(info.st_size) <= limit else {
            throw tooLarge(subject, bytes: Int(info.st_size), limit: limit)
        }
        let bytes = try FileBytes(file, role: "image", displayName: source, gunzips: false).read(limit: limit + 1)
        guard bytes.count <= limit else { throw tooLarge(subject, bytes: bytes.count, limit: limit) }
        let named = ImageFormat(extension: file.pathExtension)
        // The message does not quote the file's bytes: a report may be shared, the file not.
        guard let format = ImageFormat(sniffing: bytes) else {
            throw Diagnostic.error("\(subject) is not a PNG, JPEG, GIF, WebP or SVG file (\(bytes.isEmpty ? "it is empty" : "its first bytes are none of theirs"))",
                                   hint: "a report embeds those five types; save the image as PNG (or JPEG for a photograph)")
        }
        if let named, named != format {
            throw Diagnostic.error("\(subject) holds a \(format.rawValue) image, but its name says \(named.rawValue)",
                                   hint: "rename the file to ." + format.extensions[0] + " (and the link with it), or save it as \(named.rawValue)")
        }
        return "data:\(format.mediaType);base64," + Data(bytes).base64EncodedString()
    }

    private static func tooLarge(_ subject: String, bytes: Int, limit: Int) -> Diagnostic {
        .error("\(subject) is \(MemoryBudget.describeBytes(bytes)), more than the \(MemoryBudget.describe(bytes: Double(limit))) one embedded image may take",
               hint: "make it smaller: fewer pixels, or JPEG or WebP for a photograph")
    }

    /// The warning for a remote image (nil: none, it is fetched as the author asked).
    private static func remoteWarning(_ source: String, allowed: Bool) -> (message: String, hint: String)? {
        if !allowed {
            return ("image '\(source)' is remote: the report will not fetch it (the page loads nothing from elsewhere)",
                    "download it next to the notebook and give its path, or render with --allow-remote-images to let the page fetch it")
        }
        guard source.lowercased().hasPrefix("http://") else { return nil }
        return ("image '\(source)' is plain http: even with --allow-remote-images the page fetches remote images only over https",
                "use its https:// address, or download it next to the notebook and give its path")
    }
}
