import Foundation
@testable import NotebookRunner

/// Which references of a rendered corpus page fail to resolve, judged against the labels the page
/// defines as its author wrote them — read from the source, not from nbrun's target table, so a
/// kind of labelled block nbrun does not register shows up as a failure.
///
/// A label is defined by a directive's `:label:` or `:name:` option line (any directive, backtick
/// or colon fence), a `(label)=` line, a math `\label{x}` or `$$ … $$ (label)`, d2l's `:label:` and
/// `:eqlabel:`, Quarto's `{#x}` and `#| label: x`. Lines of code (the code of every code block the
/// parser found, examples of MyST syntax included) and inline code spans define nothing.
enum CorpusReferences {
    /// The labels `lines` define outside `codeLines` (1-based line numbers).
    static func definedLabels(_ lines: [String], codeLines: Set<Int>) -> Set<String> {
        var labels = Set<String>()
        var inOptions = false
        for (offset, raw) in lines.enumerated() where !codeLines.contains(offset + 1) {
            let line = withoutInlineCode(raw.drop { $0 == " " || $0 == ">" || $0 == "\t" })
            if line.firstMatch(of: directiveFence) != nil {
                inOptions = true
                continue
            }
            if inOptions, let option = line.firstMatch(of: optionLine) {
                if ["label", "name"].contains(String(option.1)) { labels.insert(String(option.2)) }
                continue
            }
            inOptions = false
            if let target = line.wholeMatch(of: targetLine) { labels.insert(String(target.1)) }
            if let chunk = line.wholeMatch(of: quartoChunkLabel) { labels.insert(String(chunk.1)) }
            if let dollar = line.firstMatch(of: dollarLabel) { labels.insert(String(dollar.1)) }
            for match in line.matches(of: d2lLabel) { labels.insert(String(match.2)) }
            for match in line.matches(of: texLabel) { labels.insert(String(match.1)) }
            for match in line.matches(of: pandocID) { labels.insert(String(match.1)) }
        }
        return labels
    }

    /// The source lines holding code: each code block's code (its option lines are not code).
    static func codeLines(of notebook: Notebook) -> Set<Int> {
        var lines = Set<Int>()
        for cell in notebook.codeCells {
            let first = cell.location.line + 1 + cell.linesBeforeCode
            let count = cell.error == nil ? cell.code.split(separator: "\n", omittingEmptySubsequences: false).count : 1
            lines.formUnion(first..<(first + count))
        }
        return lines
    }

    /// Every reference of `notebook` to a label in `defined` that does not resolve: no target, no
    /// number or title to show, a warning about it, or no link to its anchor in `html`.
    static func unresolved(_ notebook: Notebook, defined: Set<String>, diagnostics: [Diagnostic], html: String) -> [String] {
        var failures: [String] = []
        let warned = Dictionary(diagnostics.compactMap { diagnostic in diagnostic.location.map { ($0, diagnostic.message) } },
                                uniquingKeysWith: { first, _ in first })
        func fail(_ label: String, _ location: SourceLocation, _ why: String) {
            failures.append("\(location.line):\(location.column) '\(label)': \(why)")
        }
        for reference in notebook.references.inline {
            let labels: [String]
            var needsNumber = false
            switch reference.kind {
            case .ref, .link: labels = [reference.target]
            case .numref, .prfRef: labels = [reference.target]; needsNumber = reference.kind == .numref
            case .quarto(let bracketed):
                labels = bracketed ? RoleSyntax.quartoKeys(reference.target) : [reference.target]
                // Quarto's `@fig-x` shows a number; MyST's `@label` to an unnumbered target its title.
                needsNumber = labels.contains { ReferenceResolver.quartoKind($0) != nil }
            default: continue
            }
            for label in labels where defined.contains(label) {
                guard let target = notebook.references.targets.target(label) else {
                    fail(label, reference.targetLocation, "no target has this label")
                    continue
                }
                if let message = warned[reference.targetLocation] ?? warned[reference.location],
                   message.contains("label") || message.contains("number") {
                    fail(label, reference.targetLocation, message)
                } else if needsNumber && target.number == nil && target.kind != .section {
                    fail(label, reference.targetLocation, "\(target.kind) target without a number")
                } else if target.number == nil && target.title == nil && reference.text == nil && emptyLinkText(reference) {
                    fail(label, reference.targetLocation, "nothing to show: no number, no title")
                } else if !html.contains("href=\"#\(HTML.escape(target.anchor))\"") {
                    fail(label, reference.targetLocation, "no link to #\(target.anchor) on the page")
                } else if !html.contains("id=\"\(HTML.escape(target.anchor))\"") {
                    fail(label, reference.targetLocation, "the page has no element with id \(target.anchor)")
                }
            }
        }
        for reference in notebook.equations.references where defined.contains(reference.label) {
            guard let equation = notebook.equations.equation(reference.label) else {
                fail(reference.label, reference.location, "no equation has this label")
                continue
            }
            if !html.contains("href=\"#\(HTML.escape(EquationTable.anchor(equation.label)))\"") {
                fail(reference.label, reference.location, "no link to the equation on the page")
            }
        }
        return failures
    }

    private static func emptyLinkText(_ reference: InlineReference) -> Bool {
        if case .link(let text) = reference.kind { return text.isEmpty }
        return true
    }

    /// `line` with its inline code spans (`` `…` ``, ``` ``…`` ```) taken out.
    private static func withoutInlineCode(_ line: Substring) -> String {
        guard line.contains("`") else { return String(line) }
        var out = ""
        var rest = line[...]
        while let open = rest.firstIndex(of: "`") {
            let ticks = rest[open...].prefix { $0 == "`" }
            let after = rest[ticks.endIndex...]
            guard let close = after.range(of: String(ticks)) else { break }
            // A d2l role (`:label:`x``) keeps its backticks: the role is the label.
            if rest[..<open].hasSuffix(":") {
                out += rest[..<close.upperBound]
            } else {
                out += rest[..<open]
            }
            rest = after[close.upperBound...]
        }
        return out + rest
    }

    nonisolated(unsafe) private static let directiveFence = #/^(`{3,}|~{3,}|:{3,})\s*\{[^}\s]+\}/#
    nonisolated(unsafe) private static let optionLine = #/^:([\w-]+):\s*(\S*)/#
    nonisolated(unsafe) private static let targetLine = #/\(([^()\s]+)\)=\s*/#
    nonisolated(unsafe) private static let quartoChunkLabel = #/#\|\s*label:\s*(\S+)\s*/#
    nonisolated(unsafe) private static let dollarLabel = #/\$\$\s*\(([^()\s]+)\)\s*$/#
    nonisolated(unsafe) private static let d2lLabel = #/:(label|eqlabel):`([^`]+)`/#
    nonisolated(unsafe) private static let texLabel = #/\\label\{([^}]+)\}/#
    nonisolated(unsafe) private static let pandocID = #/\{#([A-Za-z][\w:.-]*)[\s}]/#
}
