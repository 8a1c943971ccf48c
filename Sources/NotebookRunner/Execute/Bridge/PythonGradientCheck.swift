import Foundation
import JupyterKernel

/// `{gradcheck} :python: loss, grad` with `:args: W, b, X_batch, y_batch`: the author's Python
/// gradient function against central differences of the author's Python loss function, both
/// called in the page's kernel.
///
/// The arguments are Python expressions of the kernel; the first ones are the parameters, as
/// many as `grad` returns arrays (one array, or a tuple of them, each of its parameter's shape).
/// nbrun picks the point — each parameter's value in the kernel plus seeded normal noise of
/// standard deviation `noise` × max(1, its root mean square), so a check never sits on the
/// author's zeros — draws the entries, and sends the point as `.npy` bytes: the kernel calls
/// `grad` there and the loss with each drawn entry moved by ±ε (`KernelBridgeHelper`), and
/// nbrun takes the differences and compares. The verdict, the minimum of entries compared and
/// the hints (wrong sign, a constant factor, the true-class-only mistake when the arguments
/// look like softmax regression) are `GradientCheck`'s and `GradientHints`'.
struct PythonGradientCheck {
    var loss: KernelName
    var grad: KernelName
    var arguments: [KernelName]
    var epsilon: Double
    var tolerance: Double
    var seed: UInt64
    var entries: GradientCheck.EntryCount

    /// The noise added to each parameter, relative to its size.
    static let noise = 0.01
    /// Without `:entries:`, at most this many entries of each parameter are checked (each costs
    /// two calls of the loss in the kernel).
    static let automaticEntries = 2_000
    /// Entries sent to the kernel per request, between which progress is reported.
    static let block = 1_000

    /// The arguments of `:args:`, split at the commas outside brackets and strings.
    static func splitArguments(_ text: String, at location: SourceLocation) throws -> [KernelName] {
        let scalars = Array(text.unicodeScalars)
        let ends = PythonTopLevel.offsets(of: ",", in: scalars) + [scalars.count]
        var start = 0
        return try ends.map { end in
            defer { start = end + 1 }
            let part = scalars[start..<end]
            let leading = part.prefix { $0 == " " || $0 == "\t" }.count
            let word = String(String.UnicodeScalarView(part)).trimmingCharacters(in: .whitespaces)
            guard !word.isEmpty else {
                throw Diagnostic.error("option :args: has an empty argument", at: location.advanced(byColumns: start),
                                       hint: "Python expressions separated by commas, parameters first, e.g. :args: W, b, X[:64], y[:64]")
            }
            return KernelName(name: word, location: location.advanced(byColumns: start + leading))
        }
    }

    /// A parameter at the point of the check.
    struct Parameter {
        var position: Int
        var name: String
        var shape: [Int]
        var point: [Double]
        var scale: Double
        var indices: [Int]
    }

