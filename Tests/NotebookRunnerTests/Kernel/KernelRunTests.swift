import Foundation
import Testing
import JupyterKernel
@testable import NotebookRunner

/// The code cells' run as a whole, in real kernels: the cache (an unchanged page starts no
/// kernel), `-p` and the `parameters` cell, time limits, a kernel that dies, and outputs meant
/// to harm the report.
@Suite(.serialized, .enabled(if: (try? KernelSpec.find("python3")) != nil, "needs python3-ipykernel"))
struct KernelRunTests {
    /// A folder holding `page.md` (and whatever else a test writes), rendered into `out/`.
    struct Workspace {
        let folder: URL
        var page: URL { folder.appendingPathComponent("page.md") }

        init(_ text: String) throws {
            folder = try DataFixtures.temporaryDirectory("kernel-run")
            try write(text)
        }

        func write(_ text: String, to name: String = "page.md") throws {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }

        func render(parameters: [(String, String)] = [], configure: (inout RunSettings) -> Void = { _ in }) throws -> (Pipeline.Outcome, String) {
            var settings = RunSettings(outputDirectory: folder.appendingPathComponent("out"), reproducible: true)
            for (key, value) in parameters { settings.defaults.set(key, value, at: nil) }
            configure(&settings)
            let outcome = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent)).render(page, file: "page.md")
            return (outcome, try String(contentsOf: outcome.report, encoding: .utf8))
        }

        func record() throws -> [String: Any] {
            try #require(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/page.json"))) as? [String: Any])
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func page(_ cells: [String]) -> String {
        "---\ntitle: Code\nkernelspec:\n  name: python3\n---\n\n# Code\n\n" + cells.map { "```{code-cell} python\n\($0)\n```\n" }.joined(separator: "\n")
    }

    static func statuses(_ outcome: Pipeline.Outcome) -> [CellStatus] {
        guard let run = outcome.run else { return [] }
        return run.codeRuns.keys.sorted().map { run.codeRuns[$0]!.status }
    }

    // MARK: Cache

    @Test(.timeLimit(.minutes(2))) func anUnchangedPageRerendersWithoutStartingAKernel() throws {
        let space = try Workspace(Self.page(["x = 40", "print(x + 2)", "print(open('data.txt').read().strip())"]))
        defer { space.remove() }
        try space.write("first version", to: "data.txt")

        let (first, firstReport) = try space.render()
        #expect(!first.failed, "\(first.diagnostics)")
        #expect(first.run?.kernelStarts == 1)
        #expect(firstReport.contains("42") && firstReport.contains("first version"))

        let (second, secondReport) = try space.render()
        #expect(second.run?.kernelStarts == 0)
        #expect(Self.statuses(second) == [.cached, .cached, .cached])
        #expect(secondReport.contains("42") && secondReport.contains("first version"))
        let record = try space.record()
        #expect(record["kernel_starts"] as? Int == 0)
        let code = try #require(record["code_cells"] as? [[String: Any]])
        #expect(code.map { $0["status"] as? String } == ["cached", "cached", "cached"])
        #expect((code[1]["outputs"] as? [[String: Any]])?.first?["text"] as? String == "42\n")

        // A file the code reads changed: that cell runs again, in a kernel that first re-ran the
        // cells before it (restored from the cache) to rebuild its state.
        try space.write("second version", to: "data.txt")
        let (third, thirdReport) = try space.render()
        #expect(third.run?.kernelStarts == 1)
        #expect(Self.statuses(third) == [.cached, .cached, .ok])
        #expect(thirdReport.contains("second version"))

        // An earlier cell changed: it and every later one run again (the kernel state they see changed).
        try space.write(Self.page(["x = 50", "print(x + 2)", "print(open('data.txt').read().strip())"]))
        let (fourth, fourthReport) = try space.render()
        #expect(Self.statuses(fourth) == [.ok, .ok, .ok])
        #expect(fourthReport.contains("52"))

        // A later cell changed: the one before is restored and re-run in the kernel first.
        try space.write(Self.page(["x = 50", "print(x + 3)", "print(open('data.txt').read().strip())"]))
        let (fifth, fifthReport) = try space.render()
        #expect(Self.statuses(fifth) == [.cached, .ok, .ok])
        #expect(fifthReport.contains("53"))
        #expect(fifth.run?.kernelStarts == 1)
    }

    @Test func theKeyCoversTheKernelspecAndTheFilesTheCodeNames() throws {
        let folder = try DataFixtures.temporaryDirectory("kernel-key")
        defer { try? FileManager.default.removeItem(at: folder) }
        try "1,2".write(to: folder.appendingPathComponent("w.csv"), atomically: true, encoding: .utf8)
        let cell = CodeCell(directive: "code-cell", language: "python", options: [:],
                            code: "import numpy as np\nw = np.loadtxt(\"w.csv\", delimiter=',')\nprint('not a file.txt')",
                            location: SourceLocation(file: "page.md", line: 3))
        #expect(cell.namedFiles(relativeTo: folder) == [folder.appendingPathComponent("w.csv").standardizedFileURL])
        let a = CacheKey.code(previous: "", source: cell.keyedSource, kernelspec: "python3", inputDigests: [])
        let b = CacheKey.code(previous: "", source: cell.keyedSource, kernelspec: "python3-other", inputDigests: [])
        let c = CacheKey.code(previous: "", source: cell.keyedSource, kernelspec: "python3", inputDigests: [("w.csv", "00")])
        let d = CacheKey.code(previous: a, source: cell.keyedSource, kernelspec: "python3", inputDigests: [])
        #expect(Set([a, b, c, d]).count == 4)
    }

    // MARK: Parameters

    static let parametersPage = page([":tags: [parameters]\nalpha = 1\nname: str = \"base\"", "print(alpha * 2, name)"])

    @Test(.timeLimit(.minutes(2))) func dashPOverridesTheParametersCellThroughAnInjectedCell() throws {
        let space = try Workspace(Self.parametersPage)
        defer { space.remove() }
        let (outcome, report) = try space.render(parameters: [("alpha", "5"), ("name", "it's \"me\"")])
        #expect(!outcome.failed, "\(outcome.diagnostics)")
        #expect(report.contains("nb-injected-parameters") && report.contains("Injected parameters (-p)"))
        let code = try #require(try space.record()["code_cells"] as? [[String: Any]])
        #expect((code[0]["injected_parameters"] as? String)?.contains("alpha = 5") == true)
        #expect((code[1]["outputs"] as? [[String: Any]])?.first?["text"] as? String == "10 it's \"me\"\n")

        // Without -p the cell's own values hold.
        let (plain, plainReport) = try space.render()
        #expect(!plain.failed && plainReport.contains("2 base") && !plainReport.contains("nb-injected-parameters"))
    }

    @Test func anUnknownParameterIsALocatedErrorWithTheNearestName() throws {
        let space = try Workspace(Self.parametersPage)
        defer { space.remove() }
        let (outcome, _) = try space.render(parameters: [("alpah", "5")])
        #expect(outcome.stopReason == .usageError)
        let error = try #require(outcome.diagnostics.first)
        #expect(error.message.contains("unknown parameter 'alpah'"))
        #expect(error.location == SourceLocation(file: "page.md", line: 9, column: 1))
        #expect(error.hint?.contains("did you mean 'alpha'?") == true)
    }

    @Test func aNameBothTheCodeAndNbrunsCellsReadIsSetForBoth() throws {
        let page = "---\ntitle: Both\nkernelspec:\n  name: python3\n---\n\n```{code-cell} python\n:tags: [parameters]\nseed = 1\n```\n"
        let notebook = try NotebookParser.parse(SourceText(file: "page.md", text: page), directives: DirectiveRegistry.standard.names)
        var parameters = KernelParameters()
        #expect(try parameters.claim("seed", "7", notebook: notebook, kernel: "python3", nbrunKeys: ["alpha", "lr", "seed"],
                                     readByPage: ["seed", "lr"]) == false)
        #expect(parameters.values.map(\.key) == ["seed"] && parameters.code.hasSuffix("seed = 7"))
        #expect(try parameters.claim("lr", "0.5", notebook: notebook, kernel: "python3", nbrunKeys: ["alpha", "lr", "seed"],
                                     readByPage: ["seed", "lr"]) == false)
        #expect(parameters.values.count == 1)
    }

    /// An option of nbrun's that no cell of the page reads (`:alpha:` of `{train}`) leaves the
    /// name to the code: `-p alpha=5` is not checked against `{train}`'s range.
    @Test func aNameOnlyTheCodeReadsIsTheCodes() throws {
        let page = "---\ntitle: Code\nkernelspec:\n  name: python3\n---\n\n```{code-cell} python\n:tags: [parameters]\nalpha = 1\n```\n"
        let notebook = try NotebookParser.parse(SourceText(file: "page.md", text: page), directives: DirectiveRegistry.standard.names)
        let readByPage = DirectiveRegistry.standard.inheritableNames(readBy: notebook)
        #expect(!readByPage.contains("alpha") && readByPage.contains("seed"))
        var parameters = KernelParameters()
        #expect(try parameters.claim("alpha", "5", notebook: notebook, kernel: "python3", nbrunKeys: ["alpha", "seed"],
                                     readByPage: readByPage) == true)
        #expect(parameters.code.hasSuffix("alpha = 5"))
    }

    @Test func withNoExecuteTheParametersCellsNamesAreStillKnown() throws {
        let space = try Workspace(Self.parametersPage)
        defer { space.remove() }
        let (outcome, report) = try space.render(parameters: [("alpha", "5")]) { $0.executesCode = false }
        #expect(!outcome.failed, "\(outcome.diagnostics)")
        #expect(outcome.run?.kernelStarts == 0 && !report.contains("nb-injected-parameters"))
    }

    @Test func aParameterForAPageWithoutAParametersCellIsALocatedError() throws {
        let space = try Workspace(Self.page(["alpha = 1"]))
        defer { space.remove() }
        let (outcome, _) = try space.render(parameters: [("alpha", "5")])
        #expect(outcome.stopReason == .usageError)
        let error = try #require(outcome.diagnostics.first)
        #expect(error.message.contains("no code cell tagged `parameters`"))
        #expect(error.location?.line == 3)
    }

    @Test func theParametersCellsNamesAndTheInjectedLiterals() {
        #expect(KernelParameters.names(assignedIn: "a = 1\nb: int = 2\nc, d = 3, 4\nif a == 1:\n    e = 5\nf == 2\nprint(a)") == ["a", "b", "c", "d"])
        #expect(KernelParameters.literal("3") == "3" && KernelParameters.literal("0.5") == "0.5" && KernelParameters.literal("True") == "True")
        #expect(KernelParameters.literal("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"")
        #expect(KernelParameters.literal("1e400") == "\"1e400\"" && KernelParameters.literal("nan") == "\"nan\"")
    }

    // MARK: Time limits and a dying kernel

    @Test(.timeLimit(.minutes(2))) func aCellPastItsTimeoutIsInterruptedAndTheRunStops() throws {
        let space = try Workspace(Self.page(["print('before')", ":timeout: 1\nwhile True: pass", "print('after')"]))
        defer { space.remove() }
        let (outcome, report) = try space.render()
        #expect(Self.statuses(outcome) == [.ok, .error, .skipped])
        let error = try #require(outcome.diagnostics.first { $0.message.contains("timed out") })
        #expect(error.message.contains("interrupted after 1 s"))
        #expect(error.location == SourceLocation(file: "page.md", line: 15, column: 1))
        #expect(report.contains("the cell timed out"))
    }

    @Test(.timeLimit(.minutes(2))) func theRunsTimeoutInterruptsTheKernelAndStopsTheRun() throws {
        let space = try Workspace(Self.page(["while True: pass", "print('after')"]))
        defer { space.remove() }
        let (outcome, report) = try space.render { $0.runTimeout = 3 }
        #expect(outcome.stopReason == .timedOut)
        #expect(Self.statuses(outcome) == [.error, .skipped])
        let error = try #require(outcome.diagnostics.first { $0.message.contains("--timeout 3") })
        #expect(error.message.hasSuffix("; the kernel was interrupted"))
        #expect(error.location == SourceLocation(file: "page.md", line: 10, column: 1))
        #expect(!report.contains("after</pre>"))
    }

    @Test(.timeLimit(.minutes(2))) func quartosTimeoutOptionAndKeepGoingUseTheSameKernel() throws {
        let space = try Workspace(Self.page(["y = 7", "#| timeout: 1\nwhile True: pass", "print(y * 6)"]))
        defer { space.remove() }
        let (outcome, report) = try space.render { $0.keepGoing = true }
        #expect(Self.statuses(outcome) == [.ok, .error, .ok])
        #expect(report.contains("42"))
    }

    @Test func aTimeoutThatIsNotANumberIsALocatedError() throws {
        let space = try Workspace(Self.page([":timeout: soon\nprint(1)"]))
        defer { space.remove() }
        let (outcome, _) = try space.render()
        let error = try #require(outcome.diagnostics.first { $0.message.contains("timeout 'soon'") })
        #expect(error.location?.line == 9)
        #expect(outcome.run?.kernelStarts == 0)
    }

    @Test(.timeLimit(.minutes(2))) func aKernelThatDiesIsALocatedErrorAndLaterCellsAreNotRun() throws {
        let space = try Workspace(Self.page(["x = 1", "import os\nos._exit(1)", "print('after')"]))
        defer { space.remove() }
        let (outcome, report) = try space.render()
        #expect(Self.statuses(outcome) == [.ok, .error, .skipped])
        let error = try #require(outcome.diagnostics.first { $0.message.contains("died") })
        #expect(error.message.hasPrefix("the kernel died while running this cell"))
        #expect(error.location == SourceLocation(file: "page.md", line: 14, column: 1))
        #expect(report.contains("the kernel died while running this cell"))
        #expect(!report.contains("after</pre>"))
    }

    @Test(.timeLimit(.minutes(2))) func withKeepGoingTheCellAfterADeadKernelRunsInAFreshOne() throws {
        let space = try Workspace(Self.page(["x = 1", "import os\nos._exit(1)", "print('x' in globals())"]))
        defer { space.remove() }
        let (outcome, report) = try space.render { $0.keepGoing = true }
        #expect(Self.statuses(outcome) == [.ok, .error, .ok])
        #expect(outcome.run?.kernelStarts == 2)
        #expect(report.contains("False"))
    }

    // MARK: Outputs meant to harm the report

    @Test(.timeLimit(.minutes(2))) func scriptsHandlersAndFloodsCannotReachTheReport() throws {
        let space = try Workspace(Self.page([
            "from IPython.display import HTML, SVG, display\ndisplay(HTML('<p>table</p><script>alert(1)</script><img src=x onerror=alert(2)>'))",
            "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(3)\"><circle r=\"4\"/><script>alert(4)</script></svg>'))",
            "import sys\nsys.stdout.write('x' * 100_000_000)",
            "display(HTML('<b>' + 'y' * 40_000_000 + '</b>'))",
            "print('still here')",
        ]))
        defer { space.remove() }
        let (outcome, report) = try space.render()
        #expect(!outcome.failed, "\(outcome.diagnostics)")
        // (The code listings show the attack escaped, `&lt;script&gt;`; no live tag or handler may remain.)
        let scripts = report.components(separatedBy: "<script").count - 1
        let handlers = report.range(of: #"<[^>]*\son[a-z]+\s*="#, options: [.regularExpression, .caseInsensitive]) != nil
        let bytes = report.utf8.count
        #expect(scripts == 0)
        #expect(!handlers)
        let checks = [report.contains("<p>table</p>"), report.contains("<circle"),
                      report.contains("default-src 'none'") && !report.contains("script-src"),
                      report.contains("more bytes of printed text were not kept"),
                      report.contains("of displayed output (HTML, images, …) were not kept"),
                      report.contains("still here")]
        #expect(checks == [true, true, true, true, true, true])
        #expect(bytes < 2_000_000)
    }
}
