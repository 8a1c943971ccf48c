/// Splits TeX math source into tokens, dropping `%` comments; runs in linear time.
enum TeXTokenizer {
    static func tokenize(_ scalars: [Unicode.Scalar]) -> [TeXToken] {
        var tokens: [TeXToken] = []
        tokens.reserveCapacity(scalars.count + 1)
        var i = 0
        let n = scalars.count
        while i < n {
            let c = scalars[i]
            let start = i
            switch c {
            case "\\":
                i += 1
                if i >= n {
                    tokens.append(TeXToken(kind: .command(""), offset: start))
                } else if isLetter(scalars[i]) {
                    var name = String.UnicodeScalarView()
                    while i < n, isLetter(scalars[i]) {
                        name.append(scalars[i])
                        i += 1
                    }
                    tokens.append(TeXToken(kind: .command(String(name)), offset: start))
                } else {
                    tokens.append(TeXToken(kind: .command(String(Character(scalars[i]))), offset: start))
                    i += 1
                }
            case "%":
                while i < n, scalars[i] != "\n" { i += 1 }
            case "{":
                tokens.append(TeXToken(kind: .beginGroup, offset: start)); i += 1
            case "}":
                tokens.append(TeXToken(kind: .endGroup, offset: start)); i += 1
            case "^":
                tokens.append(TeXToken(kind: .superscript, offset: start)); i += 1
            case "_":
                tokens.append(TeXToken(kind: .subscript, offset: start)); i += 1
            case "&":
                tokens.append(TeXToken(kind: .alignment, offset: start)); i += 1
            default:
                if isSpace(c) {
                    while i < n, isSpace(scalars[i]) { i += 1 }
                    tokens.append(TeXToken(kind: .space, offset: start))
                } else {
                    tokens.append(TeXToken(kind: .char(c), offset: start))
                    i += 1
                }
            }
        }
        tokens.append(TeXToken(kind: .end, offset: n))
        return tokens
    }

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r"
    }
}
