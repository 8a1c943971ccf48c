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
            case "lang", "language": matter.language = try scalar(valueNode, key, location)
            case "author", "authors": matter.authors = try list(valueNode, key, location)
            case "tags": matter.tags = try list(valueNode, key, location)
            case "kernelspec", "jupyter":
                // `kernelspec: {name: python3}`, `jupyter: python3`, `jupyter: {kernelspec: {name: python3}}`.
                let name = valueNode.scalar?.string ?? valueNode.mapping?["name"]?.string
                    ?? valueNode.mapping?["kernelspec"]?.mapping?["name"]?.string
                guard let name, !name.isEmpty else {
                    throw Diagnostic.error("front-matter key '\(key)' must name a Jupyter kernel", at: location,
                                           hint: key == "jupyter" ? "write `jupyter: python3`" : "write `kernelspec: {name: python3}`")
                }
                matter.kernel = (name, location)
            default:
                guard let value = valueNode.scalar?.string else {
                    throw Diagnostic.error("front-matter key '\(key)' must have a single value", at: location,
                                           hint: "defaults such as seed, lr or data-dir are plain values: `\(key): 0.1`")
                }
                matter.values.append((key, value, location))
            }
        }
        return matter
    }

    private static func scalar(_ node: Node, _ key: String, _ location: SourceLocation) throws -> String {
        guard let value = node.scalar?.string else {
            throw Diagnostic.error("front-matter key '\(key)' must be text", at: location)
        }
        return value
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

extension String {
    func trimmingTrailingWhitespace() -> String {
        var copy = self
        while let last = copy.last, last == " " || last == "\t" { copy.removeLast() }
        return copy
    }
}
