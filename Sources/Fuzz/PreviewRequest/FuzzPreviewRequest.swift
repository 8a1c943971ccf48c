import NotebookPreview

/// Limits small enough that short inputs reach every refusal (414, 431 by size and by count).
let smallLimits = PreviewLimits(requestLineBytes: 64, headBytes: 256, headerFields: 6)
let page = PreviewSession.Page(version: 7, html: "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:\"></head><body>x</body></html>", cells: [])
let hosts = HostPolicy(listeningOn: "127.0.0.1", requested: "localhost")

/// What a reader makes of `bytes` given in pieces of `stride` bytes (all at once when 0): its
/// outcomes in order, up to the first refusal or the end of the bytes.
func outcomes(of bytes: ArraySlice<UInt8>, stride: Int, limits: PreviewLimits) -> [RequestHeadReader.Outcome] {
    var reader = RequestHeadReader(limits: limits)
    var found: [RequestHeadReader.Outcome] = []
    var start = bytes.startIndex
    repeat {
        let end = stride == 0 ? bytes.endIndex : min(bytes.endIndex, start + stride)
        var outcome = reader.append(bytes[start ..< end])
        start = end
        while outcome != .needMore {
            found.append(outcome)
            if case .rejected = outcome { return found }
            outcome = reader.next()
        }
    } while start < bytes.endIndex
    return found
}

/// libFuzzer entry: the first byte picks the limits and how the rest arrives (at once, or in
/// pieces of 1…127 bytes); the rest is what a client sends the preview server. Every head read
/// is routed (Host check, method, path) and its response encoded. Traps when reading in pieces
/// gives other requests than reading at once, when a 200 goes to a Host the policy refuses, or
/// when the served page does not carry the response's nonce in exactly its two places.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPreviewRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = bytes[0] & 0x80 == 0 ? PreviewLimits.standard : smallLimits
    let stride = Int(bytes[0] & 0x7F)
    let whole = outcomes(of: bytes[1...], stride: 0, limits: limits)
    let pieces = outcomes(of: bytes[1...], stride: max(stride, 1), limits: limits)
    // A refusal may be found at another byte when the bytes come in pieces (a size limit is
    // checked as they arrive), but never another request, nor another status.
    precondition(whole.count == pieces.count, "\(whole.count) outcomes at once, \(pieces.count) in pieces")
    for (one, other) in zip(whole, pieces) {
        switch (one, other) {
        case (.head(let a), .head(let b)): precondition(a == b, "heads differ: \(a) / \(b)")
        case (.rejected(let a), .rejected(let b)): precondition(a.status == b.status, "statuses differ: \(a) / \(b)")
        default: preconditionFailure("outcomes differ: \(one) / \(other)")
        }
    }
    for outcome in whole {
        let response: PreviewResponse
        switch outcome {
        case .head(let head):
            response = PreviewRoutes.response(to: head, hosts: hosts, page: { page }, nonce: { "0123456789abcdef0123456789abcdef" })
            if response.status == .ok {
                precondition(hosts.allows(head.host), "200 for Host \(head.host)")
                precondition(head.method == "GET" || head.method == "HEAD")
            }
            if response.status == .ok, head.path == "/", head.method == "GET" {
                let text = String(decoding: response.body, as: UTF8.self)
                precondition(text.components(separatedBy: "0123456789abcdef0123456789abcdef").count == 3, "nonce not in exactly two places")
            }
        case .rejected(let rejection):
            response = PreviewRoutes.response(to: rejection)
            precondition(response.closes)
        case .needMore:
            preconditionFailure("needMore is never collected")
        }
        precondition(response.bytes.starts(with: Array("HTTP/1.1 \(response.status.rawValue) ".utf8)))
    }
    _ = hosts.allows(String(decoding: bytes[1...], as: UTF8.self))
    return 0
}
