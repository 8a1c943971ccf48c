import Foundation

/// One response of the preview server, ready to be written.
public struct PreviewResponse: Sendable, Equatable {
    public var status: PreviewStatus
    public var contentType: String
    /// The body in pieces sent one after another: a page's pieces are shared by every response
    /// of it, so a response costs only its head and nonce.
    public var bodyPieces: [[UInt8]]
    /// Headers besides the ones every response has.
    public var headers: [String: String]
    /// Whether the connection closes after it.
    public var closes: Bool
    /// A response to HEAD: the headers say what GET would send, and no body follows.
    public var omitsBody = false

    public init(status: PreviewStatus, contentType: String, body: [UInt8], headers: [String: String], closes: Bool) {
        self.init(status: status, contentType: contentType, bodyPieces: [body], headers: headers, closes: closes)
    }

    public init(status: PreviewStatus, contentType: String, bodyPieces: [[UInt8]], headers: [String: String], closes: Bool) {
        self.status = status
        self.contentType = contentType
        self.bodyPieces = bodyPieces
        self.headers = headers
        self.closes = closes
    }

    /// The body, whole.
    public var body: [UInt8] { Array(bodyPieces.joined()) }

    /// The status line and the headers, through the empty line.
    public var head: [UInt8] {
        var head = "HTTP/1.1 \(status.rawValue) \(status.phrase)\r\n"
        head += "Content-Type: \(contentType)\r\nContent-Length: \(bodyPieces.reduce(0) { $0 + $1.count })\r\n"
        head += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += closes ? "Connection: close\r\n\r\n" : "\r\n"
        return Array(head.utf8)
    }

    /// What is sent, in order: the head, then the body's pieces (none for HEAD).
    public var pieces: [[UInt8]] {
        [head] + (omitsBody ? [] : bodyPieces)
    }

    /// All that is sent, as one array.
    public var bytes: [UInt8] { Array(pieces.joined()) }

    /// A short plain-text answer: the status and why.
    static func plain(_ status: PreviewStatus, _ reason: String, headers: [String: String] = [:], closes: Bool) -> PreviewResponse {
        PreviewResponse(status: status, contentType: "text/plain; charset=utf-8",
                        body: Array("\(status.rawValue) \(status.phrase): \(reason)\n".utf8), headers: headers, closes: closes)
    }
}

/// What the preview server answers: `GET /` is the latest page, `GET /version` its number (the
/// reload hook polls it); `HEAD` of either is its headers. Only requests whose `Host` the
/// `HostPolicy` allows are answered (else 421); any other method is 405, any other path 404.
/// A request the reader rejected gets its status and the connection closes.
public enum PreviewRoutes {
    /// The answer to a request whose head was read.
    /// - Parameters:
    ///   - page: the page to serve, asked for only when it is served.
    ///   - nonce: the reload script's nonce for this response (`makeNonce()`).
    public static func response(to head: RequestHead, hosts: HostPolicy, page: () -> PreviewSession.Page,
                                nonce: () -> String = makeNonce) -> PreviewResponse {
        if let refusal = refusal(of: head, hosts: hosts) { return refusal }
        let closes = !head.keepAlive
        var response: PreviewResponse
        switch head.path {
        case "/":
            let nonce = nonce()
            response = PreviewResponse(status: .ok, contentType: "text/html; charset=utf-8",
                                       bodyPieces: page().servedPieces(nonce: nonce),
                                       headers: ["Content-Security-Policy": policy(nonce: nonce)], closes: closes)
        case "/version":
            response = PreviewResponse(status: .ok, contentType: "text/plain; charset=utf-8", body: Array(String(page().version).utf8),
                                       headers: [:], closes: closes)
        default:
            response = .plain(.notFound, "the preview serves / and /version", closes: closes)
        }
        return finished(response, for: head)
    }

    /// The answer to a request from a host the policy does not allow (421) or with a method
    /// other than GET and HEAD (405); nil for any other.
    static func refusal(of head: RequestHead, hosts: HostPolicy) -> PreviewResponse? {
        guard hosts.allows(head.host) else {
            return .plain(.misdirectedRequest, "this preview answers only to localhost, 127.0.0.1, [::1] and the address it listens on", closes: true)
        }
        guard head.method == "GET" || head.method == "HEAD" else {
            return .plain(.methodNotAllowed, "only GET and HEAD", headers: ["Allow": "GET, HEAD"], closes: !head.keepAlive)
        }
        return nil
    }

    /// `response` as the answer to `head`: no body for HEAD, keep-alive said to an HTTP/1.0 client.
    static func finished(_ response: PreviewResponse, for head: RequestHead) -> PreviewResponse {
        var response = response
        response.omitsBody = head.method == "HEAD"
        if !response.closes && head.minorVersion == 0 { response.headers["Connection"] = "keep-alive" }
        return response
    }

    /// The answer to a request the reader rejected; the connection closes after it.
    public static func response(to rejection: RequestRejection) -> PreviewResponse {
        .plain(rejection.status, rejection.reason, closes: true)
    }

    /// The page's policy as a header too, where the page cannot weaken it: scripts only by this
    /// response's nonce, requests only to this server, and no framing by other sites.
    static func policy(nonce: String) -> String {
        "script-src 'nonce-\(nonce)'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    /// 128 random bits from the system's generator, as 32 hex digits: a nonce nobody can guess,
    /// drawn for each response.
    public static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return [generator.next() as UInt64, generator.next() as UInt64]
            .map { String($0, radix: 16).leftPadded(to: 16) }.joined()
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
