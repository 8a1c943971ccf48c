/// The head of one HTTP/1.x request as the preview server reads it: a request line in
/// origin form and the header fields it acts on.
public struct RequestHead: Sendable, Equatable {
    public var method: String
    /// The request target: a path, with its query if any (`/version?x`).
    public var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    /// The one `Host` field's value.
    public var host: String
    /// Whether the client may send another request on this connection.
    public var keepAlive: Bool
    /// Whether a body follows (`Content-Length` above 0, or any `Transfer-Encoding`): the server
    /// reads none, so it answers and closes the connection.
    public var hasBody: Bool

    /// The target without its query.
    public var path: Substring {
        target[..<(target.firstIndex(of: "?") ?? target.endIndex)]
    }
}

/// An HTTP status the preview server answers with, and its reason phrase.
public enum PreviewStatus: Int, Sendable {
    case ok = 200
    case badRequest = 400
    case notFound = 404
    case methodNotAllowed = 405
    case requestTimeout = 408
    case uriTooLong = 414
    case misdirectedRequest = 421
    case headerFieldsTooLarge = 431
    case serviceUnavailable = 503
    case versionNotSupported = 505

    public var phrase: String {
        switch self {
        case .ok: "OK"
        case .badRequest: "Bad Request"
        case .notFound: "Not Found"
        case .methodNotAllowed: "Method Not Allowed"
        case .requestTimeout: "Request Timeout"
        case .uriTooLong: "URI Too Long"
        case .misdirectedRequest: "Misdirected Request"
        case .headerFieldsTooLarge: "Request Header Fields Too Large"
        case .serviceUnavailable: "Service Unavailable"
        case .versionNotSupported: "HTTP Version Not Supported"
        }
    }
}

/// A request the server will not serve: the status to answer and a line saying why.
public struct RequestRejection: Error, Sendable, Equatable {
    public var status: PreviewStatus
    public var reason: String
}

