/// Values a cell falls back on when it does not set an option itself.
///
/// Precedence is data: a directive's built-in default < the notebook's front matter
/// < a `-p key=value` parameter < the cell's own option. `Defaults` holds the middle
/// two, already merged, with the place each value came from.
public struct Defaults: Sendable {
    public struct Entry: Sendable, Hashable {
        public var value: String
        /// Where the value was written: a front-matter line, or nil for a command-line parameter.
        public var location: SourceLocation?
    }

    public private(set) var entries: [String: Entry]

    public init(entries: [String: Entry] = [:]) {
        self.entries = entries
    }

    public subscript(key: String) -> Entry? { entries[key] }

    public mutating func set(_ key: String, _ value: String, at location: SourceLocation?) {
        entries[key] = Entry(value: value, location: location)
    }

    /// The notebook-wide seed (`seed` in the front matter), 0 when unset or not a number.
    public var seed: UInt64 { entries["seed"].flatMap { UInt64($0.value) } ?? 0 }
}
