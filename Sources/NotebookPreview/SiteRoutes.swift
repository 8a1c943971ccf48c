import Foundation

/// What the preview of a course answers: `GET /version` is the site's build number (the reload
/// hook polls it); any other path is a file of the site folder (`/` and a folder's path: its
/// `index.html`), an HTML page with the reload hook in it. Nothing outside the site folder is
/// served, nor anything hidden (`.nbrun-cache`): a `..`, a hidden name or a link leading out
/// is 404, as is anything but a regular file.
extension PreviewRoutes {
    /// The largest file served (a course's PDF fits).
    static let maxFileBytes = 256 << 20

    public static func response(to head: RequestHead, hosts: HostPolicy, site preview: CoursePreview,
                                nonce: () -> String = makeNonce) -> PreviewResponse {
        if let refusal = refusal(of: head, hosts: hosts) { return refusal }
        let closes = !head.keepAlive
        if head.path == "/version" {
            return finished(PreviewResponse(status: .ok, contentType: "text/plain; charset=utf-8", body: Array(String(preview.version).utf8),
                                            headers: [:], closes: closes), for: head)
        }
        let version = preview.version
        let html: String
        if let file = file(head.path, in: preview.site) {
            let type = contentType(of: file)
            guard type.hasPrefix("text/html") else {
                return finished(PreviewResponse(status: .ok, contentType: type, body: file.bytes, headers: [:], closes: closes), for: head)
            }
            html = String(decoding: file.bytes, as: UTF8.self)
        } else if version == 0 {
            // The first build is under way: a page that reloads itself when it is done.
            html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\(ReloadHook.policyTag)\">\n<title>Building…</title>\n</head>\n<body>\n<p>Building the course…</p>\n</body>\n</html>\n"
        } else {
            return finished(.plain(.notFound, "the site has no \(head.path.prefix(200))", closes: closes), for: head)
        }
        let hashes = scriptHashes(in: html)
        let nonce = nonce()
        let page = ReloadHook.install(in: html, version: version, scriptSources: hashes)
        return finished(PreviewResponse(status: .ok, contentType: "text/html; charset=utf-8", bodyPieces: page.pieces(nonce: nonce),
                                        headers: ["Content-Security-Policy": sitePolicy(nonce: nonce, scriptSources: hashes)], closes: closes), for: head)
    }

    /// The file of `site` that `path` names, read; nil when there is none to serve.
    static func file(_ path: Substring, in site: URL) -> (url: URL, bytes: [UInt8])? {
        guard let decoded = String(path).removingPercentEncoding, !decoded.contains("\0"), decoded.hasPrefix("/") else { return nil }
        var parts = decoded.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.allSatisfy({ !$0.hasPrefix(".") && !$0.contains("\\") }) else { return nil }
        let root = site.standardizedFileURL.resolvingSymlinksInPath()
        var url = parts.reduce(root) { $0.appendingPathComponent($1) }
        var isFolder: ObjCBool = false
        if decoded.hasSuffix("/") || (FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue) {
            parts.append("index.html")
            url = url.appendingPathComponent("index.html")
        }
        let resolved = url.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root.path == "/" ? "/" : root.path + "/") else { return nil }
        var info = stat()
        guard stat(resolved, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= maxFileBytes,
              let data = FileManager.default.contents(atPath: resolved) else { return nil }
        return (url, Array(data))
    }

    static func contentType(of file: (url: URL, bytes: [UInt8])) -> String {
        switch file.url.pathExtension.lowercased() {
        case "html", "htm": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "pdf": "application/pdf"
        case "woff2": "font/woff2"
        case "txt", "md": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    /// The `'sha256-…'` sources of the page's own policy (the site's search page allows its script so).
    static func scriptHashes(in html: String) -> [String] {
        guard let start = html.range(of: ReloadHook.policyTag), let end = html[start.upperBound...].range(of: ">") else { return [] }
        return html[start.upperBound ..< end.lowerBound].matches(of: /'sha256-[A-Za-z0-9+\/=]+'/).map { String($0.output) }
    }

    /// The policy header of a site page: scripts only by this response's nonce (and the page's
    /// own hashes), requests only to this server, forms to the site (its search), no framing.
    static func sitePolicy(nonce: String, scriptSources: [String]) -> String {
        "script-src 'nonce-\(nonce)'\(scriptSources.map { " " + $0 }.joined()); connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }
}
