import Foundation

/// Typed access to a cell's options, with errors that point at the option's value.
///
/// Lookup order for `name`: the cell's `:name:` option, then `defaults[name]` (front
/// matter or a parameter), then the default passed to the accessor.
public struct OptionReader {
    public let cell: Cell
    public let defaults: Defaults

    public init(cell: Cell, defaults: Defaults) {
        self.cell = cell
        self.defaults = defaults
    }

    /// The raw text and where it came from, or nil when neither the cell nor the defaults set it.
    public func raw(_ name: String, inheritsDefault: Bool = true) -> (value: String, location: SourceLocation)? {
        if let option = cell.option(name) {
            return (option.value, option.valueLocation)
        }
        if inheritsDefault, let entry = defaults[name] {
            return (entry.value, entry.location ?? cell.directiveLocation)
        }
        return nil
    }

    public func string(_ name: String, default fallback: String? = nil, inheritsDefault: Bool = true) -> String? {
        raw(name, inheritsDefault: inheritsDefault)?.value ?? fallback
    }

    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int> = Int.min...Int.max,
                    inheritsDefault: Bool = true) throws -> Int {
        guard let (text, location) = raw(name, inheritsDefault: inheritsDefault) else { return fallback }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw Diagnostic.error("option :\(name): expects an integer, got '\(text)'", at: location,
                                   hint: "write a whole number\(Self.describe(range)), e.g. :\(name): \(fallback)")
        }
        guard range.contains(value) else {
            throw Diagnostic.error("option :\(name): is \(value), outside\(Self.describe(range))", at: location,
                                   hint: "e.g. :\(name): \(fallback)")
        }
        return value
    }

    public func double(_ name: String, default fallback: Double, range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                       inheritsDefault: Bool = true) throws -> Double {
        guard let (text, location) = raw(name, inheritsDefault: inheritsDefault) else { return fallback }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw Diagnostic.error("option :\(name): expects a number, got '\(text)'", at: location,
                                   hint: "write a decimal number such as :\(name): \(fallback)")
        }
        guard range.contains(value) else {
            throw Diagnostic.error("option :\(name): is \(text), outside \(Self.format(range.lowerBound))…\(Self.format(range.upperBound))", at: location,
                                   hint: "e.g. :\(name): \(fallback)")
        }
        return value
    }

    public func bool(_ name: String, default fallback: Bool, inheritsDefault: Bool = true) throws -> Bool {
        guard let (text, location) = raw(name, inheritsDefault: inheritsDefault) else { return fallback }
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            throw Diagnostic.error("option :\(name): expects true or false, got '\(text)'", at: location,
                                   hint: "write :\(name): true or :\(name): false")
        }
    }

    /// One of a fixed set of words.
    public func choice(_ name: String, _ choices: [String], default fallback: String, inheritsDefault: Bool = true) throws -> String {
        guard let (text, location) = raw(name, inheritsDefault: inheritsDefault) else { return fallback }
        let word = text.trimmingCharacters(in: .whitespaces)
        guard choices.contains(word) else {
            throw Diagnostic.error("option :\(name): expects one of \(choices.joined(separator: ", ")), got '\(text)'",
                                   at: location, hint: Suggestion.nearest(to: word, in: choices).map { "did you mean '\($0)'?" })
        }
        return word
    }

    /// The location of option `name` in the cell, or the cell's directive.
    public func location(of name: String) -> SourceLocation {
        cell.option(name)?.valueLocation ?? cell.directiveLocation
    }

    /// `86400.0` → `86400`, `0.001` → `0.001`.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (Int.min, Int.max): return ""
        case (let low, Int.max): return " ≥ \(low)"
        case (Int.min, let high): return " ≤ \(high)"
        case (let low, let high): return " in \(low)…\(high)"
        }
    }
}
