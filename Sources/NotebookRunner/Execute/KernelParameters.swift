import Foundation

/// `-p key=value` values for a page's `parameters`-tagged code cell (papermill's convention):
/// after that cell runs, a cell assigning them is injected and run, and the report shows it
/// as such.
public struct KernelParameters: Sendable, Equatable {
    /// In the order given on the command line.
    public var values: [(key: String, value: String)] = []

    public init(values: [(key: String, value: String)] = []) { self.values = values }

    public static func == (a: KernelParameters, b: KernelParameters) -> Bool {
        a.values.map(\.key) == b.values.map(\.key) && a.values.map(\.value) == b.values.map(\.value)
    }

    /// The papermill tag of the injected cell.
    static let injectedTag = "injected-parameters"

    /// The injected cell's code: one assignment per value, as a Python literal the way papermill
    /// reads `-p`: an integer, a float, `True`/`False`/`None` as written, anything else a string.
    var code: String {
        (["# Parameters (nbrun -p)"] + values.map { "\($0.key) = \(Self.literal($0.value))" }).joined(separator: "\n")
    }

    static func literal(_ value: String) -> String {
        if ["True", "False", "None"].contains(value) || Int(value) != nil { return value }
        if let number = Double(value), number.isFinite, value.range(of: #"^[+-]?[0-9.]+([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil {
            return value
        }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                quoted += scalar.value < 0x20 || scalar.value == 0x7F ? String(format: "\\x%02x", scalar.value) : String(scalar)
            }
        }
        return quoted + "\""
    }

    /// The names a parameters cell assigns at its top level (`lr = 0.1`, `epochs: int = 5`,
    /// `a, b = 1, 2`), in order.
    static func names(assignedIn code: String) -> [String] {
        var names: [String] = []
        for line in code.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let first = line.first, first.isLetter || first == "_" else { continue }
            let statement = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let equals = statement.firstIndex(of: "="),
                  statement.index(after: equals) == statement.endIndex || statement[statement.index(after: equals)] != "=" else { continue }
            let target = statement[..<equals]
            guard !target.contains(where: { "!<>(".contains($0) }) else { continue }
            for part in target.split(separator: ",") {
                let name = part.split(separator: ":").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                if name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil, !names.contains(name) {
                    names.append(name)
                }
            }
        }
        return names
    }
}

extension KernelParameters {
    /// Takes `-p key=value` when the page's code reads it: when the page names a kernel (`kernel`)
    /// and its `parameters` cell assigns `key`. Returns false for a key nbrun's own cells on this
    /// page read (`readByPage`, of all of nbrun's keys `nbrunKeys`: the caller sets it for them), so
    /// `-p alpha=5` is the code's `alpha` on a page with no `{train}` whose `:alpha:` would refuse 5,
    /// and `seed` is set for both; throws a located error for any other key: the page has no
    /// parameters cell, or that cell does not assign `key` (with the nearest name it does assign).
    mutating func claim(_ key: String, _ value: String, notebook: Notebook, kernel: String?,
                        nbrunKeys: [String], readByPage: Set<String>) throws -> Bool {
        guard let kernel else { return false }
        let cell = notebook.codeCells.first { $0.isExecutable && $0.isParameters }
        let names = cell.map { Self.names(assignedIn: $0.code) } ?? []
        if names.contains(key) {
            values.removeAll { $0.key == key }
            values.append((key, value))
            // A name both sides read (`seed`) is set for both.
            return !readByPage.contains(key)
        }
        if readByPage.contains(key) { return false }
        guard let cell else {
            let location = notebook.frontMatter.kernel?.location
                ?? notebook.codeCells.first(where: \.isExecutable)?.location ?? SourceLocation(file: notebook.file, line: 1)
            throw Diagnostic.error("unknown parameter '\(key)' (-p \(key)=\(value)): the page runs its code in \(kernel) but has no code cell tagged `parameters` for -p to override",
                                   at: location,
                                   hint: "tag the cell that sets the page's parameters (`:tags: [parameters]`, or `#| tags: [parameters]`); "
                                       + "-p also sets these options of this page's nbrun cells: " + readByPage.sorted().joined(separator: ", "))
        }
        let nearest = Suggestion.nearest(to: key, in: names + nbrunKeys).map { "did you mean '\($0)'? " } ?? ""
        throw Diagnostic.error("unknown parameter '\(key)' (-p \(key)=\(value)): the parameters cell does not assign '\(key)'",
                               at: cell.location,
                               hint: nearest + "the parameters cell assigns " + (names.isEmpty ? "nothing" : names.joined(separator: ", ")))
    }
}
