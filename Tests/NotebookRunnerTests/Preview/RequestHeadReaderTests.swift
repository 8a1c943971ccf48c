import Foundation
import Testing
@testable import NotebookPreview

/// The preview server's request reading and routing as pure functions of the bytes.
struct RequestHeadReaderTests {
    static let hosts = HostPolicy(listeningOn: "127.0.0.1", requested: "127.0.0.1")

    /// The status the server answers `text` with (nil: the head is not complete).
    static func status(of text: String, limits: PreviewLimits = .standard) -> Int? {
        var reader = RequestHeadReader(limits: limits)
        switch reader.append(Array(text.utf8)) {
        case .needMore: return nil
        case .rejected(let rejection): return PreviewRoutes.response(to: rejection).status.rawValue
        case .head(let head):
            let page = PreviewSession.Page(version: 1, html: "", cells: [])
            return PreviewRoutes.response(to: head, hosts: hosts, page: { page }).status.rawValue
        }
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 200),
        ("\r\n\r\nGET /version HTTP/1.0\nHost: 127.0.0.1\n\n", 200),
        ("HEAD /?q=1 HTTP/1.1\r\nhost:localhost:8000\r\n\r\n", 200),
        ("POST / HTTP/1.1\r\nHost: localhost\r\n\r\n", 405),
        ("GET /etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n", 404),
        ("GET http://localhost/ HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: localhost\r\n\r\n", 505),
        ("GET / HTTP/1.1 extra\r\nHost: localhost\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : localhost\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: localhost\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: local\u{1}host\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1, 2\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: localhost\r\n", nil),
    ] as [(String, Int?)])
    func answers(_ request: String, _ status: Int?) {
        #expect(Self.status(of: request) == status, "\(request.debugDescription)")
    }

    /// Which limit a head breaks does not depend on how its bytes were split on the way: a
    /// request line that breaks its limit after many empty lines is 414 both ways (not 431 when
    /// the bytes come one at a time).
    @Test func theSameBytesGiveTheSameAnswerAtOnceAndOneByOne() {
        let limits = PreviewLimits(requestLineBytes: 64, headBytes: 256, headerFields: 6)
        let inputs = [String(repeating: "\r\n", count: 100) + "GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\n",
                      "GET / HTTP/1.1\r\n" + String(repeating: "X: y\r\n", count: 7) + "\r\n",
                      "GET / HTTP/1.1\r\nX: " + String(repeating: "z", count: 300) + "\r\n\r\n"]
        for input in inputs {
            let bytes = Array(input.utf8)
            var whole = RequestHeadReader(limits: limits)
            let atOnce = whole.append(bytes)
            var pieces = RequestHeadReader(limits: limits)
            var oneByOne = RequestHeadReader.Outcome.needMore
            for byte in bytes where oneByOne == .needMore { oneByOne = pieces.append(CollectionOfOne(byte)) }
            guard case .rejected(let a) = atOnce, case .rejected(let b) = oneByOne else {
                Issue.record("\(atOnce) / \(oneByOne)")
                continue
            }
            #expect(a.status == b.status, "\(a) / \(b)")
        }
    }

    @Test func pipelinedRequestsAreReadInTurn() {
        var reader = RequestHeadReader()
        let first = reader.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /version HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\nGET".utf8))
        guard case .head(let one) = first, case .head(let two) = reader.next() else {
            Issue.record("two heads expected")
            return
        }
        #expect(one.host == "a" && one.keepAlive)
        #expect(two.target == "/version" && !two.keepAlive)
        #expect(reader.next() == .needMore && reader.hasPartialRequest)
    }
}
