import NotebookRunner

/// The directive reference printed by `nbrun --help`.
enum DirectiveHelp {
    static func text(for registry: DirectiveRegistry) -> String {
        var lines = ["DIRECTIVES (fenced code blocks ```{name} arguments, options as :key: value lines):"]
        for type in registry.directives {
            let spec = type.spec
            lines.append("")
            lines.append("  {\(spec.name)} \(spec.arguments.usage)")
            lines.append("      \(spec.summary)")
            for option in spec.allOptions {
                let fallback = option.defaultText.map { " (default \($0))" } ?? ""
                let inherits = option.inherits ? " [front matter, -p]" : ""
                lines.append("      :\(option.name): \(option.valueType) — \(option.help)\(fallback)\(inherits)")
            }
        }
        lines.append("")
        lines.append("EXIT STATUS: 0 all cells ran, 1 a cell or the notebook failed (or --timeout passed), 2 usage error,")
        lines.append("  128+N stopped by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP); the report and record are written in every case.")
        return lines.joined(separator: "\n")
    }
}
