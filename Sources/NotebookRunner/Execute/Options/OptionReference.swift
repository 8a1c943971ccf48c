/// The option reference of a directive, written from its declarations: the tables in
/// `docs/` (checked by a test, rewritten with `NBRUN_RECORD_DOCS=1`) and `nbrun --help`.
extension DirectiveSpec {
    /// A Markdown table: option, value, default, whether front matter and `-p` set it, meaning.
    public var markdownOptionTable: String {
        var lines = ["| option | value | default | front matter, `-p` | meaning |", "| --- | --- | --- | --- | --- |"]
        for option in options {
            let cells = ["`:\(option.name):`", Self.escape(option.valueType), option.defaultText.map { Self.escape($0) } ?? "–",
                         option.inherits ? "yes" : "no", Self.escape(option.help)]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// The marker line that precedes the generated table in the docs.
    public var markdownTableMarker: String {
        "<!-- options of {\(name)}: written from the option declarations; NBRUN_RECORD_DOCS=1 swift test --filter docs rewrites it -->"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
