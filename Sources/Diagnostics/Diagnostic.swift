/// A problem found in a notebook, its data or its run, tied to a source location.
///
/// Diagnostics are values: parsers and directives throw them, the executor stores them
/// with the cell, and the terminal and the HTML report print the same text,
/// `notebook.md:42:1: error: message`, followed by an optional hint.
public struct Diagnostic: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable {
        case error, warning, note
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    public var hint: String?

    public init(_ severity: Severity = .error, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.hint = hint
    }

    public static func error(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: location, hint: hint)
    }

    public static func warning(_ message: String, at location: SourceLocation? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, message, at: location, hint: hint)
    }

    /// The first line: `file:line:col: error: message` (without location: `error: message`).
    public var headline: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(severity.rawValue): \(message)"
    }

    /// The headline, and the hint indented on a second line.
    public var description: String {
        guard let hint else { return headline }
        return headline + "\n  hint: " + hint
    }

    /// The same diagnostic, placed at `location` when it has none yet.
    public func located(at fallback: SourceLocation) -> Diagnostic {
        var copy = self
        if copy.location == nil { copy.location = fallback }
        return copy
    }
}
