import Foundation

/// One `:key: value` option of a directive, typed: the single declaration of its name,
/// value type, range or choices, default, whether front matter and `-p` may set it, and
/// help. Parsing (`OptionValues`), validation (`DirectiveRegistry`), `nbrun --help`, the
/// docs tables and the `-p` check all read it.
///
/// ```swift
/// static let count = DirectiveOption.integer("count", in: 1...1000, default: 10, inherits: true,
///                                   help: "How many rows from :start:.")
/// …
/// let count = try options.value(Self.count)          // 10 unless the cell, front matter or -p says otherwise
/// let perClass = try options.given(Self.perClass)     // nil unless set
/// ```
public struct DirectiveOption<Value: Sendable>: Sendable {
    public let declaration: OptionDeclaration
    /// Turns the option's text into a value, or throws a located error.
    let parse: @Sendable (_ text: String, _ location: SourceLocation) throws -> Value
    /// The value when nothing sets the option; nil: the option is simply absent.
    let fallback: Value?

    public var name: String { declaration.name }

    public init(_ name: String, type: String, default fallback: Value?, defaultText: String? = nil, inherits: Bool = false,
                help: String, parse: @escaping @Sendable (_ text: String, _ location: SourceLocation) throws -> Value) {
        self.declaration = OptionDeclaration(name: name, valueType: type, help: help,
                                             defaultText: defaultText ?? fallback.map { "\($0)" }, inherits: inherits,
                                             check: { _ = try parse($0, $1) })
        self.fallback = fallback
        self.parse = parse
    }
}

/// What every option says about itself, without its Swift type: for validation, help and docs.
public struct OptionDeclaration: Sendable, Hashable {
    public let name: String
    /// What the value looks like, e.g. `integer 1…1000`, `train|test`.
    public let valueType: String
    public let help: String
    /// The default as the docs show it, or nil when unset means "absent".
    public let defaultText: String?
    /// Whether front matter and `-p key=value` set this option for cells that do not.
    public let inherits: Bool
    /// Throws the option's own error when `text` is not a value it takes (type, range, choices).
    let check: @Sendable (_ text: String, _ location: SourceLocation) throws -> Void

    public static func == (a: OptionDeclaration, b: OptionDeclaration) -> Bool {
        (a.name, a.valueType, a.help, a.defaultText, a.inherits) == (b.name, b.valueType, b.help, b.defaultText, b.inherits)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(valueType)
    }
}

extension DirectiveOption where Value == Int {
    /// A whole number in `range`.
    public static func integer(_ name: String, in range: ClosedRange<Int> = 0...Int.max, default fallback: Int? = nil,
                               defaultText: String? = nil, inherits: Bool = false, help: String) -> DirectiveOption<Int> {
        DirectiveOption(name, type: "integer" + OptionText.describe(range), default: fallback, defaultText: defaultText,
               inherits: inherits, help: help) { text, location in
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw Diagnostic.error("option :\(name): expects an integer, got '\(text)'", at: location,
                                       hint: "write a whole number\(OptionText.describe(range)), e.g. :\(name): \(fallback ?? max(range.lowerBound, 0))")
            }
            guard range.contains(value) else {
                throw Diagnostic.error("option :\(name): is \(value), outside\(OptionText.describe(range))", at: location,
                                       hint: "e.g. :\(name): \(fallback ?? range.lowerBound)")
            }
            return value
        }
    }
}

extension DirectiveOption where Value == Double {
    /// A finite decimal number within `bounds`.
    public static func number(_ name: String, _ bounds: NumberBounds = .any, default fallback: Double? = nil,
                              inherits: Bool = false, help: String) -> DirectiveOption<Double> {
        DirectiveOption(name, type: "number" + bounds.description, default: fallback,
               defaultText: fallback.map(NumberText.plain), inherits: inherits, help: help) { text, location in
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw Diagnostic.error("option :\(name): expects a number, got '\(text)'", at: location,
                                       hint: "write a decimal number such as :\(name): \(fallback.map(NumberText.plain) ?? "1")")
            }
            guard bounds.contains(value) else {
                throw Diagnostic.error("option :\(name): is \(text.trimmingCharacters(in: .whitespaces)); it must be\(bounds.description)",
                                       at: location, hint: fallback.map { "e.g. :\(name): \(NumberText.plain($0))" })
            }
            return value
        }
    }
}

