/// A term of a MyST `{glossary}`: what `{term}` links to.
///
///     ```{glossary}
///     loss
///     cost
///       What training makes small.      ← the definition of both terms above it
///
///     gradient : vector
///       The direction of steepest ascent.
///     ```
///
/// Terms start at the body's left edge (several in a row share the definition after them; a
/// classifier after ` : ` is left out); definitions are indented under them and read as prose.
/// The glossary renders as a definition list: each term a `<dt>` whose id `{term}` links to.
public struct GlossaryTerm: Sendable, Hashable {
    /// The term as written, which `{term}` names (letter case aside).
    public var text: String
    /// The HTML id of its `<dt>`.
    public var anchor: String
    public var location: SourceLocation
    /// Whether a definition before it ends here (it is not the first term of its glossary or group).
    public var closesDefinition: Bool
    /// Whether its definition starts after it (it is the last term of its group).
    public var opensDefinition: Bool

    /// The terms in the body lines `body` of a glossary, whose lines start with `indent`; each term
    /// line becomes `token(i)` (i counting on from `firstIndex`) and each definition loses its indentation.
    static func read(_ lines: inout [String], body: ClosedRange<Int>, indent: String, firstIndex: Int, file: String,
                     token: (Int) -> String) -> [GlossaryTerm] {
        guard body.lowerBound <= body.upperBound, body.upperBound <= lines.count else { return [] }
        enum Shape { case blank, term, definition }
        let texts = body.map { line -> String in
            let text = lines[line - 1]
            return text.hasPrefix(indent) ? String(text.dropFirst(indent.count)) : text.trimmingCharacters(in: .whitespaces)
        }
        let shapes = texts.map { text -> Shape in
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return .blank }
            return text.first == " " || text.first == "\t" ? .definition : .term
        }
        var terms: [GlossaryTerm] = []
        var index = 0
        while index < texts.count {
            switch shapes[index] {
            case .blank:
                index += 1
            case .term:
                let next = shapes[(index + 1)...].first { $0 != .blank }
                let text = texts[index].components(separatedBy: " : ")[0].trimmingCharacters(in: .whitespaces)
                let line = body.lowerBound + index
                terms.append(GlossaryTerm(text: text, anchor: "term-" + SlugSet.slug(text),
                                          location: SourceLocation(file: file, line: line, column: indent.count + 1),
                                          closesDefinition: terms.last?.opensDefinition ?? false, opensDefinition: next != .term))
                lines[line - 1] = indent + token(firstIndex + terms.count - 1)
                index += 1
            case .definition:
                // The definition runs to the next term; it loses the indentation its lines share.
                let end = shapes[index...].firstIndex(of: .term) ?? texts.count
                let margin = (index..<end).filter { shapes[$0] == .definition }
                    .map { texts[$0].prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
                for offset in index..<end where shapes[offset] == .definition {
                    lines[body.lowerBound + offset - 1] = indent + String(texts[offset].dropFirst(margin))
                }
                index = end
            }
        }
        return terms
    }
}
