/// A token of the expression language with its offset (in Unicode scalars).
struct ExpressionToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case number(Double)
        case identifier(String)
        /// Operators and punctuation: `+ - * / @ ** < <= > >= == != = ( ) [ ] , . : ;`.
        case symbol(String)
        case end
    }

    var kind: Kind
    var offset: Int
    var length: Int

    var text: String {
        switch kind {
        case .number(let value): return value.description
        case .identifier(let name): return name
        case .symbol(let symbol): return symbol
        case .end: return "end of expression"
        }
    }

    /// How an error message names this token.
    var quoted: String {
        if case .end = kind { return "the end of the expression" }
        return "'\(text)'"
    }
}

/// Splits expression source into tokens; throws a Diagnostic at any stray character.
struct ExpressionLexer {
    let scalars: [Unicode.Scalar]
    let origin: SourceLocation

    init(_ source: String, origin: SourceLocation) {
        self.scalars = Array(source.unicodeScalars)
        self.origin = origin
    }

    /// Where a hyphenated label that continues at `index` ends, or nil when none does.
    private func labelEnd(after index: Int) -> Int? {
        var i = index
        var sawHyphen = false
        while i + 1 < scalars.count, scalars[i] == "-", isIdentifierPart(scalars[i + 1]) {
            sawHyphen = true
            i += 1
            while i < scalars.count, isIdentifierPart(scalars[i]) { i += 1 }
        }
        guard sawHyphen, i + 1 < scalars.count, scalars[i] == ".", isIdentifierStart(scalars[i + 1]) else { return nil }
        var j = i + 1
        while j < scalars.count, isIdentifierPart(scalars[j]) { j += 1 }
        return ["T", "shape"].contains(string(i + 1 ..< j)) ? nil : i
    }

    func tokens() throws -> [ExpressionToken] {
        var result: [ExpressionToken] = []
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\t" {
                i += 1
                continue
            }
            let start = i
            if isDigit(c) || (c == "." && i + 1 < scalars.count && isDigit(scalars[i + 1]) && !followsOperand(result)) {
                result.append(try number(from: &i))
                continue
            }
            if isIdentifierStart(c) {
                while i < scalars.count, isIdentifierPart(scalars[i]) { i += 1 }
                // A hyphenated cell label before a metric reads as one name: `cell-3.seconds`,
                // `right-sgd.test_accuracy`. Written without spaces and followed by `.name`
                // other than the tensor members `.T` and `.shape`, so `X-Y.T` stays a subtraction.
                if let end = labelEnd(after: i) { i = end }
                result.append(ExpressionToken(kind: .identifier(string(start..<i)), offset: start, length: i - start))
                continue
            }
            let two = i + 1 < scalars.count ? string(i..<i + 2) : ""
            if ["**", "==", "!=", "<=", ">="].contains(two) {
                result.append(ExpressionToken(kind: .symbol(two), offset: start, length: 2))
                i += 2
                continue
            }
            if "+-*/@=()[],.:<>;".unicodeScalars.contains(c) {
                result.append(ExpressionToken(kind: .symbol(String(c)), offset: start, length: 1))
                i += 1
                continue
            }
            var hint: String?
            switch c {
            case "^": hint = "write powers as a ** b"
            case "×", "·": hint = "write '*' for elementwise products and '@' for the matrix product"
            case "−": hint = "this is a Unicode minus sign; write '-'"
            case "!": hint = "write != for 'not equal'; there is no logical not (1 - x flips a 0/1 tensor)"
            case "≤", "≥", "≠": hint = "write <=, >= or !="
            case "{", "}": hint = "use parentheses ( ) for grouping and [ ] for literals"
            default: break
            }
            throw Diagnostic.error("unexpected character '\(c)' in expression", at: origin.advanced(byColumns: start), hint: hint)
        }
        result.append(ExpressionToken(kind: .end, offset: scalars.count, length: 0))
        return result
    }

    /// Whether a `.` here is member access (after a name, `)` or `]`) rather than a number.
    private func followsOperand(_ tokens: [ExpressionToken]) -> Bool {
        guard let last = tokens.last else { return false }
        switch last.kind {
        case .identifier, .number: return true
        case .symbol(let s): return s == ")" || s == "]"
        case .end: return false
        }
    }

    private func number(from i: inout Int) throws -> ExpressionToken {
        let start = i
        while i < scalars.count, isDigit(scalars[i]) { i += 1 }
        if i < scalars.count, scalars[i] == ".", !(i + 1 < scalars.count && isIdentifierStart(scalars[i + 1]) && scalars[i + 1] != "e" && scalars[i + 1] != "E") {
            i += 1
            while i < scalars.count, isDigit(scalars[i]) { i += 1 }
        }
        if i < scalars.count, scalars[i] == "e" || scalars[i] == "E" {
            var j = i + 1
            if j < scalars.count, scalars[j] == "+" || scalars[j] == "-" { j += 1 }
            if j < scalars.count, isDigit(scalars[j]) {
                i = j
                while i < scalars.count, isDigit(scalars[i]) { i += 1 }
            }
        }
        let text = string(start..<i)
        guard let value = Double(text) else {
            throw Diagnostic.error("malformed number '\(text)'", at: origin.advanced(byColumns: start))
        }
        if i < scalars.count, isIdentifierStart(scalars[i]) {
            throw Diagnostic.error("unexpected '\(scalars[i])' right after the number \(text)", at: origin.advanced(byColumns: i),
                                   hint: "write products with '*', e.g. 2 * x")
        }
        return ExpressionToken(kind: .number(value), offset: start, length: i - start)
    }

    private func string(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }

    private func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    /// Letters (Greek ones included, e.g. σ), or `_`.
    private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" || (c.value > 127 && c.properties.isAlphabetic)
    }
    private func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || isDigit(c) }
}
