/// A person's name as BibTeX splits it: "First von Last, Jr" — from "First von Last",
/// "von Last, First" or "von Last, Jr, First". A braced group is one word (`{Barnes and Noble}`);
/// lowercase words before the last name are its "von" part. `others` means "et al.".
public struct BibName: Sendable, Hashable {
    public var first = ""
    public var von = ""
    public var last = ""
    public var jr = ""
    /// `and others`.
    public var isOthers = false

    /// The surname as a citation shows it: "van der Waals".
    public var surname: String { von.isEmpty ? last : von + " " + last }

    /// "Goodfellow, I." — for the reference list.
    public var listed: String {
        let initials = first.split(whereSeparator: { $0 == " " || $0 == "-" }).compactMap(\.first).map { "\($0)." }.joined(separator: " ")
        return initials.isEmpty ? surname : "\(surname), \(initials)"
    }

    /// The names of an `author` value, split at ` and ` outside braces.
    static func list(_ value: String) -> [BibName] {
        var names: [String] = []
        var current = "", depth = 0
        let words = value.split(omittingEmptySubsequences: true) { $0 == " " || $0 == "\n" || $0 == "\t" }
        for word in words {
            let opening = word.count { $0 == "{" }, closing = word.count { $0 == "}" }
            if depth == 0 && word.lowercased() == "and" {
                names.append(current)
                current = ""
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
            depth = max(0, depth + opening - closing)
        }
        names.append(current)
        return names.filter { !$0.isEmpty }.map(BibName.init(parsing:))
    }

    init(parsing raw: String) {
        if raw.lowercased() == "others" { isOthers = true; return }
        // Split at commas outside braces, then each part into words outside braces.
        var parts: [[String]] = [[]]
        var word = "", depth = 0
        func endWord() { if !word.isEmpty { parts[parts.count - 1].append(word) }; word = "" }
        for c in raw {
            if c == "{" { depth += 1 }
            if c == "}" { depth = max(0, depth - 1) }
            if depth == 0 && c == "," { endWord(); parts.append([]); continue }
            if depth == 0 && (c == " " || c == "~" || c == "\t" || c == "\n") { endWord(); continue }
            word.append(c)
        }
        endWord()
        let text = { (words: ArraySlice<String>) in LaTeXText.plain(words.joined(separator: " ")) }
        func isLower(_ word: String) -> Bool {
            guard !word.hasPrefix("{") else { return false }
            let plain = LaTeXText.plain(word)
            return plain.first.map { $0.isLowercase } ?? false
        }
        func splitVonLast(_ words: [String]) -> (von: String, last: String) {
            guard words.count > 1 else { return ("", text(words[...])) }
            var vonEnd = -1
            for index in 0..<(words.count - 1) where isLower(words[index]) { vonEnd = index }
            return (text(words[0...max(0, vonEnd)].prefix(vonEnd + 1)), text(words[(vonEnd + 1)...]))
        }
        let filled = parts.filter { !$0.isEmpty }
        switch filled.count {
        case 0:
            return
        case 1:
            let words = filled[0]
            guard let vonStart = words.dropLast().firstIndex(where: isLower) else {
                first = text(words.dropLast())
                last = text(words.suffix(1))
                return
            }
            first = text(words[..<vonStart])
            (von, last) = splitVonLast(Array(words[vonStart...]))
        case 2:
            (von, last) = splitVonLast(filled[0])
            first = text(filled[1][...])
        default:
            (von, last) = splitVonLast(filled[0])
            jr = text(filled[1][...])
            first = text(filled[2...].flatMap { $0 }[...])
        }
    }
}
