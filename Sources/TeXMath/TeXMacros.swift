/// The macros a page defines: front-matter `math:` macros and the `\newcommand`, `\renewcommand`,
/// `\def` and `\DeclareMathOperator` of its formulas, each in effect from its definition to
/// the end of the page.
///
/// A macro takes up to nine arguments (`#1`…`#9`); a `\newcommand` may give the first a
/// default, which makes it optional (`\newcommand{\norm}[2][2]{\|#2\|_{#1}}`).
public struct TeXMacros: Sendable {
    /// What a macro's body is made of: tokens, and the places its arguments go.
    enum Part: Sendable {
        case token(TeXToken.Kind)
        case parameter(Int)
    }

    struct Macro: Sendable {
        var parameterCount: Int
        /// The first argument when it is left out (nil: it is required).
        var defaultArgument: [TeXToken]?
        var body: [Part]
    }

    /// The macro uses one formula may expand (a macro that uses itself stops here, with a warning).
    public static let maxExpansions = 10_000
    /// The tokens the expansions of one formula may produce (exponential growth stops here).
    public static let maxExpandedTokens = 50_000

    private(set) var table: [String: Macro] = [:]

    public init() {}

    /// Whether no macro is defined.
    public var isEmpty: Bool { table.isEmpty }

    /// Defines `\name` as `body` (TeX source), with as many arguments as the highest `#n` in it,
    /// as MyST's front-matter `math:` macros do. `name` may be written with or without its backslash.
    public mutating func define(_ name: String, as body: String) {
        let bare = name.hasPrefix("\\") ? String(name.dropFirst()) : name
        let tokens = TeXTokenizer.tokenize(Array(body.unicodeScalars)).dropLast()
        let parts = Self.parts(of: Array(tokens))
        let count = parts.reduce(0) { if case .parameter(let n) = $1 { return max($0, n) } else { return $0 } }
        table[bare] = Macro(parameterCount: count, defaultArgument: nil, body: parts)
    }

    mutating func define(_ name: String, _ macro: Macro) {
        table[name] = macro
    }

    func macro(_ name: String) -> Macro? { table[name] }

    /// `tokens` with each `#n` (n = 1…9) an argument's place; `##` is a `#`.
    static func parts(of tokens: [TeXToken]) -> [Part] {
        var parts: [Part] = []
        var index = 0
        while index < tokens.count {
            let kind = tokens[index].kind
            if case .char("#") = kind, index + 1 < tokens.count {
                if case .char(let digit) = tokens[index + 1].kind, ("1"..."9").contains(digit) {
                    parts.append(.parameter(Int(digit.value - 48)))
                    index += 2
                    continue
                }
                if case .char("#") = tokens[index + 1].kind {
                    parts.append(.token(kind))
                    index += 2
                    continue
                }
            }
            parts.append(.token(kind))
            index += 1
        }
        return parts
    }
}