extension DirectiveOption where Value == Bool {
    /// `true` or `false` (also yes/no, on/off, 1/0).
    public static func flag(_ name: String, default fallback: Bool, inherits: Bool = false, help: String) -> DirectiveOption<Bool> {
        DirectiveOption(name, type: "true|false", default: fallback, inherits: inherits, help: help) { text, location in
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default:
                throw Diagnostic.error("option :\(name): expects true or false, got '\(text)'", at: location,
                                       hint: "write :\(name): true or :\(name): false")
            }
        }
    }
}

extension DirectiveOption where Value == String {
    /// One of a fixed set of words.
    public static func choice(_ name: String, _ choices: [String], default fallback: String? = nil,
                              inherits: Bool = false, help: String) -> DirectiveOption<String> {
        DirectiveOption(name, type: choices.joined(separator: "|"), default: fallback, inherits: inherits, help: help) { text, location in
            let word = text.trimmingCharacters(in: .whitespaces)
            guard choices.contains(word) else {
                throw Diagnostic.error("option :\(name): expects one of \(choices.joined(separator: ", ")), got '\(text)'",
                                       at: location, hint: Suggestion.nearest(to: word, in: choices).map { "did you mean '\($0)'?" })
            }
            return word
        }
    }

    /// Free text such as a name or a path (`type` says which), trimmed; never empty.
    public static func text(_ name: String, type: String, default fallback: String? = nil, inherits: Bool = false,
                            help: String) -> DirectiveOption<String> {
        DirectiveOption(name, type: type, default: fallback, inherits: inherits, help: help) { text, location in
            let value = text.trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else {
                throw Diagnostic.error("option :\(name): is empty", at: location, hint: "give a \(type), or leave the option out")
            }
            return value
        }
    }
}

extension DirectiveOption where Value == String {
    /// A name that also names a folder in the output: a plain path component
    /// (`ExecutionContext.isPlainName`), never a path.
    public static func plainName(_ name: String, help: String) -> DirectiveOption<String> {
        DirectiveOption(name, type: "name", default: nil, help: help) { text, location in
            let value = text.trimmingCharacters(in: .whitespaces)
            guard ExecutionContext.isPlainName(value) else {
                throw Diagnostic.error("option :\(name): '\(value)' is not a plain name: it names a folder in the output, so only letters, digits, '-', '_' and '.' (not first) are allowed",
                                       at: location, hint: "e.g. :\(name): digits")
            }
            return value
        }
    }
}

extension DirectiveOption where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    /// One of an enumeration's cases, by raw value.
    public static func cases(_ name: String, default fallback: Value? = nil, inherits: Bool = false, help: String) -> DirectiveOption<Value> {
        let words = Value.allCases.map(\.rawValue)
        let word = DirectiveOption<String>.choice(name, words, inherits: inherits, help: help)
        return DirectiveOption(name, type: word.declaration.valueType, default: fallback, defaultText: fallback?.rawValue,
                      inherits: inherits, help: help) { text, location in
            Value(rawValue: try word.parse(text, location))!
        }
    }
}

extension DirectiveOption where Value == Range<Int> {
    /// Rows `a..b` (0 ≤ a < b), the half-open range a..<b.
    public static func rows(_ name: String, inherits: Bool = false, help: String) -> DirectiveOption<Range<Int>> {
        DirectiveOption(name, type: "a..b", default: nil, inherits: inherits, help: help) { text, location in
            let parts = text.trimmingCharacters(in: .whitespaces).components(separatedBy: "..")
            guard parts.count == 2, let low = Int(parts[0].trimmingCharacters(in: .whitespaces)),
                  let high = Int(parts[1].trimmingCharacters(in: .whitespaces)), low >= 0, low < high else {
                throw Diagnostic.error("option :\(name): expects a..b with 0 ≤ a < b, got '\(text)'", at: location,
                                       hint: "e.g. :\(name): 0..1000 keeps the first 1,000 rows (b itself is left out)")
            }
            return low ..< high
        }
    }
}

