/// The body of a `{derive}` cell: a chain of equal expressions, one per line.
///
/// Grammar (one item per line; blank lines and `#` comments are ignored):
///
///     definition := NAME "=" EXPR           -- a helper such as Y = onehot(y, 10), when the next
///                                           -- line is not a step or a gradient
///     start      := [ NAME "=" ] EXPR       -- the first line of a chain; NAME names it (J)
///     step       := "=" EXPR                -- must equal the line above, within :tol:
///     gradient   := "grad" NAME ":" EXPR    -- must equal central differences of the last scalar
///                                           -- line above with respect to NAME; "=" steps after it
///                                           -- rewrite the gradient
///     override   := "tex:" TEX              -- how the line above is typeset (instead of the
///                                           -- automatic rendering, see `ExpressionTeX`)
///
/// ```
/// Y = onehot(y, 10)
/// J = -mean(sum(Y * log(softmax(A)), axis=1))
///   = -mean(sum(Y * A, axis=1) - log(sum(exp(A), axis=1)))
/// grad A: (softmax(A) - Y) / 8
/// ```
/// Definitions are evaluated first, in order, and again whenever a gradient varies a name.
public struct DerivationProgram: Sendable {
    public enum Kind: Sendable, Hashable {
        /// The first line of a chain, with the name it defines (`J`), if any.
        case start(String?)
        /// `= EXPR`.
        case step
        /// `grad NAME: EXPR`.
        case gradient(String)
    }

    /// One line of the chain.
    public struct Line: Sendable {
        public var kind: Kind
        public var expression: ParsedExpression
        /// Where the line starts (the `=` or `grad`).
        public var location: SourceLocation
        /// The author's `tex:` rendering, if given.
        public var tex: String?
        public var texLocation: SourceLocation?
    }

    public var definitions: [ParsedExpression] = []
    public var lines: [Line] = []

    /// Parses body lines; every error points at the offending line and column.
    public static func parse(_ body: [SourceLine]) throws -> DerivationProgram {
        var program = DerivationProgram()
        // Meaningful lines with their first non-blank column.
        var items: [(text: String, location: SourceLocation, scalars: [Unicode.Scalar], start: Int)] = []
        for line in body {
            let scalars = Array(line.text.unicodeScalars)
            var start = 0
            while start < scalars.count, scalars[start] == " " || scalars[start] == "\t" { start += 1 }
            let rest = String(String.UnicodeScalarView(scalars[start...])).trimmingTrailingWhitespace()
            if rest.isEmpty || rest.hasPrefix("#") { continue }
            items.append((rest, line.location.advanced(byColumns: start), scalars, start))
        }
        func continues(after index: Int) -> Bool {
            var k = index + 1
            while k < items.count, items[k].text.hasPrefix("tex:") { k += 1 }
            guard k < items.count else { return false }
            let next = items[k].text
            return (next.hasPrefix("=") && !next.hasPrefix("==")) || next.hasPrefix("grad ") || next.hasPrefix("grad\t")
        }
        for (index, item) in items.enumerated() {
            let text = item.text, here = item.location
            if text.hasPrefix("tex:") {
                guard !program.lines.isEmpty, program.lines.last!.tex == nil, index > 0, !items[index - 1].text.hasPrefix("tex:"),
                      program.lines.last!.location == items[index - 1].location else {
                    throw Diagnostic.error("'tex:' must follow the line of the chain it typesets", at: here,
                                           hint: "write it on the line right after a step, e.g. tex: \\sigma(A)")
                }
                let tex = String(text.dropFirst(4)).trimmingCharacters(in: .whitespaces)
                let offset = text.unicodeScalars.count - tex.unicodeScalars.count
                program.lines[program.lines.count - 1].tex = tex
                program.lines[program.lines.count - 1].texLocation = here.advanced(byColumns: text.unicodeScalars.count == 4 ? 4 : offset)
            } else if text.hasPrefix("="), !text.hasPrefix("==") {
                guard !program.lines.isEmpty else {
                    throw Diagnostic.error("a step '= …' needs a line above it to equal", at: here,
                                           hint: "start the chain with an expression, e.g. J = -mean(sum(Y * log(softmax(A)), axis=1))")
                }
                let (source, offset) = after(item.scalars, from: item.start + 1)
                let expression = try ExpressionParser.parse(source, at: here.advanced(byColumns: offset - item.start))
                program.lines.append(Line(kind: .step, expression: expression, location: here))
            } else if text.hasPrefix("grad ") || text.hasPrefix("grad\t") {
                let scalars = item.scalars
                var i = item.start + 4
                while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
                let nameStart = i
                while i < scalars.count, scalars[i].properties.isAlphabetic || scalars[i] == "_" || ("0"..."9").contains(scalars[i]) { i += 1 }
                let name = String(String.UnicodeScalarView(scalars[nameStart..<i]))
                while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
                guard !name.isEmpty, i < scalars.count, scalars[i] == ":" else {
                    throw Diagnostic.error("expected 'grad NAME: FORMULA'", at: here.advanced(byColumns: i - item.start),
                                           hint: "e.g. grad A: (softmax(A) - Y) / N")
                }
                guard program.lines.contains(where: { if case .gradient = $0.kind { false } else { true } }) else {
                    throw Diagnostic.error("'grad \(name):' needs a scalar line above it to differentiate", at: here,
                                           hint: "start the chain with the loss, e.g. J = -mean(sum(Y * log(softmax(A)), axis=1))")
                }
                let (source, offset) = after(scalars, from: i + 1)
                let expression = try ExpressionParser.parse(source, at: here.advanced(byColumns: offset - item.start))
                program.lines.append(Line(kind: .gradient(name), expression: expression, location: here))
            } else {
                let statement = try ExpressionParser.parseStatement(text, at: here)
                if statement.binding != nil && !continues(after: index) {
                    guard program.lines.isEmpty else {
                        throw Diagnostic.error("a definition after the chain has started", at: here,
                                               hint: "write definitions such as Y = onehot(y, 10) before the first line of the chain")
                    }
                    program.definitions.append(statement)
                } else {
                    program.lines.append(Line(kind: .start(statement.binding), expression: statement, location: here))
                }
            }
        }
        guard program.lines.count >= 2 else {
            throw Diagnostic.error("a derivation needs at least two lines to compare", at: items.last?.location ?? body.first?.location,
                                   hint: "write the first expression, then '= …' steps or 'grad NAME: …' lines under it")
        }
        return program
    }

    /// The trimmed text from `start` and the offset where it begins.
    private static func after(_ scalars: [Unicode.Scalar], from start: Int) -> (String, Int) {
        var i = min(start, scalars.count)
        while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 }
        return (String(String.UnicodeScalarView(scalars[i...])).trimmingTrailingWhitespace(), i)
    }
}
