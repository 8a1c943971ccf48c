import Foundation
import Testing
@testable import NotebookRunner

/// The option declarations are the one source of truth: reading, checking, help and docs follow them.
@Suite struct OptionDeclarationTests {
    func cell(_ directive: String, _ arguments: [String] = [], _ options: [(String, String)]) -> Cell {
        DataFixtures.cell(directive, arguments, options)
    }

    @Test func rangesAreTheDeclaredOnes() {
        // :tol: is declared > 0 and ≤ 0.01: zero is refused.
        let zero = DataFixtures.diagnostic { _ = try GradCheckDirective(cell: cell("gradcheck", ["softmax"], [("tol", "0")]), defaults: Defaults()) }
        #expect(zero?.message == "option :tol: is 0; it must be > 0 and ≤ 0.01")
        // :samples: of {eval} is declared 1…100000, and help says so.
        var eval = cell("eval", [], [("samples", "100001")])
        eval.body = [SourceLine(text: "1", location: SourceLocation(file: "notebook.md", line: 3))]
        let tooMany = DataFixtures.diagnostic { _ = try EvalDirective(cell: eval, defaults: Defaults()) }
        #expect(tooMany?.message == "option :samples: is 100001, outside 1…100000")
        #expect(EvalDirective.spec.options.first { $0.name == "samples" }?.valueType == "integer 1…100000")
    }

    @Test func onlyInheritingOptionsReadFrontMatter() throws {
        var defaults = Defaults()
        defaults.set("count", "7", at: nil)
        defaults.set("start", "3", at: nil)
        let show = try ShowDirective(cell: cell("show", [], []), defaults: defaults)
        #expect(show.selection == .range(start: 0, count: 7))
        #expect(ShowDirective.spec.options.first { $0.name == "count" }?.inherits == true)
        #expect(ShowDirective.spec.options.first { $0.name == "start" }?.inherits == false)
        #expect(DirectiveRegistry.standard.inheritableNames.contains("count"))
        #expect(!DirectiveRegistry.standard.inheritableNames.contains("start"))
    }

    @Test func argumentsAreCheckedAgainstTheSpec() {
        let typo = DataFixtures.diagnostic { _ = try ShowDirective(cell: cell("show", ["predictons"], []), defaults: Defaults()) }
        #expect(typo?.message == "{show} does not know 'predictons'")
        #expect(typo?.hint?.hasPrefix("did you mean 'predictions'?") == true)
        let extra = DataFixtures.diagnostic { _ = try ShowDirective(cell: cell("show", ["predictions", "test", "now"], []), defaults: Defaults()) }
        #expect(extra?.message == "{show} takes 0 or 1 or 2 words, got 'predictions test now'")
        #expect(ShowDirective.spec.arguments.usage == "[train|test | predictions | predictions train|test | weights | activations | activations train|test]")
    }

    /// The option tables in docs/ are the declarations' own: a test compares them, and
    /// `NBRUN_RECORD_DOCS=1` rewrites them (then the run fails, so a recording never passes silently).
    @Test func docsTablesMatchTheDeclarations() throws {
        let docs = DataFixtures.repositoryRoot.appendingPathComponent("docs")
        let record = ProcessInfo.processInfo.environment["NBRUN_RECORD_DOCS"] != nil
        var found: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: docs.path).sorted() where file.hasSuffix(".md") {
            let url = docs.appendingPathComponent(file)
            var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
            var changed = false
            for type in DirectiveRegistry.standard.directives {
                guard let marker = lines.firstIndex(of: type.spec.markdownTableMarker) else { continue }
                found.insert(type.spec.name)
                var end = marker + 1
                while end < lines.count, lines[end].hasPrefix("|") { end += 1 }
                let table = type.spec.markdownOptionTable.components(separatedBy: "\n")
                if Array(lines[(marker + 1) ..< end]) != table {
                    if record {
                        lines.replaceSubrange((marker + 1) ..< end, with: table)
                        changed = true
                    } else {
                        Issue.record("docs/\(file): the option table of {\(type.spec.name)} differs from its declarations")
                    }
                }
            }
            if changed {
                try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
                Issue.record("docs/\(file): recorded the option tables; run again without NBRUN_RECORD_DOCS")
            }
        }
        #expect(found == Set(DirectiveRegistry.standard.names), "every directive has an option table in docs/")
    }
}

/// docs/compatibility.md holds the table `Compatibility` declares, between two marker lines.
@Suite struct CompatibilityDocsTests {
    @Test func docsCompatibilityTableMatchesTheDeclaration() throws {
        try GeneratedDocs.expect("compatibility.md", between: Compatibility.docsBegin, and: Compatibility.docsEnd,
                                 holds: Compatibility.markdown, from: "Compatibility's declaration")
    }
}
