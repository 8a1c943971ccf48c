import Foundation
import Testing
import JupyterKernel
@testable import NotebookRunner

/// The built `nbrun` binary rendering pages whose code runs in a real Jupyter kernel: a page
/// and its cached re-render, Ctrl-C during a code cell, and pages rendered side by side.
@Suite(.serialized, .enabled(if: (try? KernelSpec.find("python3")) != nil, "needs python3-ipykernel"))
struct KernelEndToEndTests {
    static func page(_ title: String, _ cells: [String]) -> String {
        "---\ntitle: \(title)\nkernelspec:\n  name: python3\n---\n\n# \(title)\n\n"
            + cells.map { "```{code-cell} python\n\($0)\n```\n" }.joined(separator: "\n")
    }

    func record(_ url: URL) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test(.timeLimit(.minutes(2))) func aKernelPageRendersAndItsRerenderStartsNoKernel() throws {
        let folder = try DataFixtures.temporaryDirectory("kernel-e2e")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.page("Squares", ["import numpy as np\nsquares = np.arange(5) ** 2", "print(squares.sum())", "squares"])
            .write(to: folder.appendingPathComponent("squares.md"), atomically: true, encoding: .utf8)

        let first = try NBRunProcess.run(["render", "squares.md", "-o", "out", "--reproducible"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("[code] python3 (line 9)"))
        let report = try String(contentsOf: folder.appendingPathComponent("out/squares.html"), encoding: .utf8)
        #expect(report.contains("30") && report.contains("array([ 0,  1,  4,  9, 16])"))
        #expect(try record(folder.appendingPathComponent("out/squares.json"))["kernel_starts"] as? Int == 1)

        let second = try NBRunProcess.run(["render", "squares.md", "-o", "out", "--reproducible"], in: folder)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!second.stderr.contains("[code] python3"))
        #expect(try record(folder.appendingPathComponent("out/squares.json"))["kernel_starts"] as? Int == 0)
        let cached = try String(contentsOf: folder.appendingPathComponent("out/squares.html"), encoding: .utf8)
        #expect(cached.contains("30") && cached.contains("array([ 0,  1,  4,  9, 16])") && cached.contains("nb-cell-cached"))
    }

    @Test(.timeLimit(.minutes(2))) func ctrlCDuringACodeCellInterruptsTheKernelWritesThePartialReportAndExits130() throws {
        let folder = try DataFixtures.temporaryDirectory("kernel-sigint")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.page("Forever", ["print('before')", "import time\nwhile True:\n    time.sleep(0.05)", "print('after')"])
            .write(to: folder.appendingPathComponent("forever.md"), atomically: true, encoding: .utf8)
        let result = try NBRunProcess.run(["render", "forever.md", "-o", "out", "--no-cache"], in: folder,
                                          sending: SIGINT, when: "[code] python3 (line 13)")
        #expect(result.status == 130, "\(result.stderr)")
        #expect(result.stderr.contains("forever.md:14:1: error: interrupted (Ctrl-C, SIGINT)"))
        let partial = try String(contentsOf: folder.appendingPathComponent("out/forever.html"), encoding: .utf8)
        #expect(partial.hasSuffix("</html>\n") && partial.contains("before") && partial.contains("interrupted (Ctrl-C, SIGINT)"))
        let json = try record(folder.appendingPathComponent("out/forever.json"))
        #expect(json["stop"] as? String == "interrupted" && json["signal"] as? String == "SIGINT")
        #expect((json["code_cells"] as? [[String: Any]])?.map { $0["status"] as? String } == ["ok", "error", "skipped"])
    }

    /// Each page's cell says it is there and waits for the other's: both meet only when the two
    /// kernels run at the same time. The windows each cell recorded overlap.
    @Test(.timeLimit(.minutes(3))) func twoKernelPagesRenderSideBySide() throws {
        let folder = try DataFixtures.temporaryDirectory("kernel-parallel")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (me, other) in [("a", "b"), ("b", "a")] {
            let cell = """
                import os, time
                start = time.time()
                open('\(me).here', 'w').close()
                while not os.path.exists('\(other).here') and time.time() < start + 60:
                    time.sleep(0.02)
                print('met' if os.path.exists('\(other).here') else 'alone', start, time.time())
                """
            try Self.page("Page \(me)", [cell]).write(to: folder.appendingPathComponent("\(me).md"), atomically: true, encoding: .utf8)
        }
        let result = try NBRunProcess.run(["render", "a.md", "b.md", "-j", "2", "-o", "out", "--no-cache", "--reproducible"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        // Written in the order given, as one after the other.
        let wrote = result.stderr.split(separator: "\n").filter { $0.hasPrefix("wrote ") }
        #expect(wrote == ["wrote out/a.html (ok)", "wrote out/b.html (ok)"])
        var windows: [ClosedRange<Double>] = []
        for name in ["a", "b"] {
            let code = try #require(try record(folder.appendingPathComponent("out/\(name).json"))["code_cells"] as? [[String: Any]])
            let text = try #require((code.first?["outputs"] as? [[String: Any]])?.first?["text"] as? String)
            let words = text.split(separator: " ")
            #expect(words.first == "met")
            let times = words.dropFirst().compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            try #require(times.count == 2)
            windows.append(times[0] ... times[1])
        }
        #expect(windows[0].overlaps(windows[1]))
    }

    @Test(.timeLimit(.minutes(3))) func pagesRenderedSideBySideAreTheBytesOfOneAfterTheOther() throws {
        let folder = try DataFixtures.temporaryDirectory("kernel-jobs")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.page("One", ["print(6 * 7)"]).write(to: folder.appendingPathComponent("one.md"), atomically: true, encoding: .utf8)
        try Self.page("Two", ["import math\nmath.pi"]).write(to: folder.appendingPathComponent("two.md"), atomically: true, encoding: .utf8)
        let serial = try NBRunProcess.run(["render", "one.md", "two.md", "-j", "1", "-o", "serial", "--no-cache", "--reproducible"], in: folder)
        let parallel = try NBRunProcess.run(["render", "one.md", "two.md", "-j", "2", "-o", "parallel", "--no-cache", "--reproducible"], in: folder)
        #expect(serial.status == 0 && parallel.status == 0, "\(serial.stderr)\n\(parallel.stderr)")
        for file in ["one.html", "one.json", "two.html", "two.json"] {
            #expect(try Data(contentsOf: folder.appendingPathComponent("serial/" + file))
                == (try Data(contentsOf: folder.appendingPathComponent("parallel/" + file))), "\(file)")
        }
        let bad = try NBRunProcess.run(["render", "one.md", "-j", "0"], in: folder)
        #expect(bad.status == 2 && bad.stderr.contains("-j expects"))
    }
}
