import Foundation

/// The directives a run knows, looked up by name.
public struct DirectiveRegistry {
    public let directives: [any Directive.Type]

    public init(_ directives: [any Directive.Type]) {
        self.directives = directives
    }

    /// Every directive nbrun ships.
    public static var standard: DirectiveRegistry {
        DirectiveRegistry([LoadDirective.self, ShowDirective.self, TrainDirective.self, EvaluateDirective.self,
                           EvalDirective.self, GradCheckDirective.self,
                           IDXHeaderDirective.self])
    }

    public var names: [String] { directives.map { $0.spec.name } }

    /// The directive called `name`, or an error with the nearest known name.
    public func directive(named name: String, at location: SourceLocation) throws -> any Directive.Type {
        if let type = directives.first(where: { $0.spec.name == name }) { return type }
        let hint = Suggestion.nearest(to: name, in: names).map { "did you mean {\($0)}? " } ?? ""
        throw Diagnostic.error("unknown directive {\(name)}", at: location,
                               hint: hint + "known directives: " + names.map { "{\($0)}" }.joined(separator: ", "))
    }

    /// Builds the directive for `cell`, checking its options against the spec first.
    public func instantiate(_ cell: Cell, defaults: Defaults) throws -> any Directive {
        let type = try directive(named: cell.directive, at: cell.directiveLocation)
        let spec = type.spec
        let known = spec.allOptions.map(\.name)
        for option in cell.options where !known.contains(option.key) {
            let nearest = Suggestion.nearest(to: option.key, in: known).map { "did you mean :\($0):? " } ?? ""
            throw Diagnostic.error("unknown option :\(option.key): for {\(spec.name)}", at: option.location,
                                   hint: nearest + "valid options: " + known.map { ":\($0):" }.joined(separator: " "))
        }
        if !spec.acceptsBody, let line = cell.body.first(where: { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw Diagnostic.error("{\(spec.name)} takes no body, but this line is not an option", at: line.location,
                                   hint: "options look like :key: value")
        }
        return try type.init(cell: cell, defaults: defaults)
    }
}
