import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import NotebookRunner

/// `nbrun preview` as a writer uses it: the binary on a free port, the notebook edited on disk,
/// the page fetched over HTTP.
@Suite(.serialized) final class PreviewTests {
    let folder: URL
    let notebook: URL
    var process: Process?

    static let text = """
        ---
        title: Preview
        ---

        # Softmax

        The first version of this paragraph.

        ```{eval}
        :label: probabilities
        softmax([1, 2, 3])
        ```

        The largest probability is {eval}`probabilities.max:.3f`.
        """

    init() throws {
        folder = try DataFixtures.temporaryDirectory("preview")
        notebook = folder.appendingPathComponent("notebook.md")
        try Self.text.write(to: notebook, atomically: true, encoding: .utf8)
    }

    deinit {
        process?.terminate()
        process?.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts `nbrun preview` on a free port; returns its base URL once it serves.
    func start() throws -> URL {
        let process = Process()
        process.executableURL = NBRunProcess.binary
        process.arguments = ["preview", "notebook.md", "-o", "out", "--port", "0"]
        process.currentDirectoryURL = folder
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        let address = try #require(text.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") })
        return try #require(URL(string: String(address)))
    }

    /// The body of a GET, or nil when the server does not answer.
    static func get(_ url: URL) -> String? {
        final class Box: @unchecked Sendable { var text: String? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 5)) { data, _, _ in
            box.text = data.map { String(decoding: $0, as: UTF8.self) }
            done.signal()
        }.resume()
        done.wait()
        return box.text
    }

    /// Polls `url` until its body satisfies `condition`; returns the body and the seconds it took.
    static func poll(_ url: URL, timeout: Double = 10, until condition: (String) -> Bool) -> (String?, Double) {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if let body = get(url), condition(body) { return (body, Date().timeIntervalSince(start)) }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return (nil, timeout)
    }

    func record() throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("out/notebook.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func cellStatuses() throws -> [String] {
        (try record()["cells"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
    }

    @Test func aProseEditIsServedPromptlyAndRunsNoCell() throws {
        let base = try start()
        let (first, _) = Self.poll(base) { $0.contains("The first version") }
        let page = try #require(first)
        #expect(page.contains("The largest probability is"))
        let nonce = try #require(page.firstMatch(of: /<script nonce="([0-9a-f]{32})">/)?.1)
        #expect(page.contains("script-src 'nonce-\(nonce)'; connect-src 'self';"))
        #expect(Self.get(base.appendingPathComponent("version")) == "1")
        #expect(try cellStatuses() == ["ok"])
        // The report written to disk is the plain one: no script, the strict policy.
        let written = try String(contentsOf: folder.appendingPathComponent("out/notebook.html"), encoding: .utf8)
        #expect(!written.contains("<script"))
        #expect(written.contains("content=\"default-src 'none'; img-src"))

        let edited = Self.text.replacingOccurrences(of: "The first version", with: "The second version")
        try edited.write(to: notebook, atomically: false, encoding: .utf8)
        let (updated, seconds) = Self.poll(base) { $0.contains("The second version") }
        #expect(updated != nil)
        // No cell runs, so the page is back in a fraction of a second on a quiet machine; the bound
        // only catches a re-render that waits or runs cells (the suite shares two cores).
        #expect(seconds < 2, "the edit was served after \(Int(seconds * 1000)) ms")
        // A write that is not atomic may be seen as two changes (truncated, then written): one or two renders.
        #expect((Int(Self.get(base.appendingPathComponent("version")) ?? "") ?? 0) >= 2)
        #expect(try cellStatuses() == ["cached"])
    }

    @Test func aSyntaxErrorShowsOnThePage() throws {
        let base = try start()
        _ = Self.poll(base) { $0.contains("The first version") }
        let broken = Self.text.replacingOccurrences(of: "title: Preview", with: "title: [Preview")
        try broken.write(to: notebook, atomically: false, encoding: .utf8)
        let (page, _) = Self.poll(base) { $0.contains("error:") }
        let body = try #require(page)
        #expect(body.contains("notebook.md:"))
        #expect(body.contains("<script nonce="))
        // Fixing it brings the report back.
        try Self.text.write(to: notebook, atomically: true, encoding: .utf8)
        let (fixed, _) = Self.poll(base) { $0.contains("The first version") }
        #expect(fixed != nil)
    }
}
