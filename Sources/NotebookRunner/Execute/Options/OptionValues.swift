/// A cell's option values, read through typed `Option` declarations.
///
/// Lookup order: the cell's `:name:` line, then — for options declared `inherits: true`
/// only — `defaults[name]` (front matter, then `-p`), then the declaration's default.
/// Errors point at the text the value came from.
public struct OptionValues {
    public let cell: Cell
    public let defaults: Defaults

    public init(cell: Cell, defaults: Defaults) {
        self.cell = cell
        self.defaults = defaults
    }

    /// The raw text of `option` and where it came from, or nil when nothing sets it.
    public func raw<Value>(_ option: DirectiveOption<Value>) -> (value: String, location: SourceLocation)? {
        if let given = cell.option(option.name) {
            return (given.value, given.valueLocation)
        }
        if option.declaration.inherits, let entry = defaults[option.name] {
            return (entry.value, entry.location ?? cell.directiveLocation)
        }
        return nil
    }

    /// Whether the cell, front matter or `-p` sets `option`.
    public func isSet<Value>(_ option: DirectiveOption<Value>) -> Bool { raw(option) != nil }

    /// The value set for `option`, or nil when nothing sets it (its default is not used).
    public func given<Value>(_ option: DirectiveOption<Value>) throws -> Value? {
        guard let (text, location) = raw(option) else { return nil }
        return try option.parse(text, location)
    }

    /// The value set for `option`, else its default (which it must have).
    public func value<Value>(_ option: DirectiveOption<Value>) throws -> Value {
        guard let value = try given(option) ?? option.fallback else {
            preconditionFailure("option :\(option.name): has no default; read it with given(_:)")
        }
        return value
    }

    /// Where `option`'s value is written: its line in the cell, else the front-matter
    /// line, else the cell's directive.
    public func location<Value>(of option: DirectiveOption<Value>) -> SourceLocation {
        raw(option)?.location ?? cell.directiveLocation
    }
}
