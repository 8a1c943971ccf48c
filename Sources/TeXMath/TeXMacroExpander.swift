/// Expands a formula's macros before it is parsed: it reads the formula's definitions
/// (`\newcommand`, `\renewcommand`, `\providecommand`, `\def`, `\DeclareMathOperator`, starred
/// too) into the page's `TeXMacros`, drops them from the formula, and replaces every use of a
/// macro by its body with the arguments in place, again and again until none is left.
///
/// The tokens of an expansion keep the offset of the macro's use, so a warning about them points
/// at it. A macro that uses itself (`\def\a{\a}`) or grows exponentially (`\def\b{\a\a}` on
/// `\def\a{xx}`, ten levels deep) stops at `TeXMacros.maxExpansions` expansions or `TeXMacros.maxExpandedTokens`
/// tokens, with one warning; the rest of the formula is shown without its macros.
struct TeXMacroExpander {
    static var maxExpansions: Int { TeXMacros.maxExpansions }
    static var maxExpandedTokens: Int { TeXMacros.maxExpandedTokens }

    private static let definers: Set<String> = ["newcommand", "renewcommand", "providecommand", "def", "DeclareMathOperator"]

    private var macros: TeXMacros
    /// The formula's tokens not yet read, the next one last.
    private var pending: [TeXToken]
    private var output: [TeXToken] = []
    private var warnings: [MathWarning] = []
    private var expansions = 0
    private var expandedTokens = 0
    private var exhausted = false

    /// `tokens` (ending with `.end`) with the macros expanded; the definitions they hold are
    /// added to `macros`.
    static func expand(_ tokens: [TeXToken], macros: inout TeXMacros) -> (tokens: [TeXToken], warnings: [MathWarning]) {
        let defines = tokens.contains { token in token.commandName.map { definers.contains($0) } ?? false }
        guard defines || !macros.isEmpty, let end = tokens.last else { return (tokens, []) }
        var expander = TeXMacroExpander(macros: macros, pending: tokens.dropLast().reversed())
        expander.run()
        macros = expander.macros
        return (expander.output + [end], expander.warnings)
    }

    private init(macros: TeXMacros, pending: [TeXToken]) {
        self.macros = macros
        self.pending = pending
    }

    private mutating func run() {
        while let token = pending.popLast() {
            guard let name = token.commandName else {
                output.append(token)
                continue
            }
            if Self.definers.contains(name) {
                define(name, at: token.offset)
            } else if let macro = macros.macro(name) {
                if !exhausted { use(macro, name: name, at: token.offset) }
            } else {
                output.append(token)
            }
        }
    }

    private mutating func warn(_ message: String, at offset: Int) {
        warnings.append(MathWarning(message: message, offset: offset))
    }

    // MARK: - Reading from the formula

    private mutating func skipSpaces() {
        while let last = pending.last, last.kind == .space { pending.removeLast() }
    }

    private mutating func skipStar() -> Bool {
        guard pending.last?.kind == .char("*") else { return false }
        pending.removeLast()
        return true
    }

    /// A braced group's tokens (without its braces), or one token; nil at the end of the formula.
    private mutating func readArgument() -> [TeXToken]? {
        skipSpaces()
        guard let first = pending.popLast() else { return nil }
        guard first.kind == .beginGroup else { return [first] }
        var tokens: [TeXToken] = []
        var level = 0
        while let token = pending.popLast() {
            if token.kind == .beginGroup { level += 1 }
            if token.kind == .endGroup {
                if level == 0 { return tokens }
                level -= 1
            }
            tokens.append(token)
        }
        warn("missing } to close the { here", at: first.offset)
        return tokens
    }

    /// The tokens between `[` and the next `]` outside braces, if the formula goes on with `[`.
    private mutating func readOptional() -> [TeXToken]? {
        skipSpaces()
        guard pending.last?.kind == .char("[") else { return nil }
        let open = pending.removeLast()
        var tokens: [TeXToken] = []
        var level = 0
        while let token = pending.popLast() {
            if token.kind == .char("]") && level == 0 { return tokens }
            if token.kind == .beginGroup { level += 1 }
            if token.kind == .endGroup { level -= 1 }
            tokens.append(token)
        }
        warn("missing ] to close the [ here", at: open.offset)
        return tokens
    }

