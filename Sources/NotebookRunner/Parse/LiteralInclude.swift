import Foundation

/// A Sphinx/MyST `{literalinclude}`: another file's text shown as highlighted code, not run.
///
///     ```{literalinclude} code/train.py
///     :language: python                 (else from the file's extension)
///     :lines: 1-3,8                     1-based; or :start-line: / :end-line: (0-based, end excluded)
///     :start-after: # begin             the text after the first line holding it …
///     :end-before: # end                … up to the next line holding this (or :start-at: / :end-at:, kept)
///     :dedent: 4                        a number of spaces (or the lines' common indentation)
///     :caption: / :linenos: / :emphasize-lines:
///     ```
///
/// The file is found as `ProjectFile` says (inside the project folder) and read up to 1 MiB.
enum LiteralInclude {
    static let maxBytes = 1 << 20

    static func read(_ path: String, options: [String: String], folder: URL?, root: URL?, location: SourceLocation) -> Result<CodeCell, Diagnostic> {
        guard let folder else {
            return .failure(.error("{literalinclude} needs the page's folder", at: location, hint: "render the page from a file"))
        }
        guard !path.isEmpty else {
            return .failure(.error("{literalinclude} needs a file name", at: location, hint: "e.g. ```{literalinclude} code/train.py"))
        }
        let url: URL
        switch ProjectFile.locate(path, from: folder, root: root) {
        case .success(let found): url = found
        case .failure(let outside):
            return .failure(.error("{literalinclude} '\(path)' is outside the project folder \(outside.root)", at: location,
                                   hint: "show files of the page's project only (a leading / starts at the project folder)"))
        }
        let bytes: [UInt8]
        do {
            let file = try FileBytes(url, role: "{literalinclude}", displayName: path, gunzips: false)
            guard file.size <= maxBytes else {
                return .failure(.error("{literalinclude} file '\(path)' is \(file.size) bytes, more than the page shows (1 MiB)", at: location,
                                       hint: "show a part of it with :lines: from a smaller file"))
            }
            bytes = try file.read(limit: maxBytes)
        } catch {
            let diagnostic = (error as? Diagnostic) ?? .error("\(error)")
            return .failure(Diagnostic(.error, diagnostic.message, at: location, hint: diagnostic.hint ?? "the path is relative to the page"))
        }
        var lines = SourceText(file: path, text: String(decoding: bytes, as: UTF8.self)).lines
        if lines.last == "" { lines.removeLast() }
        lines = select(lines, options)
        let language = options["language"]?.lowercased() ?? language(ofExtension: (path as NSString).pathExtension)
        var cell = CodeCell(directive: "literalinclude", language: language, options: options, code: lines.joined(separator: "\n"), location: location)
        cell.linesBeforeCode = 0
        return .success(cell)
    }

    /// The lines the options pick, in the order Sphinx applies them.
    static func select(_ all: [String], _ options: [String: String]) -> [String] {
        var lines = all
        if let spec = options["lines"] {
            var picked: [String] = []
            for part in spec.split(separator: ",") {
                let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
                let first = max(1, bounds.first.flatMap { $0 } ?? 1)
                let last = min(lines.count, bounds.count == 2 ? (bounds[1] ?? lines.count) : first)
                if first <= last { picked += lines[(first - 1)...(last - 1)] }
            }
            lines = picked
        } else {
            let start = Int(options["start-line"] ?? "").map { max(0, $0) } ?? 0
            let end = Int(options["end-line"] ?? "").map { min(lines.count, $0) } ?? lines.count
            lines = start < end ? Array(lines[start..<end]) : []
        }
        if let marker = options["start-after"] ?? options["start-at"], !marker.isEmpty,
           let found = lines.firstIndex(where: { $0.contains(marker) }) {
            lines = Array(lines[(options["start-after"] != nil ? found + 1 : found)...])
        }
        if let marker = options["end-before"] ?? options["end-at"], !marker.isEmpty,
           let found = lines.firstIndex(where: { $0.contains(marker) }) {
            lines = Array(lines[..<(options["end-before"] != nil ? found : found + 1)])
        }
        if let dedent = options["dedent"] {
            let common = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
            let count = Int(dedent) ?? common
            lines = lines.map { line in String(line.dropFirst(min(count, line.prefix { $0 == " " }.count))) }
        }
        return lines
    }

    static func language(ofExtension ext: String) -> String {
        switch ext.lowercased() {
        case "py", "pyi": "python"
        case "jl": "julia"
        case "r": "r"
        case "js", "mjs": "javascript"
        case "ts": "typescript"
        case "sh", "bash": "bash"
        case "c", "h": "c"
        case "cc", "cpp", "cxx", "hpp": "cpp"
        case "swift": "swift"
        case "rs": "rust"
        case "go": "go"
        case "java": "java"
        case "json": "json"
        case "yml", "yaml": "yaml"
        case "toml": "toml"
        case "md", "markdown": "markdown"
        case "tex": "latex"
        case "sql": "sql"
        case "html", "htm": "html"
        case "css": "css"
        default: ""
        }
    }
}
