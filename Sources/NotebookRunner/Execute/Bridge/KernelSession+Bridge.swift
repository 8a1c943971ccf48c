import Foundation
import JupyterKernel

/// A value nbrun asked the kernel for (`KernelBridgeHelper`'s encoded value).
enum KernelValue {
    /// A bool, integer or float array (or number), as Float64; `type` is the Python type's name.
    case array(NPYArray, type: String)
    /// A string (or, when asked for, the `str()` of a value that is not a number array).
    case text(String, type: String)
    /// A value that is not a number array: its type, and its dtype and shape when NumPy made one.
    case other(type: String, dtype: String?, shape: [Int]?)
    /// A number array of more values than nbrun asked for.
    case tooLarge(type: String, dtype: String, shape: [Int])
    /// The Python error evaluating it, with the notebook location of the code it failed in.
    case failed(KernelBridgeError)

    /// The value in `json` (an encoded value of the helper), or why it is not one.
    static func decode(_ json: JSONValue?, session: KernelSession) -> KernelValue {
        if let error = KernelBridgeError(json, session: session) { return .failed(error) }
        let type = json?["type"]?.string ?? "object"
        let shape = json?["shape"]?.array?.compactMap(\.int)
        if let text = json?["npy"]?.string {
            guard let bytes = Data(base64Encoded: text) else {
                return .failed(KernelBridgeError(message: "the kernel's answer is not base64"))
            }
            do {
                return .array(try NPYArray.read(Array(bytes)), type: type)
            } catch {
                return .failed(KernelBridgeError(message: "the kernel's array could not be read: \(error)"))
            }
        }
        if let text = json?["text"]?.string { return .text(text, type: type) }
        if json?["too_large"]?.bool == true, let dtype = json?["dtype"]?.string, let shape {
            return .tooLarge(type: type, dtype: dtype, shape: shape)
        }
        return .other(type: type, dtype: json?["dtype"]?.string, shape: shape)
    }
}

/// A failure of a request to the kernel: the Python error (`NameError: name 'acc' is not
/// defined`), where in the notebook's code it was raised, and which part of a request failed.
struct KernelBridgeError: Error {
    var message: String
    /// The notebook line of the innermost frame of notebook code, when the error passed through one.
    var location: SourceLocation?
    /// `args`, `grad` or `loss` for a gradient check's request.
    var stage: String?

    init(message: String, location: SourceLocation? = nil, stage: String? = nil) {
        self.message = message
        self.location = location
        self.stage = stage
    }

    /// The error in a reply or encoded value, or nil when it holds none.
    init?(_ json: JSONValue?, session: KernelSession) {
        guard let message = json?["error"]?.string else { return nil }
        let frames = json?["frames"]?.array?.compactMap(\.string) ?? []
        self.init(message: message, location: frames.last.flatMap { session.failingLine(in: [$0]) }, stage: json?["stage"]?.string)
    }

    /// " (raised at notebook line 57)" when the line is known.
    var whereRaised: String {
        location.map { " (raised at line \($0.line))" } ?? ""
    }
}

extension KernelSession {
    /// The most seconds one request may take when the cell gives no `:timeout:`.
    static let bridgeTimeout = 600.0

    /// Sends `request` to `KernelBridgeHelper` in the kernel and returns its reply.
    /// - Throws: `KernelBridgeError` when the kernel died, ran past `timeout` or sent no reply.
    func bridge(_ request: JSONValue, timeout: Double? = nil) throws -> JSONValue {
        let encoded: [UInt8]
        do { encoded = try request.encoded() } catch { throw KernelBridgeError(message: "the request could not be encoded: \(error)") }
        let code = KernelBridgeHelper.code(request: Data(encoded).base64EncodedString())
        let result: ExecutionResult
        do {
            result = try client.execute(code, timeout: timeout ?? Self.bridgeTimeout)
        } catch let error as KernelError {
            throw KernelBridgeError(message: error.description)
        }
        switch result.status {
        case .ok: break
        case .error:
            let error = result.error
            throw KernelBridgeError(message: error.map { "\($0.name): \($0.value)" } ?? "the kernel failed")
        case .interrupted, .restarted:
            throw KernelBridgeError(message: "the kernel did not answer within \(Self.format(timeout ?? Self.bridgeTimeout)) s")
        }
        for output in result.outputs {
            if case .display(let bundle, _) = output, let reply = bundle.data[KernelBridgeHelper.mimeType] { return reply }
        }
        throw KernelBridgeError(message: "the kernel sent no answer")
    }

    /// The values of Python `expressions` in the kernel, arrays of at most `limit` values;
    /// `text` also takes the `str()` of values that are not number arrays.
    func values(of expressions: [String], text: Bool, limit: Int) throws -> [KernelValue] {
        let reply = try bridge(["op": "values", "expressions": .array(expressions.map(JSONValue.string)),
                                "text": .bool(text), "limit": .number(Double(limit))])
        if let error = KernelBridgeError(reply, session: self) { throw error }
        let values = reply["values"]?.array ?? []
        guard values.count == expressions.count else { throw KernelBridgeError(message: "the kernel's answer lacks values") }
        return values.map { KernelValue.decode($0, session: self) }
    }
}
