import Yams

/// The options of a code cell written as a YAML block between `---` lines (MyST's form), as
/// `CodeCell.options`: each top-level key with its value as written (a list as `[a, b]`), and
/// each nested key by its path too (`mystnb.figure.name`), as MyST-NB reads
/// `mystnb: {figure: {name: fig-x, caption: …}}` in block or flow style. A nested key's last
/// part also stands alone when no top-level key has that name (`name`, `caption`, `width`).
/// A block that is not YAML is read line by line, `key: value`, nested keys by indentation.
enum CodeCellOptions {
    static let figureName = "mystnb.figure.name"
    static let figureCaption = "mystnb.figure.caption"

    static func read(_ yaml: String) -> [String: String] {
        guard let node = try? Yams.compose(yaml: yaml), case .mapping(let mapping) = node else { return lineByLine(yaml) }
        var options: [String: String] = [:]
        var leaves: [String: String] = [:]
        func add(_ mapping: Node.Mapping, prefix: String) {
            for (keyNode, value) in mapping {
                guard let key = keyNode.scalar?.string else { continue }
                let path = prefix + key
                if let nested = value.mapping {
                    add(nested, prefix: path + ".")
                    continue
                }
                let text = text(of: value)
                if prefix.isEmpty { options[path] = text } else {
                    options[path] = text
                    if leaves[key] == nil { leaves[key] = text }
                }
            }
        }
        add(mapping, prefix: "")
        for (key, value) in leaves where options[key] == nil { options[key] = value }
        return options
    }

    private static func text(of node: Node) -> String {
        if let scalar = node.scalar { return scalar.string }
        if let sequence = node.sequence { return "[" + sequence.map(text(of:)).joined(separator: ", ") + "]" }
        return ""
    }

    /// `key: value` lines; an indented key is also kept by its path under the keys above it with no value.
    private static func lineByLine(_ text: String) -> [String: String] {
        var options: [String: String] = [:]
        var parents: [(indent: Int, key: String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let indent = line.prefix { $0 == " " }.count
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            while let last = parents.last, last.indent >= indent { parents.removeLast() }
            if !parents.isEmpty { options[(parents.map(\.key) + [key]).joined(separator: ".")] = value }
            options[key] = value
            if value.isEmpty { parents.append((indent, key)) }
        }
        return options
    }
}
