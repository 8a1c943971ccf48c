import Foundation

extension CodeCell {
    /// The files the code names, as far as they can be known without running it: every string
    /// literal that is the path of a regular file (relative to `folder`, the notebook's, or
    /// absolute), in order, each once. `np.load("w.npy")` or `open('data/x.csv')` are found;
    /// a path computed at run time is not.
    func namedFiles(relativeTo folder: URL?) -> [URL] {
        guard let expression = try? NSRegularExpression(pattern: #"(?:"([^"\n\\]{1,1024})"|'([^'\n\\]{1,1024})')"#) else { return [] }
        var files: [URL] = []
        for match in expression.matches(in: code, range: NSRange(code.startIndex..., in: code)) {
            let group = match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range(at: 2)
            guard let range = Range(group, in: code) else { continue }
            let path = String(code[range])
            guard path.contains(where: { $0 == "." || $0 == "/" }) else { continue }
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path)
                : (folder ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)).appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let file = url.standardizedFileURL
            if !files.contains(file) { files.append(file) }
        }
        return files
    }

    /// The cell as the cache key sees it: its directive, options (sorted) and code.
    var keyedSource: String {
        ([directive] + options.keys.sorted().map { "\($0): \(options[$0]!)" } + [code]).joined(separator: "\n")
    }

    /// MyST's `parameters` tag (papermill's convention): `-p key=value` overrides this cell's values.
    var isParameters: Bool { tags.contains("parameters") }

    /// The cell's tags: MyST `:tags: [a, b]` or Quarto `#| tags: [a, b]`.
    var tags: [String] {
        (options["tags"] ?? "").split(whereSeparator: { ",[] \"'".contains($0) }).map(String.init)
    }
}
