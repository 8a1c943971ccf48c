import Foundation
import Yams

/// Splits the optional `---` front matter off a notebook and reads it with Yams.
enum FrontMatterParser {
    /// The front matter of `source` (empty when the first line is not `---`).
    static func parse(_ source: SourceText) throws -> FrontMatter {
        var matter = FrontMatter()
        guard source.lines.first?.trimmingTrailingWhitespace() == "---" else { return matter }
        guard let close = source.lines.dropFirst().firstIndex(where: { ["---", "..."].contains($0.trimmingTrailingWhitespace()) }) else {
            throw Diagnostic.error("the front matter opened here is never closed", at: source.location(line: 1),
                                   hint: "end the YAML block with a line of three dashes (---)")
        }
        matter.lineCount = close + 1
        let yaml = source.lines[1..<close].joined(separator: "\n")
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw diagnostic(for: error, source: source)
        }
        guard let node else { return matter }
        guard case .mapping(let mapping) = node else {
            throw Diagnostic.error("the front matter must be a mapping of keys to values", at: source.location(line: 2),
                                   hint: "write lines such as `title: My tutorial`")
        }
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            let location = source.location(line: (keyNode.mark?.line ?? 1) + 1, column: keyNode.mark?.column ?? 1)
            switch key {
            case "title": matter.title = try scalar(valueNode, key, location)
            case "date": matter.date = try scalar(valueNode, key, location)
            case "lang": matter.language = try scalar(valueNode, key, location)
            case "language" where valueNode.scalar != nil: matter.language = try scalar(valueNode, key, location)
            case "author", "authors": matter.authors = try list(valueNode, key, location)
            case "tags": matter.tags = try list(valueNode, key, location)
            case "bibliography":
                matter.bibliography = try list(valueNode, key, location)
                matter.bibliographyLocation = location
            case "math": matter.mathMacros = try macros(valueNode, location)
            case "kernelspec", "jupyter":
                // `kernelspec: {name: python3}`, `jupyter: python3`, Jupytext's `jupyter: {kernelspec: {name: python3}}`:
                // the kernel code cells run in. Kept with the other tools' settings for the run record too.
                let name = valueNode.scalar?.string ?? valueNode.mapping?["name"]?.string
                    ?? valueNode.mapping?["kernelspec"]?.mapping?["name"]?.string
                if let name, !name.isEmpty, matter.kernel == nil || key == "kernelspec" { matter.kernel = (name, location) }
                matter.metadata.append((key, Self.text(of: valueNode), location))
            default:
                if let value = valueNode.scalar?.string, !Compatibility.frontMatterKeys.contains(key) {
                    matter.values.append((key, value, location))
                } else {
                    // Another tool's setting (`jupytext:`, `kernelspec:`, …) or a list or mapping: kept, not read.
                    matter.metadata.append((key, Self.text(of: valueNode), location))
                }
            }
        }
        return matter
    }

    /// A value as compact text: a scalar as written, a list as `[a, b]`, a mapping as `{k: v}`.
    static func text(of node: Node) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string
        case .sequence(let items): return "[" + items.map(text(of:)).joined(separator: ", ") + "]"
        case .mapping(let mapping): return "{" + mapping.map { "\(text(of: $0.key)): \(text(of: $0.value))" }.joined(separator: ", ") + "}"
        case .alias: return "*"
        }
    }

    private static func scalar(_ node: Node, _ key: String, _ location: SourceLocation) throws -> String {
        guard let value = node.scalar?.string else {
            throw Diagnostic.error("front-matter key '\(key)' must be text", at: location)
        }
        return value
    }

    /// The `math:` mapping of macro names to their TeX.
    private static func macros(_ node: Node, _ location: SourceLocation) throws -> [(name: String, body: String)] {
        guard let mapping = node.mapping else {
            throw Diagnostic.error("front-matter key 'math' must be a mapping of TeX macros to their definitions", at: location,
                                   hint: #"write `math: {"\\R": "\\mathbb{R}"}` (in double quotes a backslash is written twice)"#)
        }
        return try mapping.map { name, body in
            guard let name = name.string, let text = body.scalar?.string,
                  name.unicodeScalars.dropFirst(name.hasPrefix("\\") ? 1 : 0).allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) }),
                  name != "\\", !name.isEmpty else {
                throw Diagnostic.error("front-matter 'math' entry '\(name.string ?? "")' is not a macro name with its TeX", at: location,
                                       hint: #"each entry is a command and its TeX: `"\\R": "\\mathbb{R}"`, or with arguments `"\\norm": "\\left\\| #1 \\right\\|"`"#)
            }
            return (name, text)
        }
    }

    private static func list(_ node: Node, _ key: String, _ location: SourceLocation) throws -> [String] {
        if let value = node.scalar?.string {
            return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard let items = node.sequence else {
            throw Diagnostic.error("front-matter key '\(key)' must be a list or text", at: location,
                                   hint: "write `\(key): [a, b]`")
        }
        return try items.map { try scalar($0, key, location) }
    }

    private static func diagnostic(for error: YamlError, source: SourceText) -> Diagnostic {
        var line = 2, column = 1
        var problem = "\(error)"
        switch error {
        case .scanner(let context, let message, let mark, _), .parser(let context, let message, let mark, _):
            line = mark.line + 1
            column = mark.column
            problem = [context?.text, message].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        case .composer(let context, let message, let mark, _):
            line = mark.line + 1
            column = mark.column
            problem = [context?.text, message].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        default:
            break
        }
        return Diagnostic.error("invalid YAML in the front matter: \(problem)", at: source.location(line: line, column: max(1, column)),
                                hint: "front matter is YAML: `key: value` lines; quote values containing ':' or '#'")
    }
}
