/// One directive cell: a fenced code block whose info string is `{name} arguments…`.
///
/// ````
/// ```{load} fashion-mnist        ← name "load", arguments ["fashion-mnist"]
/// :split: test                   ← options, each with its own location
/// :label: data
/// first content line             ← body
/// ```
/// ````
public struct Cell: Sendable, Hashable {
    /// Position among the notebook's directive cells, starting at 1.
    public var index: Int
    /// The directive name between the braces, e.g. `load`.
    public var directive: String
    /// Whitespace-separated words after `{name}`.
    public var arguments: [String]
    /// The `:key: value` lines at the top of the body, in order.
    public var options: [CellOption]
    /// The body after the options, one entry per line, each with its location.
    public var body: [SourceLine]
    /// Where the opening fence starts.
    public var location: SourceLocation
    /// Where the `{name}` info string starts (used for directive errors).
    public var directiveLocation: SourceLocation
    /// The cell's whole source, fences included, as the author wrote it.
    public var source: String

    public init(index: Int, directive: String, arguments: [String], options: [CellOption], body: [SourceLine],
                location: SourceLocation, directiveLocation: SourceLocation, source: String) {
        self.index = index
        self.directive = directive
        self.arguments = arguments
        self.options = options
        self.body = body
        self.location = location
        self.directiveLocation = directiveLocation
        self.source = source
    }

    /// The `:label:` option, or `cell-N`.
    public var label: String {
        options.first(where: { $0.key == "label" })?.value ?? "cell-\(index)"
    }

    /// The option named `key` (the registry refuses a cell that gives one twice).
    public func option(_ key: String) -> CellOption? {
        options.first(where: { $0.key == key })
    }

    /// The body's text, lines joined by newlines.
    public var bodyText: String { body.map(\.text).joined(separator: "\n") }
}

/// A `:key: value` option line of a cell.
public struct CellOption: Sendable, Hashable {
    public var key: String
    public var value: String
    /// Where `:key:` starts.
    public var location: SourceLocation
    /// Where the value starts.
    public var valueLocation: SourceLocation

    public init(key: String, value: String, location: SourceLocation, valueLocation: SourceLocation) {
        self.key = key
        self.value = value
        self.location = location
        self.valueLocation = valueLocation
    }
}
