extension Diagnostic {
    /// `diagnostics` with each message shown at most `limit` times; the rest of a message's
    /// repeats become one warning at the first dropped one, saying how many more there were.
    /// (40,000 identical TeX warnings would otherwise print 40,000 lines.)
    public static func summarised(_ diagnostics: [Diagnostic], limit: Int = 5) -> [Diagnostic] {
        var counts: [String: Int] = [:]
        for diagnostic in diagnostics { counts[diagnostic.message, default: 0] += 1 }
        var seen: [String: Int] = [:]
        var out: [Diagnostic] = []
        for diagnostic in diagnostics {
            let index = seen[diagnostic.message, default: 0]
            seen[diagnostic.message] = index + 1
            if index < limit {
                out.append(diagnostic)
            } else if index == limit {
                let more = counts[diagnostic.message, default: 0] - limit
                out.append(.warning("\(more) more like this: \(diagnostic.message)", at: diagnostic.location,
                                    hint: "only the first \(limit) of each warning are listed"))
            }
        }
        return out
    }
}