/// The allowed values of a number option.
public struct NumberBounds: Sendable, Hashable, CustomStringConvertible {
    public var lower: Double?
    public var lowerInclusive = true
    public var upper: Double?
    public var upperInclusive = true

    public static let any = NumberBounds()
    /// Greater than zero.
    public static let positive = NumberBounds(lower: 0, lowerInclusive: false)
    /// Zero or more.
    public static let nonNegative = NumberBounds(lower: 0)
    /// `low` to `high`, both included.
    public static func closed(_ low: Double, _ high: Double) -> NumberBounds { NumberBounds(lower: low, upper: high) }
    /// More than `low` (excluded) up to `high` (included).
    public static func above(_ low: Double, upTo high: Double) -> NumberBounds {
        NumberBounds(lower: low, lowerInclusive: false, upper: high)
    }

    /// `low` (included) up to `high` (excluded).
    public static func from(_ low: Double, below high: Double) -> NumberBounds {
        NumberBounds(lower: low, upper: high, upperInclusive: false)
    }

    public func contains(_ value: Double) -> Bool {
        if let lower, lowerInclusive ? value < lower : value <= lower { return false }
        if let upper, upperInclusive ? value > upper : value >= upper { return false }
        return true
    }

    public var description: String {
        switch (lower, upper) {
        case (nil, nil): return ""
        case (let low?, nil): return lowerInclusive ? " ≥ \(NumberText.plain(low))" : " > \(NumberText.plain(low))"
        case (nil, let high?): return upperInclusive ? " ≤ \(NumberText.plain(high))" : " < \(NumberText.plain(high))"
        case (let low?, let high?) where lowerInclusive && upperInclusive:
            return " in \(NumberText.plain(low))…\(NumberText.plain(high))"
        case (let low?, let high?):
            return (lowerInclusive ? " ≥ " : " > ") + NumberText.plain(low) + " and " + (upperInclusive ? "≤ " : "< ") + NumberText.plain(high)
        }
    }
}

/// How integer ranges are written in messages and help.
enum OptionText {
    static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (Int.min, Int.max): return ""
        case (let low, Int.max): return " ≥ \(low)"
        case (Int.min, let high): return " ≤ \(high)"
        case (let low, let high): return " \(low)…\(high)"
        }
    }
}

extension DirectiveOption where Value == [Int] {
    /// Two or more distinct labels `a, b, …` (commas or spaces between), each in `range`, in the order given.
    public static func labels(_ name: String, in range: ClosedRange<Int>, help: String) -> DirectiveOption<[Int]> {
        DirectiveOption(name, type: "labels a,b,…", default: nil, help: help) { text, location in
            let words = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
            let values = words.compactMap { Int($0) }
            guard values.count == words.count, values.count >= 2 else {
                throw Diagnostic.error("option :\(name): expects two or more labels separated by commas, got '\(text)'", at: location,
                                       hint: "e.g. :\(name): 3,8 keeps the classes labelled 3 and 8")
            }
            if let outside = values.first(where: { !range.contains($0) }) {
                throw Diagnostic.error("option :\(name): names label \(outside), outside\(OptionText.describe(range))", at: location,
                                       hint: "the labels are \(range.lowerBound) to \(range.upperBound)")
            }
            if let repeated = values.indices.first(where: { values[..<$0].contains(values[$0]) }) {
                throw Diagnostic.error("option :\(name): names label \(values[repeated]) twice", at: location,
                                       hint: "name each class once")
            }
            return values
        }
    }
}
