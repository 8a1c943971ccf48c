/// Data in several representations, keyed by MIME type ("text/plain", "image/png", …), as a
/// kernel sends it in `display_data` and `execute_result`. Binary types arrive base64-encoded.
public struct MIMEBundle: Sendable, Equatable {
    public var data: [String: JSONValue]
    public var metadata: [String: JSONValue]

    public init(data: [String: JSONValue], metadata: [String: JSONValue] = [:]) {
        self.data = data
        self.metadata = metadata
    }

    /// The text of `mimeType` (a string, or a list of lines joined), if the bundle has it.
    public func text(_ mimeType: String) -> String? { data[mimeType]?.text }

    /// The MIME types present, in no particular order.
    public var types: [String] { Array(data.keys) }
}

/// One output of a code cell, in the order the kernel published it.
public enum KernelOutput: Sendable, Equatable {
    public enum Stream: String, Sendable { case stdout, stderr }

    /// Text the code printed (consecutive pieces of one stream are merged).
    case stream(Stream, String)
    /// `display(...)` output; `displayID` lets later `update_display_data` replace it.
    case display(MIMEBundle, displayID: String?)
    /// The value of the cell's last expression.
    case result(MIMEBundle, executionCount: Int?)
    /// An exception: its class name, message and the formatted traceback lines (with ANSI colours).
    case error(name: String, value: String, traceback: [String])

    /// The MIME bundle of a display or result.
    public var bundle: MIMEBundle? {
        switch self {
        case .display(let bundle, _), .result(let bundle, _): return bundle
        default: return nil
        }
    }
}

/// How one `execute_request` ended.
public struct ExecutionResult: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        /// The code ran to the end.
        case ok
        /// The code raised (the error is among the outputs).
        case error
        /// The code ran past its time limit (or the caller asked to stop) and was interrupted;
        /// the kernel is still usable.
        case interrupted
        /// The code ran past its time limit and did not stop when interrupted: the kernel was
        /// restarted, and everything the earlier code defined is gone.
        case restarted
    }

    public var status: Status
    public var outputs: [KernelOutput]
    /// The prompt number the kernel gave the execution.
    public var executionCount: Int?
    /// Bytes of stream text dropped beyond the output limit.
    public var truncatedBytes: Int
    /// Bytes of display data (HTML, images, …) dropped beyond the display limit.
    public var droppedDisplayBytes: Int
    /// Whether the caller's stop request (not the time limit) interrupted the code.
    public var cancelled: Bool

    public init(status: Status, outputs: [KernelOutput], executionCount: Int?, truncatedBytes: Int = 0,
                droppedDisplayBytes: Int = 0, cancelled: Bool = false) {
        self.status = status
        self.outputs = outputs
        self.executionCount = executionCount
        self.truncatedBytes = truncatedBytes
        self.droppedDisplayBytes = droppedDisplayBytes
        self.cancelled = cancelled
    }

    /// The error output, if the code raised.
    public var error: (name: String, value: String, traceback: [String])? {
        for output in outputs {
            if case .error(let name, let value, let traceback) = output { return (name, value, traceback) }
        }
        return nil
    }
}
