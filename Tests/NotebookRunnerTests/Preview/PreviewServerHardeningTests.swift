import Foundation
import Testing
@testable import NotebookPreview

/// The preview server under clients that misbehave, over real sockets on 127.0.0.1: heads too
/// long or too slow, connections left open, more clients than it serves, names that are not
/// this machine's, and pages whose notebook carries its own scripts.
@Suite(.serialized) final class PreviewServerHardeningTests {
    let folder: URL

    init() throws {
        folder = try DataFixtures.temporaryDirectory("preview-hardening")
        try "# Preview\n\nA paragraph.\n".write(to: folder.appendingPathComponent("notebook.md"), atomically: true, encoding: .utf8)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    static let page = PreviewSession.Page(version: 3, html: """
        <!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:"></head>
        <body><p>Report</p></body></html>
        """, cells: [])

    /// A server in this process with `limits`, serving `page`, for the length of `body`.
    func withServer(_ limits: PreviewLimits, _ body: (PreviewServer) throws -> Void) throws {
        let server = try PreviewServer(host: "127.0.0.1", port: 0, limits: limits) { Self.page }
        Thread.detachNewThread { server.run() }
        defer { server.stop() }
        try body(server)
    }

    /// Polls `condition` every 20 ms for up to `seconds`.
    func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    // MARK: - Sizes (414, 431) and the time they cost

    @Test func aRequestLineWithoutEndIs414AndCostsNoMoreCPUOnceTheClientLeaves() throws {
        let preview = try PreviewProcess(in: folder)
        #expect(preview.get()?.status == 200)
        let connection = try RawConnection(port: preview.port)
        // 3 MB of request line, sent from another thread while this one reads the answer.
        let line = Array("GET /".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 3 << 20)
        let sender = Thread { connection.send(line) }
        let cpuBefore = preview.cpuSeconds
        sender.start()
        let response = connection.readResponse(within: 5)
        #expect(response?.status == 414, "\(String(describing: response))")
        connection.close()
        Thread.sleep(forTimeInterval: 1.5)
        let settled = preview.cpuSeconds
        Thread.sleep(forTimeInterval: 1)
        #expect(preview.cpuSeconds - settled < 0.2, "the server still burns CPU after the client left")
        #expect(settled - cpuBefore < 2, "the refused line cost \(settled - cpuBefore) s of CPU")
        #expect(preview.get()?.status == 200, "the server still answers")
    }

    @Test func headersTooLargeOrTooManyAre431() throws {
        let cases = ["20 fields of 1 KB": String(repeating: "X-Filler: \(String(repeating: "y", count: 1000))\r\n", count: 20),
                     "200 fields": String(repeating: "X-A: b\r\n", count: 200),
                     "one field of 20 KB": "X-Long: \(String(repeating: "z", count: 20_000))\r\n"]
        try withServer(.standard) { server in
            for (name, fields) in cases {
                let connection = try RawConnection(port: server.port)
                connection.send("GET / HTTP/1.1\r\nHost: localhost\r\n\(fields)\r\n")
                #expect(connection.readResponse(within: 5)?.status == 431, "\(name)")
            }
        }
    }

    @Test func aHeadTakenByteByByteIsReadInLinearTime() {
        // 16 KiB of head, one byte at a time: each byte is looked at a bounded number of times.
        var reader = RequestHeadReader(limits: .standard)
        let head = Array("GET / HTTP/1.1\r\nHost: localhost\r\n".utf8) + Array(String(repeating: "X-A: \(String(repeating: "b", count: 240))\r\n", count: 60).utf8)
        let started = Date()
        var outcome = RequestHeadReader.Outcome.needMore
        for byte in head + Array("\r\n".utf8) { outcome = reader.append(CollectionOfOne(byte)) }
        #expect(outcome != .needMore)
        #expect(Date().timeIntervalSince(started) < 2)
    }

    // MARK: - Time and connection limits (408, 503, idle close, exhaustion)

    @Test func idleAndSlowClientsAreClosedAndTheConnectionCapHolds() throws {
        try withServer(PreviewLimits(connections: 4, headSeconds: 0.5)) { server in
            let idle = try (0 ..< 3).map { _ in try RawConnection(port: server.port) }
            let slow = try RawConnection(port: server.port)
            #expect(eventually(within: 2) { server.connectionCount == 4 })
            // One more than the cap: 503 at once.
            let extra = try RawConnection(port: server.port)
            #expect(extra.readResponse(within: 2)?.status == 503)
            // One byte every 100 ms never makes a head: 408 once the head's time is up.
            let started = Date()
            let trickle = Thread {
                for byte in Array("GET / HTTP/1.1\r\nHost: localhost\r\nX: ".utf8) {
                    guard slow.send([byte]) else { return }
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
            trickle.start()
            #expect(slow.readResponse(within: 3)?.status == 408)
            #expect(Date().timeIntervalSince(started) < 2)
            // Connections that send nothing are closed as well.
            for connection in idle {
                let read = connection.read(for: 3)
                #expect(read.closed && read.bytes.isEmpty)
            }
            #expect(eventually(within: 3) { server.connectionCount == 0 })
            let fresh = try RawConnection(port: server.port)
            fresh.send("GET /version HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(fresh.readResponse(within: 2)?.text == "3")
        }
    }

    @Test func aKeptAliveConnectionServesSeveralRequestsThenIdlesOut() throws {
        try withServer(PreviewLimits(headSeconds: 0.5)) { server in
            let connection = try RawConnection(port: server.port)
            connection.send("GET /version HTTP/1.1\r\nHost: localhost\r\n\r\nHEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            // Both answers, then the server closes the idle connection.
            let all = connection.read(for: 5)
            #expect(all.closed)
            let responses = String(decoding: all.bytes, as: UTF8.self).components(separatedBy: "HTTP/1.1 ").dropFirst()
            #expect(responses.count == 2)
            #expect(responses.first?.hasPrefix("200 OK") == true && responses.first?.hasSuffix("\r\n\r\n3") == true)
            #expect(responses.last?.hasPrefix("200 OK") == true && responses.last?.hasSuffix("\r\n\r\n") == true, "no body after HEAD")
        }
    }

    @Test func runningOutOfFileDescriptorsPausesTheServerInsteadOfEndingIt() throws {
        let preview = try PreviewProcess(in: folder, shellPrefix: "ulimit -n 64;")
        #expect(preview.get()?.status == 200)
        // Far more half-open requests than descriptors.
        var held: [RawConnection] = []
        for _ in 0 ..< 150 {
            guard let connection = try? RawConnection(port: preview.port) else { break }
            connection.send("GET / HTTP/1.1\r\nHost: loc")
            held.append(connection)
        }
        Thread.sleep(forTimeInterval: 1)
        #expect(preview.process.isRunning, "the server ended")
        held.removeAll()
        #expect(eventually(within: 10) { preview.get()?.status == 200 }, "the server answers again once descriptors are free")
        #expect(preview.process.isRunning)
    }

    // MARK: - Host (DNS rebinding)

    @Test func onlyLoopbackNamesAndTheListeningAddressAreAnswered() throws {
        let preview = try PreviewProcess(in: folder)
        let port = preview.port
        for host in ["127.0.0.1:\(port)", "localhost:\(port)", "LOCALHOST", "localhost.", "127.5.6.7", "[::1]:\(port)", "[::ffff:127.0.0.1]"] {
            #expect(preview.get(host: host)?.status == 200, "Host: \(host)")
        }
        for host in ["attacker.example", "attacker.example:\(port)", "localhost.attacker.example", "127.0.0.1.nip.io",
                     "evil.example:80@127.0.0.1", "0.0.0.0:\(port)", "[::]:\(port)", "2130706433", "0x7f.1", "127.0.0.1:80x", "[::1"] {
            #expect(preview.get(host: host)?.status == 421, "Host: \(host)")
            #expect(preview.get("/version", host: host)?.status == 421, "Host: \(host)")
        }
        let connection = try RawConnection(port: port)
        connection.send("GET / HTTP/1.1\r\n\r\n")
        #expect(connection.readResponse(within: 5)?.status == 400, "no Host")
        let twice = try RawConnection(port: port)
        twice.send("GET / HTTP/1.1\r\nHost: localhost\r\nHost: attacker.example\r\n\r\n")
        #expect(twice.readResponse(within: 5)?.status == 400, "two Hosts")
    }

    @Test func theNameGivenToHostIsAllowedToo() {
        let policy = HostPolicy(listeningOn: "192.168.1.20", requested: "Notebook-Box.lan")
        #expect(policy.allows("notebook-box.lan:8000"))
        #expect(policy.allows("192.168.1.20:8000"))
        #expect(!policy.allows("192.168.1.21:8000"))
        #expect(!HostPolicy(listeningOn: "0.0.0.0", requested: "0.0.0.0").allows("0.0.0.0:8000"), "never a wildcard")
    }

    // MARK: - --host

    @Test(arguments: [("localhost", "127.0.0.1"), ("127.1", "127.0.0.1"), ("::1", "[::1]"), ("[::1]", "[::1]")])
    func hostNamesAndAddressFormsAreResolved(_ host: String, _ shown: String) throws {
        let preview = try PreviewProcess(in: folder, arguments: ["--host", host])
        #expect(preview.url == "http://\(shown):\(preview.port)/")
        let connection = try RawConnection(port: preview.port, host: shown.hasPrefix("[") ? "::1" : shown)
        connection.send("GET /version HTTP/1.1\r\nHost: \(shown):\(preview.port)\r\n\r\n")
        #expect(connection.readResponse(within: 10)?.status == 200)
    }

    @Test(arguments: ["not a host", "", "127.0.0.1/8"])
    func aHostThatIsNoAddressIsAUsageError(_ host: String) throws {
        let result = try NBRunProcess.run(["preview", "notebook.md", "--host", host], in: folder)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--host"), "\(result.stderr)")
        #expect(!result.stderr.contains("SocketError"))
    }

    // MARK: - The reload script's nonce

    @Test func everyResponseHasItsOwnNonceInPolicyHeaderAndScript() throws {
        let preview = try PreviewProcess(in: folder)
        var nonces: Set<String> = []
        for _ in 0 ..< 3 {
            let response = try #require(preview.get())
            let nonce = try #require(response.text.firstMatch(of: /<script nonce="([0-9a-f]{32})">/)?.1)
            #expect(response.text.contains("script-src 'nonce-\(nonce)'; connect-src 'self';"))
            #expect(response.headers["content-security-policy"]?.contains("script-src 'nonce-\(nonce)'") == true)
            #expect(response.text.components(separatedBy: String(nonce)).count == 3, "the nonce is in the policy and on the script only")
            nonces.insert(String(nonce))
        }
        #expect(nonces.count == 3)
    }

    /// In Chromium, no script of the notebook's runs in the served page: not one that names the
    /// nonce a page once had, nor one that leaves a tag open to take the reload script's nonce.
    @Test(.enabled(if: HeadlessChromium.isAvailable))
    func aNotebooksOwnScriptsDoNotRunInThePreview() throws {
        let guesses = (0 ... 3).map { "<script nonce=\"nbrun-preview-\($0)\">document.documentElement.dataset.guessed = \"\($0)\"</script>" }
        try """
            # Scripts

            \(guesses.joined(separator: "\n"))

            <script>document.documentElement.dataset.plain = "ran"</script>

            <img src="data:," onerror="document.documentElement.dataset.handler = 'ran'">

            <script src="data:text/javascript,document.documentElement.dataset.stolen='ran'" x=
            """.write(to: folder.appendingPathComponent("notebook.md"), atomically: true, encoding: .utf8)
        let preview = try PreviewProcess(in: folder)
        let dom = try HeadlessChromium.dumpDOM(url: preview.url)
        #expect(dom.contains("<p>") || dom.contains("Scripts"), "the page loaded: \(dom.prefix(300))")
        for marker in ["data-guessed", "data-plain", "data-handler", "data-stolen"] {
            #expect(!dom.contains(marker), "\(marker) ran")
        }
    }
}
