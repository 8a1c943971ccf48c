/// Gathers the IOPub messages of one execution into outputs, as a notebook front end shows them:
/// streams merged, `clear_output` honoured (with `wait`, on the next output), `update_display_data`
/// applied to the earlier display with the same id, stream text capped at `limit` bytes and
/// display data at `displayLimit` bytes (a representation that does not fit is dropped and counted).
struct OutputCollector {
    private(set) var outputs: [KernelOutput] = []
    private(set) var truncatedBytes = 0
    private(set) var droppedDisplayBytes = 0
    private var clearPending = false
    private var streamBytes = 0
    private var displayBytes = 0
    let limit: Int
    let displayLimit: Int

    init(limit: Int, displayLimit: Int = .max) {
        self.limit = limit
        self.displayLimit = displayLimit
    }

    /// Takes one IOPub message (status messages and others are not outputs and are ignored).
    mutating func take(_ message: KernelMessage) {
        let content = message.content
        switch message.type {
        case "stream":
            let name = KernelOutput.Stream(rawValue: content["name"]?.string ?? "stdout") ?? .stdout
            appendStream(name, content["text"]?.text ?? "")
        case "display_data":
            append(.display(capped(Self.bundle(content)), displayID: content["transient"]?["display_id"]?.string))
        case "update_display_data":
            guard let id = content["transient"]?["display_id"]?.string else { return }
            let bundle = capped(Self.bundle(content))
            for index in outputs.indices {
                if case .display(_, let displayID) = outputs[index], displayID == id {
                    outputs[index] = .display(bundle, displayID: id)
                }
            }
        case "execute_result":
            append(.result(capped(Self.bundle(content)), executionCount: content["execution_count"]?.int))
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
        if case .stream(let lastName, var text)? = outputs.last, lastName == name {
            // The array lets go of the text first, so appending grows it in place (many small
            // messages of one stream cost their total length, not its square).
            outputs[outputs.count - 1] = .stream(name, "")
            text += kept
            outputs[outputs.count - 1] = .stream(name, text)
        } else {
            outputs.append(.stream(name, kept))
        }
    }

    /// `bundle` with each representation that would take the kept display data past
    /// `displayLimit` removed (and its bytes counted).
    private mutating func capped(_ bundle: MIMEBundle) -> MIMEBundle {
        var kept = bundle
        for type in bundle.data.keys.sorted() {
            let bytes = bundle.text(type)?.utf8.count ?? 0
            if bytes > displayLimit - displayBytes {
                kept.data[type] = nil
                droppedDisplayBytes += bytes
            } else {
                displayBytes += bytes
            }
        }
        return kept
    }

    static func bundle(_ content: JSONValue) -> MIMEBundle {
        MIMEBundle(data: content["data"]?.object ?? [:], metadata: content["metadata"]?.object ?? [:])
    }
}
