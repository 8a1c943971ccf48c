import Foundation
import Testing
@testable import NotebookRunner

/// Signals sent to the real binary while it trains on Fashion-MNIST: the partial report
/// and record are written, finished reports are untouched, the exit status is 128 + N.
@Suite(.enabled(if: DataFixtures.hasFashionMNIST, "needs /usr/share/datasets/fashion-mnist"))
struct SignalTests {
    static let quick = """
        # Quick

        ```{eval}
        :label: values
        softmax([1, 2, 3])
        ```

        Three is {eval}`1 + 2`.
        """

    static let long = """
        # Long

        ```{load} fashion-mnist
        :label: data
        ```

        ```{train} softmax
        :label: train
        :epochs: 500
        ```

        Accuracy {eval}`train.test_accuracy:.1%`.
        """

    func workspace() throws -> URL {
        let folder = try DataFixtures.temporaryDirectory("signals")
        try Self.quick.write(to: folder.appendingPathComponent("quick.md"), atomically: true, encoding: .utf8)
        try Self.long.write(to: folder.appendingPathComponent("long.md"), atomically: true, encoding: .utf8)
        return folder
    }

    func record(_ url: URL) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    var dataArguments: [String] { ["--reproducible", "--no-cache", "--data-dir", DataFixtures.fashionMNIST.deletingLastPathComponent().path] }

    @Test func ctrlCDuringTheSecondNotebookLeavesTheFirstReportAloneAndExits130() throws {
        let folder = try workspace()
        let reference = try NBRunProcess.run(["render", "quick.md", "-o", "reference"] + dataArguments, in: folder)
        #expect(reference.status == 0, "\(reference.stderr)")

        let result = try NBRunProcess.run(["render", "quick.md", "long.md", "-o", "out"] + dataArguments, in: folder,
                                          sending: SIGINT, when: "{train} train")
        #expect(result.status == 130, "\(result.stderr)")
        #expect(result.stderr.contains("long.md:7:1: error: interrupted (Ctrl-C, SIGINT): the run was stopped"))

        let first = try Data(contentsOf: folder.appendingPathComponent("out/quick.html"))
        #expect(first == (try Data(contentsOf: folder.appendingPathComponent("reference/quick.html"))))
        #expect(try record(folder.appendingPathComponent("out/quick.json"))["stop"] as? String == "finished")

        let partial = try String(contentsOf: folder.appendingPathComponent("out/long.html"), encoding: .utf8)
        #expect(partial.hasPrefix("<!DOCTYPE html>") && partial.hasSuffix("</html>\n"))
        #expect(partial.contains("interrupted (Ctrl-C, SIGINT)"))
        let json = try record(folder.appendingPathComponent("out/long.json"))
        #expect(json["status"] as? String == "error")
        #expect(json["stop"] as? String == "interrupted")
        #expect(json["signal"] as? String == "SIGINT")
        #expect((json["cells"] as? [[String: Any]])?.map { $0["status"] as? String } == ["ok", "error"])
    }

    @Test(arguments: [(SIGTERM, "SIGTERM", Int32(143)), (SIGHUP, "SIGHUP", Int32(129))])
    func terminationSignalsWriteThePartialReportAndExit128PlusN(signal: Int32, name: String, status: Int32) throws {
        let folder = try workspace()
        let result = try NBRunProcess.run(["render", "long.md", "-o", "out"] + dataArguments, in: folder,
                                          sending: signal, when: "{train} train")
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains("long.md:7:1: error: interrupted (\(name)): the run was stopped"))
        let html = try String(contentsOf: folder.appendingPathComponent("out/long.html"), encoding: .utf8)
        #expect(html.contains("interrupted (\(name))"))
        let json = try record(folder.appendingPathComponent("out/long.json"))
        #expect(json["stop"] as? String == "interrupted")
        #expect(json["signal"] as? String == name)
    }
}
