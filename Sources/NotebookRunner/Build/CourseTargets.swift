import Foundation

/// The targets of a whole course: every page's labels, numbered as the manifest's `numbering`
/// says, so that `{eq}`, `{numref}`, `{ref}`, `[](#label)` and `[](other.md#label)` reach
/// another page's equation, figure or section.
///
/// `number(_:)` renumbers each page's own equations and targets in place (equation (3.2) in
/// chapter 3; (17) when numbering is continuous); `link(_:)` then gives each page the targets
/// of other pages its references name — each with the relative link to that page — and turns
/// the page's "unknown label" diagnostics for them into nothing, or, for labels no page has,
/// into course-wide ones with the nearest label of the whole course as a hint.
///
/// A page's numbers depend only on the pages' text (labels and their order), never on what
/// any page's cells computed.
struct CourseTargets {
    /// A label and the page (index into the course's pages) that has it.
    struct Located {
        var page: Int
        var target: Target?
        var equation: Equation?
    }

    let pages: [CourseManifest.Page]
    private(set) var byLabel: [String: Located] = [:]
    /// Each page's labels (and anchors), for links that name the page.
    private var onPage: [[String: Located]] = []
    /// Every label in reading order, explicit ones first, for did-you-mean.
    private(set) var labels: [String] = []

    init(pages: [CourseManifest.Page]) {
        self.pages = pages
    }

    /// Renumbers the equations and automatically numbered targets of `notebooks` (one per page,
    /// in reading order) by `numbering`, then records every label of the course.
    mutating func number(_ notebooks: inout [Notebook], numbering: CourseManifest.Numbering) {
        var offsets: [String: [String: Int]] = [:]
        for index in notebooks.indices {
            let chapter = pages[index].chapter
            let scope: String? = switch numbering {
            case .continuous: "course"
            case .chapter: chapter.map(String.init)
            case .page: nil
            }
            guard let scope else { continue }
            var used: [String: Int] = [:]
            func shown(_ counter: String, _ number: String) -> String? {
                guard let n = Int(number) else { return nil }
                used[counter] = max(used[counter] ?? 0, n)
                let value = (offsets[scope]?[counter] ?? 0) + n
                return numbering == .chapter ? "\(chapter ?? 0).\(value)" : String(value)
            }
            notebooks[index].equations.renumber { equation in equation.tagged ? nil : shown("equation", equation.number) }
            // Exercises, figures and theorem-like boxes: the number in their title and in references to them.
            var blockNumbers: [String: String] = [:]
            for block in notebooks[index].blocks.indices {
                let item = notebooks[index].blocks[block]
                guard let number = item.number, let counter = Self.counter(of: item) else { continue }
                guard let value = shown(counter, String(number)) else { continue }
                notebooks[index].blocks[block].displayNumber = value
                if item.kind == .exercise { blockNumbers[ProseBlockRenderer.anchor(item)] = value }
                if let label = item.label { blockNumbers[label] = value }
            }
            for block in notebooks[index].blocks.indices where notebooks[index].blocks[block].kind == .solution {
                if let exercise = notebooks[index].blocks[block].argument, let value = blockNumbers[exercise] {
                    notebooks[index].blocks[block].displayNumber = value
                }
            }
            let equations = notebooks[index].equations
            notebooks[index].references.targets.renumber { target in
                if target.kind == .equation { return equations.equation(target.label)?.number }
                if case .fixed(let number) = target.numbering, [.exercise, .figure, .theorem].contains(target.kind) {
                    // A block's number, else (a code cell's figure) the number its counter gives.
                    return blockNumbers[target.label] ?? blockNumbers[target.anchor] ?? shown(target.kind.rawValue + "/" + target.name, number)
                }
                if target.kind == .section, numbering == .chapter, let number = target.number { return "\(chapter ?? 0).\(number)" }
                guard target.numbering == .automatic, let number = target.number else { return nil }
                return shown(target.kind.rawValue + "/" + target.name, number)
            }
            for (counter, count) in used { offsets[scope, default: [:]][counter, default: 0] += count }
        }
        record(notebooks)
    }

    /// The counter a numbered block shares with targets of its kind ("exercise/Exercise",
    /// "figure/Figure", "theorem/Lemma"), nil for blocks that take no number.
    static func counter(of block: ProseBlock) -> String? {
        switch block.kind {
        case .exercise: return "exercise/Exercise"
        case .figure: return "figure/Figure"
        case .theorem:
            let kind = block.name.split(separator: ":").last.map(String.init) ?? block.name
            return "theorem/" + kind.prefix(1).uppercased() + kind.dropFirst()
        default: return nil
        }
    }

    private mutating func record(_ notebooks: [Notebook]) {
        var implicit: [String] = []
        for notebook in notebooks {
            var own: [String: Located] = [:]
            for target in notebook.references.targets.targets {
                own[target.anchor] = own[target.anchor] ?? Located(page: onPage.count, target: target)
                own[target.label] = Located(page: onPage.count, target: target)
            }
            for equation in notebook.equations.equations { own[equation.label] = Located(page: onPage.count, equation: equation) }
            onPage.append(own)
        }
        for (index, notebook) in notebooks.enumerated() {
            for equation in notebook.equations.equations where byLabel[equation.label] == nil {
                byLabel[equation.label] = Located(page: index, equation: equation)
                labels.append(equation.label)
            }
            for target in notebook.references.targets.targets {
                if var located = byLabel[target.label] {
                    if located.page == index, located.target == nil { located.target = target; byLabel[target.label] = located }
                    continue
                }
                byLabel[target.label] = Located(page: index, target: target)
                if target.implicit { implicit.append(target.label) } else { labels.append(target.label) }
            }
            for target in notebook.references.targets.targets where target.anchor != target.label && byLabel[target.anchor] == nil {
                byLabel[target.anchor] = Located(page: index, target: target)
            }
        }
        labels += implicit
    }