    func report(in context: ExecutionContext) throws -> GradientCheckReport {
        let session = try context.kernelSession(for: "{gradcheck} :python:", at: loss.location)
        let limit = min(KernelArrays.valueLimit, context.settings.memoryBudget.bytes / 8)
        let values: [KernelValue]
        do {
            values = try session.values(of: arguments.map(\.name), text: false, limit: limit)
        } catch let error as KernelBridgeError {
            throw Diagnostic.error("the kernel did not answer for :args:", at: arguments[0].location, hint: error.message)
        }
        for (argument, value) in zip(arguments, values) {
            if case .failed(let error) = value {
                throw Diagnostic.error("the kernel could not evaluate the argument '\(argument.name)'\(error.whereRaised)",
                                       at: argument.location, hint: error.message)
            }
        }
        // The gradient at the author's values says how many parameters there are, and their shapes.
        let first = try differences(session, point: [:], entries: [:], withGradient: true, context: context)
        let shapes = first.gradient.map(\.shape)
        guard shapes.count <= arguments.count else {
            throw Diagnostic.error("\(grad.name) returned \(shapes.count) arrays, but :args: has only \(arguments.count) arguments",
                                   at: grad.location, hint: "the gradient returns one array per parameter, and the parameters come first in :args:")
        }
        var parameters: [Parameter] = []
        var generator = Xoshiro256StarStar(seed: seed ^ 0x9_7E4C)
        for (position, shape) in shapes.enumerated() {
            let argument = arguments[position]
            guard case .array(let value, _) = values[position] else {
                throw Diagnostic.error("'\(argument.name)' is a parameter (\(grad.name) returns an array for it), but the kernel's value is not an array of numbers of at most \(NumberText.grouped(limit)) values",
                                       at: argument.location, hint: "parameters come first in :args:, as NumPy float arrays")
            }
            guard value.shape == shape else {
                let transposed = shape.count == 2 && shape.reversed() == value.shape
                throw Diagnostic.error("\(grad.name) returns \(KernelInlineValue.shape(shape)) for \(argument.name), which is \(KernelInlineValue.shape(value.shape))",
                                       at: grad.location, hint: transposed ? "the shape is transposed: swap the operands of '@' or add/remove a .T"
                                           : "a gradient has the shape of its parameter, and the gradient's arrays come in the order of :args:")
            }
            let meanSquare = value.values.reduce(0) { $0 + $1 * $1 } / Double(max(1, value.values.count))
            let scale = Self.noise * max(1, meanSquare.squareRoot())
            let point = value.values.map { $0 + scale * generator.normal() }
            let limitOfEntries: Int
            switch entries {
            case .automatic: limitOfEntries = min(value.values.count, Self.automaticEntries)
            default: limitOfEntries = entries.limit(of: value.values.count, valuesPerEvaluation: 0)
            }
            let indices = GradientCheck.indices(count: value.values.count, limit: limitOfEntries, seed: seed &+ UInt64(position))
            parameters.append(Parameter(position: position, name: argument.name, shape: shape, point: point, scale: scale, indices: indices))
        }
        let points = Dictionary(uniqueKeysWithValues: parameters.map { ($0.position, NPYArray(shape: $0.shape, values: $0.point)) })
        var gradient: [NPYArray] = []
        var losses: [Int: (up: [Double], down: [Double])] = [:]
        var lossAtPoint = Double.nan
        let total = parameters.reduce(0) { $0 + $1.indices.count }
        var done = 0
        for parameter in parameters {
            var offset = 0
            repeat {
                let slice = Array(parameter.indices[offset ..< min(parameter.indices.count, offset + Self.block)])
                let answer = try differences(session, point: points, entries: [parameter.position: slice],
                                             withGradient: gradient.isEmpty, context: context)
                if gradient.isEmpty {
                    gradient = answer.gradient
                    lossAtPoint = answer.loss ?? .nan
                }
                let moved = answer.moved[parameter.position] ?? ([], [])
                losses[parameter.position, default: ([], [])].up += moved.up
                losses[parameter.position, default: ([], [])].down += moved.down
                offset += slice.count
                done += slice.count
                try context.checkCancelled()
                context.progress("\(parameter.name): \(done) of \(total) entries")
            } while offset < parameter.indices.count
        }
        guard lossAtPoint.isFinite else {
            throw Diagnostic.error("\(loss.name) is \(TensorFormatter.significant(lossAtPoint, 3)) at the point of the check", at: loss.location,
                                   hint: "look for log(0) or an exp that overflows: subtract the row's maximum before exp")
        }
        let hintScope = softmaxRegressionScope(values: values, parameters: parameters)
        var items: [GradientCheckReport.Item] = []
        for parameter in parameters {
            let analytic = tensor(gradient[parameter.position].values, shape: parameter.shape)
            let (up, down) = losses[parameter.position] ?? ([], [])
            let checked = zip(parameter.indices, zip(up, down)).map { index, pair -> GradientCheck.Entry in
                let numeric = (pair.0 - pair.1) / (2 * epsilon)
                return GradientCheck.Entry(index: index, analytic: analytic.data[index], numeric: numeric,
                                           stencil: numeric.isFinite ? .central : .skipped)
            }
            let result = GradientCheck.Result(name: parameter.name, shape: analytic.shape, entries: checked, tolerance: tolerance)
            let patterns = hintScope.map { GradientHints.softmaxRegressionPatterns(shape: analytic.shape, in: $0) } ?? []
            let hints = GradientHints.hints(for: result, analytic: analytic, patterns: patterns, samples: hintScope?["N"]?.scalar)
            items.append(GradientCheckReport.Item(result: result, analytic: analytic, hints: hints, location: grad.location,
                                                  metricPrefix: Self.metricPrefix(parameter.name, position: parameter.position)))
        }
        let call = "(" + arguments.map(\.name).joined(separator: ", ") + ")"
        let moved = parameters.map { "\($0.name) \(Tensor.describe($0.shape)) (σ = \(TensorFormatter.significant($0.scale, 3)))" }
        var descriptions = ["\(loss.name)\(call) and \(grad.name)\(call), called in the Jupyter kernel"]
        descriptions.append("at the kernel's values plus seeded normal noise: " + moved.joined(separator: ", ") + "; seed \(seed)")
        let inputs = parameters.first { $0.shape.count == 2 }?.shape[0]
        let side = inputs.map { Int(Double($0).squareRoot().rounded()) }
        let tile = side.flatMap { $0 >= 8 && $0 * $0 == inputs ? ($0, $0) : nil }
        return GradientCheckReport(items: items, descriptions: descriptions, epsilon: epsilon, tile: tile)
    }

    /// What one `differences` request gave.
    struct Differences {
        var gradient: [NPYArray] = []
        var loss: Double?
        var moved: [Int: (up: [Double], down: [Double])] = [:]
    }

