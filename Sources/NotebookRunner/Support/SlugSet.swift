/// Makes URL-fragment identifiers from heading or label text, unique within one page.
struct SlugSet {
    private var used: [String: Int] = [:]

    /// `"Cross-entropy, derived!"` → `cross-entropy-derived`; repeats get `-2`, `-3`, ….
    mutating func unique(for text: String) -> String {
        let base = Self.slug(text)
        let count = used[base, default: 0] + 1
        used[base] = count
        return count == 1 ? base : "\(base)-\(count)"
    }

    /// Lowercased letters and digits (any script) joined by single hyphens.
    static func slug(_ text: String) -> String {
        var result = ""
        var pendingHyphen = false
        for character in Placeholder.removingTokens(from: text).lowercased() {
            if character.isLetter || character.isNumber {
                if pendingHyphen && !result.isEmpty { result.append("-") }
                pendingHyphen = false
                result.append(character)
            } else {
                pendingHyphen = true
            }
        }
        return result.isEmpty ? "section" : result
    }
}