/// Reads request heads from the bytes of one connection, within `PreviewLimits`.
///
/// Bytes are appended as they arrive; each byte is looked at once while the end of the head
/// is searched for (a line-feed scan from where the last one stopped), and the head is parsed
/// once when whole, so the work is linear in what the client sent, which is at most
/// `headBytes` per request (empty lines before the request line count). A request line still
/// open after `requestLineBytes` is 414, a head still open after `headBytes` (or with more than
/// `headerFields` fields) is 431, before the rest is read. Lines end in CRLF or a bare LF; empty
/// lines before the request line are skipped (RFC 9112 §2.2). Bytes after a head stay for the
/// next request (pipelining).
public struct RequestHeadReader: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// The head is not complete yet.
        case needMore
        case head(RequestHead)
        case rejected(RequestRejection)
    }

    public let limits: PreviewLimits
    private var buffer: [UInt8] = []
    /// Where the next line-feed scan starts.
    private var scanned = 0
    /// Where the current line starts.
    private var lineStart = 0
    /// Where the request line starts (after any empty lines) and ends (its line feed).
    private var requestLineStart = 0
    private var requestLineEnd: Int?
    private var fieldLines = 0

    public init(limits: PreviewLimits = .standard) {
        self.limits = limits
    }

    /// Whether part of a request has arrived (not just empty lines).
    public var hasPartialRequest: Bool {
        buffer[requestLineStart...].contains { $0 != 0x0D && $0 != 0x0A }
    }

    /// Adds bytes from the client and says what the bytes so far make. After `.head` the next
    /// call may already find the next request in what is left; after `.rejected` the reader
    /// must not be used again.
    public mutating func append(_ bytes: some Collection<UInt8>) -> Outcome {
        buffer.append(contentsOf: bytes)
        return next()
    }

    /// The next outcome from the bytes already here.
    ///
    /// A limit is broken at a byte: the first byte past `requestLineBytes` in the request line,
    /// the first byte past `headBytes` in the head. Whichever comes first decides the answer, so
    /// the outcome is the same however the bytes were split when they arrived.
    public mutating func next() -> Outcome {
        while let newline = buffer[scanned...].firstIndex(of: 0x0A) {
            if let broken = limitBroken(before: newline, headEnd: newline + 1) { return .rejected(broken) }
            scanned = newline + 1
            let line = lineStart ..< (newline > lineStart && buffer[newline - 1] == 0x0D ? newline - 1 : newline)
            lineStart = newline + 1
            if requestLineEnd == nil {
                if line.isEmpty {
                    requestLineStart = lineStart
                } else {
                    requestLineEnd = newline
                }
            } else if line.isEmpty {
                return finishHead(end: newline + 1)
            } else {
                fieldLines += 1
                if fieldLines > limits.headerFields {
                    return .rejected(RequestRejection(status: .headerFieldsTooLarge, reason: "more than \(limits.headerFields) header fields"))
                }
            }
        }
        scanned = buffer.count
        if let broken = limitBroken(before: buffer.count, headEnd: buffer.count) { return .rejected(broken) }
        return .needMore
    }

    /// The first limit broken by a byte before `lineEnd` (of the request line, while it is
    /// open) or before `headEnd` (of the head); at the same byte the request line's.
    private func limitBroken(before lineEnd: Int, headEnd: Int) -> RequestRejection? {
        let lineByte = requestLineEnd == nil ? requestLineStart + limits.requestLineBytes : Int.max
        let headByte = limits.headBytes
        if lineByte < lineEnd && lineByte <= headByte { return Self.longLine(limits) }
        if headByte < headEnd { return Self.largeHead(limits) }
        return nil
    }

    private static func longLine(_ limits: PreviewLimits) -> RequestRejection {
        RequestRejection(status: .uriTooLong, reason: "the request line is longer than \(limits.requestLineBytes) bytes")
    }

    private static func largeHead(_ limits: PreviewLimits) -> RequestRejection {
        RequestRejection(status: .headerFieldsTooLarge, reason: "the request head is larger than \(limits.headBytes) bytes")
    }

    /// Parses the head that ends at `end` (after its empty line) and keeps the bytes after it.
    private mutating func finishHead(end: Int) -> Outcome {
        let requestLine = trimmedLine(requestLineStart ..< requestLineEnd!)
        var fields: [Range<Int>] = []
        var start = requestLineEnd! + 1
        while start < end {
            let newline = buffer[start...].firstIndex(of: 0x0A)!
            let line = trimmedLine(start ..< newline)
            if !line.isEmpty { fields.append(line) }
            start = newline + 1
        }
        let outcome: Outcome
        do {
            outcome = .head(try parse(requestLine: requestLine, fields: fields))
        } catch {
            outcome = .rejected(error)
        }
        buffer.removeSubrange(0 ..< end)
        scanned = 0
        lineStart = 0
        requestLineStart = 0
        requestLineEnd = nil
        fieldLines = 0
        return outcome
    }

    /// `range` without a CR before its end.
    private func trimmedLine(_ range: Range<Int>) -> Range<Int> {
        range.upperBound > range.lowerBound && buffer[range.upperBound - 1] == 0x0D ? range.lowerBound ..< range.upperBound - 1 : range
    }

    private func parse(requestLine: Range<Int>, fields: [Range<Int>]) throws(RequestRejection) -> RequestHead {
        func bad(_ reason: String) -> RequestRejection { RequestRejection(status: .badRequest, reason: reason) }
        let line = buffer[requestLine]
        let parts = line.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw bad("the request line is not `METHOD /path HTTP/1.1`") }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        guard !method.isEmpty, method.allSatisfy(Self.isTokenByte) else { throw bad("the method is not a token") }
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw bad("the request target is not a path (origin form)")
        }
        let minorVersion = try Self.minorVersion(version)
        var host: String?
        var contentLength: Int?
        var chunked = false
        var connection: [String] = []
        for field in fields {
            let bytes = buffer[field]
            guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { throw bad("a header line has no colon") }
            let name = bytes[..<colon]
            guard !name.isEmpty, name.allSatisfy(Self.isTokenByte) else {
                throw bad(bytes.first == 0x20 || bytes.first == 0x09 ? "a header line is folded (starts with white space)" : "a header field name is not a token")
            }
            var value = bytes[(colon + 1)...]
            guard value.allSatisfy({ $0 == 0x09 || $0 >= 0x20 && $0 != 0x7F }) else { throw bad("a header field value has a control character") }
            while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
            while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
            let text = String(decoding: value, as: UTF8.self)
            switch String(decoding: name, as: UTF8.self).lowercased() {
            case "host":
                guard host == nil else { throw bad("the request has more than one Host header") }
                host = text
            case "content-length":
                guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(text) else {
                    throw bad("Content-Length is not a number")
                }
                guard contentLength == nil || contentLength == length else { throw bad("two different Content-Length headers") }
                contentLength = length
            case "transfer-encoding":
                chunked = true
            case "connection":
                connection += text.lowercased().split(separator: ",").map { $0.filter { $0 != " " && $0 != "\t" } }
            default:
                break
            }
        }
        if chunked && contentLength != nil { throw bad("both Content-Length and Transfer-Encoding") }
        guard let host else { throw bad("the request has no Host header") }
        let keepAlive = minorVersion == 1 ? !connection.contains("close") : connection.contains("keep-alive")
        let hasBody = chunked || (contentLength ?? 0) > 0
        return RequestHead(method: String(decoding: method, as: UTF8.self), target: String(decoding: target, as: UTF8.self),
                           minorVersion: minorVersion, host: host, keepAlive: keepAlive && !hasBody, hasBody: hasBody)
    }

    /// 1 for `HTTP/1.1`, 0 for `HTTP/1.0`; 505 for another `HTTP/d.d`, 400 for anything else.
    private static func minorVersion(_ version: ArraySlice<UInt8>) throws(RequestRejection) -> Int {
        let bytes = Array(version)
        let digit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        guard bytes.count == 8, bytes.starts(with: Array("HTTP/".utf8)), digit(bytes[5]), bytes[6] == UInt8(ascii: "."), digit(bytes[7]) else {
            throw RequestRejection(status: .badRequest, reason: "the request line does not end in an HTTP version")
        }
        guard bytes[5] == UInt8(ascii: "1"), bytes[7] <= UInt8(ascii: "1") else {
            throw RequestRejection(status: .versionNotSupported, reason: "only HTTP/1.0 and HTTP/1.1 are served")
        }
        return Int(bytes[7] - 0x30)
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
