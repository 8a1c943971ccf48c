/// A name of the page's Jupyter kernel, as written in an option, with where it is written.
public struct KernelName: Sendable, Hashable {
    public var name: String
    public var location: SourceLocation
}

extension DirectiveOption where Value == [KernelName] {
    /// `:from-python:` of `{eval}` and `{derive}`: NumPy arrays of the page's kernel bound under
    /// their names for the cell's expressions.
    public static let fromPython = names("from-python", example: "X_train, W",
                                         help: "NumPy arrays of the page's Jupyter kernel, by name, bound under the same names for this cell's expressions (bool, integer or float; at most two axes).")

    /// Comma-separated Python names (`loss, grad`), each located.
    static func names(_ name: String, example: String, help: String) -> DirectiveOption<[KernelName]> {
        DirectiveOption<[KernelName]>(name, type: "name, …", default: nil, help: help) { text, location in
            var names: [KernelName] = []
            var offset = 0
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let leading = part.prefix { $0 == " " || $0 == "\t" }.count
                let word = part.trimmingCharacters(in: .whitespaces)
                let here = location.advanced(byColumns: offset + leading)
                offset += part.unicodeScalars.count + 1
                guard let first = word.unicodeScalars.first, first == "_" || first.properties.isAlphabetic,
                      word.unicodeScalars.allSatisfy({ $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }) else {
                    throw Diagnostic.error(word.isEmpty ? "option :\(name): has an empty name" : "option :\(name): '\(word)' is not a Python name",
                                           at: here, hint: "names separated by commas, e.g. :\(name): \(example)")
                }
                if let earlier = names.first(where: { $0.name == word }) {
                    throw Diagnostic.error("option :\(name): names \(word) twice", at: here, hint: "the first is at column \(earlier.location.column)")
                }
                names.append(KernelName(name: word, location: here))
            }
            return names
        }
    }
}