    /// The link from page `from` to `anchor` on page `to`: relative, so the site works from
    /// `file://` and under any path.
    func href(from: Int, to: Int, anchor: String) -> String {
        Self.relative(from: CourseManifest.htmlPath(of: pages[from].file), to: CourseManifest.htmlPath(of: pages[to].file)) + "#" + anchor
    }

    /// The path from the page at `from` to `to` (both relative to the site's root).
    static func relative(from: String, to: String) -> String {
        var folders = from.split(separator: "/").dropLast()
        var target = to.split(separator: "/", omittingEmptySubsequences: false)[...]
        while let folder = folders.first, target.count > 1, target.first == folder {
            folders.removeFirst()
            target.removeFirst()
        }
        return String(repeating: "../", count: folders.count) + target.joined(separator: "/")
    }

    /// Gives page `index` the targets of other pages that its references name, and replaces its
    /// "unknown label" diagnostics: dropped when another page has the label, else course-wide.
    func link(_ notebook: inout Notebook, page index: Int) {
        let original = notebook.references.targets
        var targets = original
        var ignored: [Diagnostic] = []
        var replaced: [Diagnostic: Diagnostic?] = [:]
        for reference in notebook.references.inline {
            switch reference.kind {
            case .ref, .numref, .prfRef, .link: break
            default: continue
            }
            let warning = original.unknown(reference.target, at: reference.targetLocation)
            guard notebook.warnings.contains(warning) else { continue }
            guard let located = byLabel[reference.target], located.page != index,
                  let target = located.target ?? located.equation.map(Self.target) else {
                replaced[warning] = unknown(reference.target, at: reference.targetLocation, severity: .warning)
                continue
            }
            var foreign = target
            foreign.page = String(href(from: index, to: located.page, anchor: "").dropLast())
            foreign.implicit = true
            targets.register(foreign, into: &ignored)
            replaced[warning] = .some(nil)
        }
        notebook.references.targets = targets
        var equations = notebook.equations
        for reference in notebook.equations.references where equations.equation(reference.label) == nil {
            if let located = byLabel[reference.label], located.page != index, var equation = located.equation {
                equation.page = String(href(from: index, to: located.page, anchor: "").dropLast())
                for resolved in equations.adopt(equation) { replaced[resolved] = .some(nil) }
            } else {
                let error = notebook.errors.first { $0.message == "unknown equation label '\(reference.label)'" && $0.location == reference.location }
                if let error { replaced[error] = unknown(reference.label, at: reference.location, severity: .error, equation: true) }
            }
        }
        notebook.equations = equations
        func apply(_ list: [Diagnostic]) -> [Diagnostic] {
            list.compactMap { diagnostic in replaced[diagnostic].map { $0 } ?? diagnostic }
        }
        notebook.warnings = apply(notebook.warnings)
        notebook.errors = apply(notebook.errors)
    }

    /// An equation as a target, for `[](#label)` and `{numref}` from another page.
    static func target(_ equation: Equation) -> Target {
        Target(label: equation.label, kind: .equation, anchor: EquationTable.anchor(equation.label), numbering: .fixed(equation.number),
               location: equation.location)
    }

    /// `unknown label 'x'` with the nearest label of the whole course.
    func unknown(_ label: String, at location: SourceLocation, severity: Diagnostic.Severity, equation: Bool = false) -> Diagnostic {
        let candidates = equation ? labels.filter { byLabel[$0]?.equation != nil } : labels
        let near = Suggestion.nearest(to: label, in: candidates).map { name -> String in
            let page = byLabel[name].map { pages[$0.page].file } ?? ""
            return "did you mean '\(name)' (\(page))? "
        } ?? ""
        let what = equation ? "equation label" : "label"
        return Diagnostic(severity, "unknown \(what) '\(label)': no page of the course has it", at: location,
                          hint: near + (equation ? "label an equation with $$ … $$ (\(label))" : "label a target with (\(label))= on the line before it"))
    }

    /// The target `label` names on page `to` (its label or its anchor), for a Markdown link
    /// `[](other.md#label)`: its anchor, the text an empty link shows ("(3.2)", "Figure 4.1", a
    /// section's title) and the link's tooltip ("Equation (3.2)").
    func resolve(_ label: String, onPage to: Int) -> (anchor: String, text: String, tooltip: String)? {
        guard to < onPage.count, let located = onPage[to][label] else { return nil }
        if let equation = located.equation {
            return (EquationTable.anchor(equation.label), "(\(equation.number))", "\(Target.Kind.equation.defaultName) (\(equation.number))")
        }
        guard let target = located.target else { return nil }
        let title = target.title.map(Placeholder.removingTokens(from:))
        let text = target.numberedName.map { target.kind == .equation ? "(\(target.number ?? ""))" : $0 } ?? title ?? target.label
        return (target.anchor, text, [target.numberedName, title].compactMap { $0 }.joined(separator: ": "))
    }
}

extension CourseTargets {
    /// The label of page `page` nearest to `label`, for a did-you-mean.
    func nearest(_ label: String, onPage page: Int) -> String? {
        page < onPage.count ? Suggestion.nearest(to: label, in: onPage[page].keys.sorted()) : nil
    }
}
