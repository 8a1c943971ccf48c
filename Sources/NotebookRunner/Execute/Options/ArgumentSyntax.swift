/// The words a directive accepts after `{name}`, as data the registry checks.
///
/// Each form is a sequence of words; each word is a set of choices. `{show}` accepts
/// nothing, `train|test`, `predictions`, `predictions train|test` or `weights`:
///
/// ```swift
/// ArgumentSyntax([], [["train", "test"]], [["predictions"]], [["predictions"], ["train", "test"]], [["weights"]])
/// ```
/// A directive's `init` then only has to interpret words already known to fit one form.
public struct ArgumentSyntax: Sendable, Hashable {
    public var forms: [[[String]]]

    public init(_ forms: [[String]]...) {
        self.forms = forms
    }

    public init(forms: [[[String]]]) {
        self.forms = forms
    }

    /// No arguments at all.
    public static let none = ArgumentSyntax([])

    /// Nothing, or one of `words`.
    public static func optional(_ words: [String]) -> ArgumentSyntax { ArgumentSyntax([], [words]) }

    /// Exactly one of `words`.
    public static func one(of words: [String]) -> ArgumentSyntax { ArgumentSyntax([words]) }

    /// The usage line for help, e.g. `[train|test | predictions [train|test] | weights]`.
    public var usage: String {
        let written = forms.filter { !$0.isEmpty }.map { form in
            form.map { $0.joined(separator: "|") }.joined(separator: " ")
        }
        let alternatives = written.joined(separator: " | ")
        return forms.contains(where: \.isEmpty) && !alternatives.isEmpty ? "[\(alternatives)]" : alternatives
    }

    /// Throws a located error unless `arguments` fit one of the forms.
    func check(_ arguments: [String], directive: String, at location: SourceLocation) throws {
        if forms.contains(where: { form in
            form.count == arguments.count && zip(form, arguments).allSatisfy { $0.contains($1) }
        }) { return }
        let examples = forms.map { form in
            (["{\(directive)}"] + form.map { $0[0] }).joined(separator: " ")
        }
        let hint = "write " + examples.joined(separator: ", or ")
        let lengths = Set(forms.map(\.count))
        guard lengths.contains(arguments.count) else {
            let most = lengths.max() ?? 0
            let what = most == 0 ? "takes no argument"
                : lengths == [0, 1] ? "takes at most one word"
                : "takes \(lengths.sorted().map(String.init).joined(separator: " or ")) word\(most == 1 ? "" : "s")"
            throw Diagnostic.error("{\(directive)} \(what), got '\(arguments.joined(separator: " "))'", at: location, hint: hint)
        }
        // The first word no form of this length accepts at its position.
        for (position, word) in arguments.enumerated() {
            let choices = forms.filter { $0.count == arguments.count && zip($0, arguments).prefix(position).allSatisfy { $0.contains($1) } }
                .flatMap { $0[position] }
            if !choices.contains(word) {
                let nearest = Suggestion.nearest(to: word, in: choices).map { "did you mean '\($0)'? " } ?? ""
                throw Diagnostic.error("{\(directive)} does not know '\(word)'", at: location, hint: nearest + hint)
            }
        }
        throw Diagnostic.error("{\(directive)} does not take '\(arguments.joined(separator: " "))'", at: location, hint: hint)
    }
}
