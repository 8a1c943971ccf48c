import JupyterKernel

/// One output of a code cell run by a Jupyter kernel, in the representation the report shows
/// (the richest one nbrun can show safely), as the kernel sent it: the renderer sanitises and caps it.
public enum KernelDisplay: Sendable, Hashable, Codable {
    /// stdout or stderr text; `truncatedBytes` more were printed than kept.
    case stream(name: String, text: String, truncatedBytes: Int)
    /// `text/plain` (may carry ANSI colours).
    case text(String)
    /// `image/png` or `image/jpeg`, base64 as the kernel sent it.
    case image(mimeType: String, base64: String)
    case svg(String)
    case html(String)
    case markdown(String)
    case latex(String)
    /// An exception: class name, message and the traceback lines (ANSI-coloured).
    case traceback(name: String, value: String, lines: [String])
    /// Something nbrun says about the outputs (too many, a kind it cannot show).
    case note(String)

    /// The most outputs one code cell keeps; the rest are counted in a note.
    static let outputLimit = 500

    /// The order in which a MIME bundle's representations are preferred.
    static let preference = ["text/html", "text/markdown", "text/latex", "image/svg+xml", "image/png", "image/jpeg", "text/plain"]

    /// What the report shows for `outputs` (an execution's, in order).
    static func displays(of result: ExecutionResult) -> [KernelDisplay] {
        var displays: [KernelDisplay] = []
        for output in result.outputs.prefix(outputLimit) {
            switch output {
            case .stream(let name, let text):
                displays.append(.stream(name: name.rawValue, text: text, truncatedBytes: 0))
            case .display(let bundle, _), .result(let bundle, _):
                displays.append(display(of: bundle))
            case .error(let name, let value, let traceback):
                displays.append(.traceback(name: name, value: value, lines: traceback))
            }
        }
        if result.truncatedBytes > 0 {
            displays.append(.note("\(result.truncatedBytes) more bytes of printed text were not kept"))
        }
        if result.droppedDisplayBytes > 0 {
            displays.append(.note("\(result.droppedDisplayBytes / 1024) KB of displayed output (HTML, images, …) were not kept (beyond what one cell may show)"))
        }
        if result.outputs.count > outputLimit {
            displays.append(.note("\(result.outputs.count - outputLimit) more outputs were not kept (at most \(outputLimit) per cell)"))
        }
        return displays
    }

    static func display(of bundle: MIMEBundle) -> KernelDisplay {
        for type in preference {
            guard let text = bundle.text(type) else { continue }
            switch type {
            case "text/html": return .html(text)
            case "text/markdown": return .markdown(text)
            case "text/latex": return .latex(text)
            case "image/svg+xml": return .svg(text)
            case "image/png", "image/jpeg": return .image(mimeType: type, base64: text)
            default: return .text(text)
            }
        }
        let types = bundle.types.sorted().joined(separator: ", ")
        return .note("an output of type \(types.isEmpty ? "(none)" : types) that the report cannot show")
    }
}