    private func differences(_ session: KernelSession, point: [Int: NPYArray], entries: [Int: [Int]], withGradient: Bool,
                             context: ExecutionContext) throws -> Differences {
        var pointJSON: [String: JSONValue] = [:]
        for (position, array) in point { pointJSON[String(position)] = .string(Data(array.bytes()).base64EncodedString()) }
        var entriesJSON: [String: JSONValue] = [:]
        for (position, list) in entries { entriesJSON[String(position)] = .array(list.map { .number(Double($0)) }) }
        let reply: JSONValue
        do {
            reply = try session.bridge([
                "op": "differences", "loss": .string(loss.name), "grad": .string(grad.name),
                "args": .array(arguments.map { .string($0.name) }), "point": .object(pointJSON), "entries": .object(entriesJSON),
                "eps": .number(epsilon), "with_grad": .bool(withGradient), "limit": .number(Double(KernelArrays.valueLimit)),
            ])
        } catch let error as KernelBridgeError {
            throw Diagnostic.error("the kernel did not answer the gradient check", at: grad.location, hint: error.message)
        }
        if let error = KernelBridgeError(reply, session: session) {
            switch error.stage {
            case "grad":
                throw Diagnostic.error("\(grad.name) raised an error\(error.whereRaised)", at: grad.location, hint: error.message)
            case "loss":
                throw Diagnostic.error("\(loss.name) raised an error\(error.whereRaised)", at: loss.location, hint: error.message)
            default:
                throw Diagnostic.error("the kernel could not evaluate :args:\(error.whereRaised)", at: arguments[0].location, hint: error.message)
            }
        }
        var answer = Differences()
        for (index, part) in (reply["grad"]?.array ?? []).enumerated() {
            switch KernelValue.decode(part, session: session) {
            case .array(let array, _): answer.gradient.append(array)
            case .tooLarge(_, _, let shape):
                throw Diagnostic.error("\(grad.name)'s array \(index + 1) has shape \(KernelInlineValue.shape(shape)): too large to check",
                                       at: grad.location, hint: "check the gradient on fewer rows or a smaller model")
            default:
                throw Diagnostic.error("\(grad.name) returned something that is not an array of numbers (item \(index + 1))", at: grad.location,
                                       hint: "return one NumPy array per parameter: an array, or a tuple of arrays")
            }
        }
        if withGradient, answer.gradient.isEmpty {
            throw Diagnostic.error("\(grad.name) returned no array", at: grad.location, hint: "return one NumPy array per parameter")
        }
        if case .number(let value)? = reply["loss"] { answer.loss = value }
        for (key, value) in reply["moved"]?.object ?? [:] {
            guard let position = Int(key) else { continue }
            func read(_ field: String) throws -> [Double] {
                guard let text = value[field]?.string, let bytes = Data(base64Encoded: text) else { return [] }
                return try NPYArray.read(Array(bytes)).values
            }
            answer.moved[position] = (try read("up"), try read("down"))
        }
        return answer
    }

    /// A tensor for the report: a matrix or vector as it is, more axes flattened.
    private func tensor(_ values: [Double], shape: [Int]) -> Tensor {
        shape.count <= 2 ? Tensor(shape: shape, data: values) : Tensor(vector: values)
    }

    /// The names of softmax regression (`X`, `Y`, `N`, `W`, `b`) when the arguments look like it:
    /// a matrix parameter W (inputs × classes), perhaps a vector b (classes), data X (rows ×
    /// inputs) and labels y (rows, whole numbers below classes) or one-hot Y (rows × classes).
    /// The true-class-only hint is computed from them.
    private func softmaxRegressionScope(values: [KernelValue], parameters: [Parameter]) -> ExpressionScope? {
        guard let w = parameters.first(where: { $0.shape.count == 2 }) else { return nil }
        let (inputs, classes) = (w.shape[0], w.shape[1])
        let b = parameters.first { $0.shape == [classes] }
        let data = values.enumerated().filter { index, _ in !parameters.contains { $0.position == index } }.compactMap { _, value -> NPYArray? in
            if case .array(let array, _) = value { return array }
            return nil
        }
        guard let x = data.first(where: { $0.shape.count == 2 && $0.shape[1] == inputs }) else { return nil }
        let rows = x.shape[0]
        var onehot: [Double]?
        if let y = data.first(where: { $0.shape == [rows] && $0.values.allSatisfy { $0 >= 0 && $0 < Double(classes) && $0 == $0.rounded() } }) {
            var values = [Double](repeating: 0, count: rows * classes)
            for (row, label) in y.values.enumerated() { values[row * classes + Int(label)] = 1 }
            onehot = values
        } else if let y = data.first(where: { $0.shape == [rows, classes] && $0.values.allSatisfy { $0 == 0 || $0 == 1 } }) {
            onehot = y.values
        }
        guard let onehot else { return nil }
        return ExpressionScope(values: [
            "X": Tensor(rows: rows, cols: inputs, data: x.values), "Y": Tensor(rows: rows, cols: classes, data: onehot),
            "N": Tensor(scalar: Double(rows)), "W": Tensor(rows: inputs, cols: classes, data: w.point),
            "b": Tensor(vector: b?.point ?? [Double](repeating: 0, count: classes)),
        ])
    }

    /// The metric prefix of a parameter: its name when it is one, else `arg1`, `arg2`, ….
    static func metricPrefix(_ name: String, position: Int) -> String {
        let plain = name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        return plain && !name.isEmpty ? name : "arg\(position + 1)"
    }
}
