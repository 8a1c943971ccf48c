/// Gathers the IOPub messages of one execution into outputs, as a notebook front end shows them:
/// streams merged, `clear_output` honoured (with `wait`, on the next output), `update_display_data`
/// applied to the earlier display with the same id, and stream text capped at `limit` bytes.
struct OutputCollector {
    private(set) var outputs: [KernelOutput] = []
    private(set) var truncatedBytes = 0
    private var clearPending = false
    private var streamBytes = 0
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes one IOPub message (status messages and others are not outputs and are ignored).
    mutating func take(_ message: KernelMessage) {
        let content = message.content
        switch message.type {
        case "stream":
            let name = KernelOutput.Stream(rawValue: content["name"]?.string ?? "stdout") ?? .stdout
            appendStream(name, content["text"]?.text ?? "")
        case "display_data":
            append(.display(Self.bundle(content), displayID: content["transient"]?["display_id"]?.string))
        case "update_display_data":
            guard let id = content["transient"]?["display_id"]?.string else { return }
            let bundle = Self.bundle(content)
            for index in outputs.indices {
                if case .display(_, let displayID) = outputs[index], displayID == id {
                    outputs[index] = .display(bundle, displayID: id)
                }
            }
        case "execute_result":
            append(.result(Self.bundle(content), executionCount: content["execution_count"]?.int))
        case "error":
            append(.error(name: content["ename"]?.string ?? "Error", value: content["evalue"]?.string ?? "",
                          traceback: content["traceback"]?.array?.compactMap(\.string) ?? []))
        case "clear_output":
            if content["wait"]?.bool == true { clearPending = true } else { clear() }
        default:
            break
        }
    }

    private mutating func clear() {
        outputs.removeAll()
        clearPending = false
    }

    private mutating func append(_ output: KernelOutput) {
        if clearPending { clear() }
        outputs.append(output)
    }

    private mutating func appendStream(_ name: KernelOutput.Stream, _ text: String) {
        if clearPending { clear() }
        var kept = text
        let room = max(0, limit - streamBytes)
        if text.utf8.count > room {
            kept = String(decoding: text.utf8.prefix(room), as: UTF8.self)
            truncatedBytes += text.utf8.count - kept.utf8.count
        }
        streamBytes += kept.utf8.count
        guard !kept.isEmpty else { return }
        if case .stream(let lastName, let lastText)? = outputs.last, lastName == name {
            outputs[outputs.count - 1] = .stream(name, lastText + kept)
        } else {
            outputs.append(.stream(name, kept))
        }
    }

    static func bundle(_ content: JSONValue) -> MIMEBundle {
        MIMEBundle(data: content["data"]?.object ?? [:], metadata: content["metadata"]?.object ?? [:])
    }
}
