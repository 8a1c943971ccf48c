/// Something a reference can point at: a heading, a figure, a numbered equation, a theorem box,
/// an exercise, a table, a code listing, a glossary term, or a plain `(label)=` target.
public struct Target: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case equation, section, figure, table, theorem, exercise, code, term, generic

        /// The word a numbered reference puts before the number ("Figure 3"), unless the target names its own.
        public var defaultName: String {
            switch self {
            case .equation: "Equation"
            case .section: "Section"
            case .figure: "Figure"
            case .table: "Table"
            case .theorem: "Theorem"
            case .exercise: "Exercise"
            case .code: "Listing"
            case .term: "Term"
            case .generic: ""
            }
        }
    }

    /// How a target gets its number.
    public enum Numbering: Sendable, Hashable {
        /// The next number of its counter (kind and name), in document order, when the table is finished.
        case automatic
        /// A number the registering code worked out itself ("2.1" for a section, an equation's `\tag`).
        case fixed(String)
        /// Not numbered: `{numref}` warns, `{ref}` shows the title.
        case none
    }

    public var label: String
    public var kind: Kind
    /// The word before the number: "Figure", "Lemma", "Definition", … (default: the kind's).
    public var name: String
    /// What `{ref}` and an empty `[](#label)` show: the heading's or the caption's text. It may hold
    /// placeholder tokens (math, roles), which the renderer puts back.
    public var title: String?
    /// The HTML id on the page.
    public var anchor: String
    public var numbering: Numbering
    /// Set by `TargetTable.finish()` for `.automatic`, or the `.fixed` number.
    public internal(set) var number: String?
    /// Where the label is written.
    public var location: SourceLocation
    /// An implicit target (a heading's slug): listed after explicit labels in suggestions.
    public var implicit: Bool
    /// In a course, the page that shows it when that is another page: the link from this page to its `.html`.
    public var page: String? = nil

    /// What a link to it points at: `#anchor`, or `other.html#anchor`.
    public var href: String { (page ?? "") + "#" + anchor }

    public init(label: String, kind: Kind, name: String? = nil, title: String? = nil, anchor: String? = nil,
                numbering: Numbering = .automatic, location: SourceLocation, implicit: Bool = false) {
        self.label = label
        self.kind = kind
        self.name = name ?? kind.defaultName
        self.title = title
        self.anchor = anchor ?? label
        self.numbering = numbering
        if case .fixed(let number) = numbering { self.number = number }
        self.location = location
        self.implicit = implicit
    }

    /// "Figure 3", "Lemma 2", "Section 2.1"; nil when it has no number.
    public var numberedName: String? {
        guard let number else { return nil }
        return name.isEmpty ? number : "\(name) \(number)"
    }
}
