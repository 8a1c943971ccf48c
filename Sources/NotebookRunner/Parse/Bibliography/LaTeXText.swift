import Foundation

/// The text of a BibTeX value: accents (`\"o`, `{\'e}`, `\c{c}`), special letters (`\ss`, `\o`, `\aa`),
/// escaped characters (`\&`), dashes (`--`), ties (`~`) and text commands (`\emph{x}` → x) read;
/// braces and `$` dropped. Linear in the length, never fails.
enum LaTeXText {
    /// Combining marks of the accent commands.
    private static let accents: [String: Unicode.Scalar] = [
        "'": "\u{0301}", "`": "\u{0300}", "^": "\u{0302}", "\"": "\u{0308}", "~": "\u{0303}", "=": "\u{0304}",
        ".": "\u{0307}", "u": "\u{0306}", "v": "\u{030C}", "H": "\u{030B}", "c": "\u{0327}", "k": "\u{0328}",
        "r": "\u{030A}", "d": "\u{0323}", "b": "\u{0331}",
    ]
    private static let letters: [String: String] = [
        "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
        "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
        "textendash": "–", "textemdash": "—", "ldots": "…", "dots": "…", "textquoteright": "’", "textquoteleft": "‘",
        "LaTeX": "LaTeX", "TeX": "TeX", "copyright": "©", "S": "§", "P": "¶", "textregistered": "®",
    ]

    static func plain(_ value: String) -> String {
        let s = Array(value.unicodeScalars)
        var out = String.UnicodeScalarView()
        var pendingAccent: Unicode.Scalar?
        func emit(_ scalar: Unicode.Scalar) {
            out.append(scalar)
            if let accent = pendingAccent, scalar.properties.isAlphabetic {
                out.append(accent)
                pendingAccent = nil
            }
        }
        var i = 0
        while i < s.count {
            let c = s[i]
            switch c {
            case "{", "}", "$":
                i += 1
            case "~":
                emit(" ")
                i += 1
            case "-":
                var n = 0
                while i + n < s.count, s[i + n] == "-", n < 3 { n += 1 }
                emit(n == 1 ? "-" : n == 2 ? "–" : "—")
                i += n
            case "\\":
                guard i + 1 < s.count else { i += 1; continue }
                let next = s[i + 1]
                if next.properties.isAlphabetic {
                    var j = i + 1
                    while j < s.count, s[j].properties.isAlphabetic, j - i < 32 { j += 1 }
                    let name = String(String.UnicodeScalarView(s[(i + 1)..<j]))
                    while j < s.count, s[j] == " " { j += 1 }
                    if name.unicodeScalars.count == 1, let accent = accents[name] {
                        pendingAccent = accent
                    } else if let letter = letters[name] {
                        letter.unicodeScalars.forEach(emit)
                    }
                    // Any other command (\emph, \textit, …): its argument stays as text.
                    i = j
                } else if let accent = accents[String(next)] {
                    pendingAccent = accent
                    i += 2
                } else {
                    if next != "\\" { emit(next) } else { emit(" ") }
                    i += 2
                }
            default:
                if c.properties.isWhitespace {
                    if out.last != " " { out.append(" ") }
                } else {
                    emit(c)
                }
                i += 1
            }
        }
        return String(out).precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
    }
}
