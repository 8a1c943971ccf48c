/// The YAML block at the top of a notebook: title, author, date, tags and defaults.
///
/// ```yaml
/// ---
/// title: Softmax regression, derived and checked
/// author: A. Teacher
/// date: 2026-11-21
/// tags: [classification, tutorial]
/// seed: 0            # any other scalar is a default cells can read
/// data-dir: ./data
/// ---
/// ```
public struct FrontMatter: Sendable, Hashable {
    public var title: String?
    /// One or more authors, as written.
    public var authors: [String] = []
    public var date: String?
    public var tags: [String] = []
    /// The page language (`lang: zh`), `en` when unset.
    public var language: String?
    /// Every other scalar key, in file order, with the line it was written on.
    public var values: [(key: String, value: String, location: SourceLocation)] = []
    /// The Jupyter kernel the page's code cells run in: `kernelspec: {name: python3}` (Jupyter,
    /// MyST) or `jupyter: python3` (Quarto), with where it was named.
    public var kernel: (name: String, location: SourceLocation)?
    /// Lines the front matter occupies, fences included (0 when there is none).
    public var lineCount: Int = 0

    public init() {}

    public static func == (lhs: FrontMatter, rhs: FrontMatter) -> Bool {
        lhs.title == rhs.title && lhs.authors == rhs.authors && lhs.date == rhs.date && lhs.tags == rhs.tags
            && lhs.language == rhs.language && lhs.lineCount == rhs.lineCount
            && lhs.kernel?.name == rhs.kernel?.name && lhs.kernel?.location == rhs.kernel?.location
            && lhs.values.map { "\($0.key)=\($0.value)@\($0.location)" } == rhs.values.map { "\($0.key)=\($0.value)@\($0.location)" }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(title)
        hasher.combine(lineCount)
    }

    /// The values as defaults for cells.
    public var defaults: Defaults {
        var defaults = Defaults()
        for entry in values { defaults.set(entry.key, entry.value, at: entry.location) }
        return defaults
    }
}
