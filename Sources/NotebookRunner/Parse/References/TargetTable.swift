/// Every target of a page, by label: the one table all references resolve against.
///
/// Whatever the parser recognises as numbered or linkable registers itself here with one call,
/// then the table is finished (numbered) and the references are resolved:
///
/// ```swift
/// var targets = TargetTable()
/// // a MyST figure with `:name: fig-net` and its caption:
/// targets.register(Target(label: "fig-net", kind: .figure, title: "The network", location: at), into: &warnings)
/// // a `{prf:lemma}` box, numbered in its own counter ("Lemma 1", "Lemma 2", …):
/// targets.register(Target(label: "lem-bound", kind: .theorem, name: "Lemma", title: "A bound", location: at), into: &warnings)
/// // a heading numbered by the parser itself:
/// targets.register(Target(label: "sec-intro", kind: .section, title: "Intro", numbering: .fixed("1"), location: at), into: &warnings)
/// targets.finish()   // automatic numbers: per kind and name, in document order
/// ```
///
/// - `label` is what references name; `anchor` the HTML id the page must carry (the label unless
///   given). The code that registers a target writes that id on the page.
/// - `.automatic` targets are numbered by `finish()` 1, 2, … per counter (kind + name), ordered by
///   their location, so registration order does not matter.
/// - A label registered twice keeps its first target; the second is a located warning.
/// - `title` may hold placeholder tokens; the renderer substitutes them.
///
/// Equations keep their own `EquationTable` (numbers, `\tag`, checks); the parser registers each
/// labelled equation here too (kind `.equation`, its number fixed), so `{numref}`, `[](#label)`
/// and Quarto's `@eq-x` reach them.
public struct TargetTable: Sendable {
    public private(set) var targets: [Target] = []
    private var byLabel: [String: Int] = [:]

    public init() {}

    /// The target labelled `label`, if any.
    public func target(_ label: String) -> Target? {
        byLabel[label].map { targets[$0] }
    }

    /// Adds `target`; a label already taken is a warning appended to `diagnostics` (the first
    /// target keeps it). An implicit target (a heading's slug) never shadows an explicit one
    /// and is dropped silently when its label is taken.
    public mutating func register(_ target: Target, into diagnostics: inout [Diagnostic]) {
        if let previous = byLabel[target.label] {
            if targets[previous].implicit && !target.implicit {
                targets[previous] = target
            } else if !target.implicit {
                diagnostics.append(.warning("label '\(target.label)' is already used at line \(targets[previous].location.line)",
                                            at: target.location, hint: "give each target its own label"))
            }
            return
        }
        byLabel[target.label] = targets.count
        targets.append(target)
    }

    /// Numbers every `.automatic` target: one counter per kind and name, in document order.
    public mutating func finish() {
        var counters: [String: Int] = [:]
        let order = targets.indices.sorted {
            (targets[$0].location.line, targets[$0].location.column, $0) < (targets[$1].location.line, targets[$1].location.column, $1)
        }
        for index in order where targets[index].numbering == .automatic {
            let key = targets[index].kind.rawValue + "/" + targets[index].name
            counters[key, default: 0] += 1
            targets[index].number = String(counters[key]!)
        }
    }

    /// Gives each target the number `number` returns for it (a course's "3.2"), or keeps its own
    /// when that is nil.
    public mutating func renumber(_ number: (Target) -> String?) {
        for index in targets.indices {
            if let new = number(targets[index]) { targets[index].number = new }
        }
    }

    /// `file:line:col: warning: unknown label 'x'`, with the nearest label and the explicit labels as a hint.
    public func unknown(_ label: String, at location: SourceLocation, severity: Diagnostic.Severity = .warning) -> Diagnostic {
        let explicit = targets.filter { !$0.implicit }.map(\.label)
        let near = Suggestion.nearest(to: label, in: targets.map(\.label)).map { "did you mean '\($0)'? " } ?? ""
        let list = explicit.isEmpty ? "no target has a label yet: write (\(label))= on the line before a heading"
            : "labels: " + explicit.prefix(20).joined(separator: ", ") + (explicit.count > 20 ? ", …" : "")
        return Diagnostic(severity, "unknown label '\(label)'", at: location, hint: near + list)
    }
}
