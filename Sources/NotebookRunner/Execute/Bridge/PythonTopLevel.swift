/// Where a character stands at the top level of a Python expression — outside strings (`'…'`,
/// `"…"`, with backslash escapes) and brackets (`()`, `[]`, `{}`): the commas that separate
/// `:args:` (`W, X[:64, 0]`), the colon before an inline value's format (`acc:.1%`, not the one
/// in `x[1:3]` or `{"a": 1}`).
enum PythonTopLevel {
    /// The offsets in `scalars` of every top-level `character`.
    static func offsets(of character: Unicode.Scalar, in scalars: [Unicode.Scalar]) -> [Int] {
        var found: [Int] = []
        var depth = 0
        var quote: Unicode.Scalar?
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if let open = quote {
                if c == "\\" { i += 1 } else if c == open { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "(" || c == "[" || c == "{" {
                depth += 1
            } else if c == ")" || c == "]" || c == "}" {
                depth -= 1
            } else if c == character, depth == 0 {
                found.append(i)
            }
            i += 1
        }
        return found
    }
}