    /// The name a definition defines: `\name` or `{\name}`.
    private mutating func readName(for definer: String, at offset: Int) -> String? {
        guard let tokens = readArgument() else {
            warn("\\\(definer) needs the name of the macro it defines, e.g. \\\(definer){\\R}", at: offset)
            return nil
        }
        let named = tokens.filter { $0.kind != .space }
        guard named.count == 1, let name = named[0].commandName, !name.isEmpty else {
            warn("\\\(definer) defines a command such as \\R: its name starts with a backslash", at: offset)
            return nil
        }
        return name
    }

    // MARK: - Definitions

    private mutating func define(_ definer: String, at offset: Int) {
        switch definer {
        case "def":
            defineTeXStyle(at: offset)
        case "DeclareMathOperator":
            let starred = skipStar()
            guard let name = readName(for: definer, at: offset) else { return }
            guard let text = readArgument() else {
                warn("\\DeclareMathOperator needs the operator's text, e.g. \\DeclareMathOperator{\\tr}{tr}", at: offset)
                return
            }
            let body: [TeXToken.Kind] = [.command("operatorname")] + (starred ? [.char("*")] : [])
                + [.beginGroup] + text.map(\.kind) + [.endGroup]
            macros.define(name, TeXMacros.Macro(parameterCount: 0, defaultArgument: nil, body: body.map { .token($0) }))
        default:
            _ = skipStar()
            guard let name = readName(for: definer, at: offset) else { return }
            var count = 0
            if let number = readOptional() {
                let digits = String(String.UnicodeScalarView(number.compactMap(\.character)))
                if let parsed = Int(digits.trimmingSpaces()), (0...9).contains(parsed), number.allSatisfy({ $0.character != nil || $0.kind == .space }) {
                    count = parsed
                } else {
                    warn("\\\(definer){\\\(name)} takes [0] to [9] arguments", at: offset)
                }
            }
            let defaultArgument = count > 0 ? readOptional() : nil
            guard let body = readArgument() else {
                warn("\\\(definer){\\\(name)} needs a body in braces, e.g. \\\(definer){\\R}{\\mathbb{R}}", at: offset)
                return
            }
            if definer == "providecommand" && macros.macro(name) != nil { return }
            macros.define(name, TeXMacros.Macro(parameterCount: count, defaultArgument: defaultArgument, body: TeXMacros.parts(of: body)))
        }
    }

    /// `\def\name#1#2{body}`: undelimited parameters only.
    private mutating func defineTeXStyle(at offset: Int) {
        skipSpaces()
        guard let nameToken = pending.popLast(), let name = nameToken.commandName, !name.isEmpty else {
            warn("\\def defines a command such as \\R: write \\def\\R{\\mathbb{R}}", at: offset)
            return
        }
        var count = 0
        while let token = pending.last, token.kind != .beginGroup {
            pending.removeLast()
            if token.kind == .char("#"), let digit = pending.last?.character, digit.value == 49 + UInt32(count) {
                pending.removeLast()
                count += 1
                continue
            }
            warn("\\def\\\(name): only parameters #1#2… in order can come before its body", at: token.offset)
            // Drop the rest of the definition's parameter text.
            while let rest = pending.last, rest.kind != .beginGroup { pending.removeLast() }
        }
        guard let body = readArgument() else {
            warn("\\def\\\(name) needs a body in braces", at: offset)
            return
        }
        macros.define(name, TeXMacros.Macro(parameterCount: count, defaultArgument: nil, body: TeXMacros.parts(of: body)))
    }

    // MARK: - Uses

    private mutating func use(_ macro: TeXMacros.Macro, name: String, at offset: Int) {
        expansions += 1
        var arguments: [[TeXToken]] = []
        if macro.parameterCount > 0, let defaultArgument = macro.defaultArgument {
            arguments.append(readOptional() ?? defaultArgument)
        }
        while arguments.count < macro.parameterCount {
            guard let argument = readArgument() else {
                warn("missing argument for \\\(name)", at: offset)
                break
            }
            arguments.append(argument)
        }
        var expansion: [TeXToken] = []
        for part in macro.body {
            switch part {
            case .token(let kind):
                expansion.append(TeXToken(kind: kind, offset: offset))
            case .parameter(let number):
                if number <= arguments.count { expansion += arguments[number - 1] }
            }
            if expandedTokens + expansion.count > Self.maxExpandedTokens { break }
        }
        expandedTokens += expansion.count
        if expansions > Self.maxExpansions || expandedTokens > Self.maxExpandedTokens {
            exhausted = true
            warn("macro \\\(name) expands too far (more than \(Self.maxExpansions) uses or \(Self.maxExpandedTokens) tokens): "
                 + "the rest of the formula is shown without its macros; does a macro use itself?", at: offset)
            return
        }
        pending += expansion.reversed()
    }
}
