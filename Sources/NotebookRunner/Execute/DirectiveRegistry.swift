import Foundation

/// The directives a run knows, looked up by name.
///
/// Adding a directive is one file (a type conforming to `Directive`) plus one line in
/// `standard`; the registry checks every cell against the directive's `spec` before the
/// directive reads it.
public struct DirectiveRegistry: Sendable {
    public let directives: [any Directive.Type]

    public init(_ directives: [any Directive.Type]) {
        self.directives = directives
    }

    /// Every directive nbrun ships.
    public static var standard: DirectiveRegistry {
        DirectiveRegistry([LoadDirective.self, ShowDirective.self, TrainDirective.self, EvaluateDirective.self,
                           EvalDirective.self, GradCheckDirective.self, DeriveDirective.self,
                           IDXHeaderDirective.self, ModelDirective.self, PlotDirective.self])
    }

    public var names: [String] { directives.map { $0.spec.name } }

    /// The names front matter and `-p` may set: every option some directive declares as
    /// inheriting, and the notebook-wide keys `seed` and `data-dir`.
    public var inheritableNames: [String] {
        let options = directives.flatMap { $0.spec.allOptions.filter(\.inherits).map(\.name) }
        return Array(Set(options + Self.notebookKeys)).sorted()
    }

    /// The names of `inheritableNames` that `notebook` reads: the options its cells' directives
    /// take, and the notebook keys.
    public func inheritableNames(readBy notebook: Notebook) -> Set<String> {
        let used = Set(notebook.cells.map(\.directive))
        let options = directives.filter { used.contains($0.spec.name) }.flatMap { $0.spec.allOptions.filter(\.inherits).map(\.name) }
        return Set(options + Self.notebookKeys)
    }

    /// Keys that configure the run rather than a cell option.
    public static let notebookKeys = ["seed", "data-dir"]

    /// The directive called `name`, or an error with the nearest known name.
    public func directive(named name: String, at location: SourceLocation) throws -> any Directive.Type {
        if let type = directives.first(where: { $0.spec.name == name }) { return type }
        let hint = Suggestion.nearest(to: name, in: names).map { "did you mean {\($0)}? " } ?? ""
        throw Diagnostic.error("unknown directive {\(name)}", at: location,
                               hint: hint + "known directives: " + names.map { "{\($0)}" }.joined(separator: ", "))
    }

    /// Builds the directive for `cell`, checking its arguments, options and body against the spec first.
    public func instantiate(_ cell: Cell, defaults: Defaults) throws -> any Directive {
        try Self.build(directive(named: cell.directive, at: cell.directiveLocation), from: cell, defaults: defaults)
    }

    /// Builds a directive of `type` for `cell` after checking the cell against its spec.
    public static func build<D: Directive>(_ type: D.Type, from cell: Cell, defaults: Defaults) throws -> D {
        let spec = type.spec
        try spec.arguments.check(cell.arguments, directive: spec.name, at: cell.directiveLocation)
        let known = spec.allOptions.map(\.name)
        var seen: [String: SourceLocation] = [:]
        for option in cell.options {
            guard known.contains(option.key) else {
                let nearest = Suggestion.nearest(to: option.key, in: known).map { "did you mean :\($0):? " } ?? ""
                throw Diagnostic.error("unknown option :\(option.key): for {\(spec.name)}", at: option.location,
                                       hint: nearest + "valid options: " + known.map { ":\($0):" }.joined(separator: " "))
            }
            if let first = seen[option.key] {
                throw Diagnostic.error("option :\(option.key): is given twice", at: option.location,
                                       hint: "the first is at line \(first.line); keep one")
            }
            seen[option.key] = option.location
        }
        if !spec.acceptsBody, let line = cell.body.first(where: { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw Diagnostic.error("{\(spec.name)} takes no body, but this line is not an option", at: line.location,
                                   hint: "options look like :key: value")
        }
        return try D(cell: cell, options: OptionValues(cell: cell, defaults: defaults))
    }
}
