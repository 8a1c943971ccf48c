import Foundation

/// NumPy arrays of the page's kernel as tensors of nbrun's expressions (`:from-python:`).
enum KernelArrays {
    /// The most values one array may bring: 80 MB as Float64 (a slice of a data set, not all of it).
    static let valueLimit = 10_000_000

    /// The arrays `names` of the kernel, by name.
    /// - Throws: a `Diagnostic` at the name: unknown in the kernel (the Python error as hint),
    ///   not a bool, integer or float array, more than two axes, too large.
    static func fetch(_ names: [KernelName], option: String, in context: ExecutionContext) throws -> [String: Tensor] {
        guard let first = names.first else { return [:] }
        let session = try context.kernelSession(for: ":\(option):", at: first.location)
        let limit = min(valueLimit, context.settings.memoryBudget.bytes / 8)
        let values: [KernelValue]
        do {
            values = try session.values(of: names.map(\.name), text: false, limit: limit)
        } catch let error as KernelBridgeError {
            throw Diagnostic.error("the kernel did not answer for :\(option):", at: first.location, hint: error.message)
        }
        var tensors: [String: Tensor] = [:]
        for (name, value) in zip(names, values) {
            tensors[name.name] = try tensor(value, name: name, limit: limit)
        }
        return tensors
    }

    static func tensor(_ value: KernelValue, name: KernelName, limit: Int) throws -> Tensor {
        let n = name.name
        switch value {
        case .array(let array, _):
            guard array.shape.count <= 2 else {
                throw Diagnostic.error("\(n) has shape \(KernelInlineValue.shape(array.shape)), but nbrun's expressions take numbers, vectors and matrices",
                                       at: name.location, hint: "flatten it in a code cell, e.g. \(n)_flat = \(n).reshape(len(\(n)), -1)")
            }
            return Tensor(shape: array.shape, data: array.values)
        case .tooLarge(_, _, let shape):
            let count = shape.reduce(1, *)
            throw Diagnostic.error("\(n) has shape \(KernelInlineValue.shape(shape)), \(NumberText.grouped(count)) values: more than the \(NumberText.grouped(limit)) an array of the kernel may bring",
                                   at: name.location, hint: "bind a part of it, e.g. \(n)_small = \(n)[:1000] in a code cell")
        case .other(let type, let dtype, _):
            let what = dtype.map { "a \(type) of dtype \($0)" } ?? "a \(type)"
            throw Diagnostic.error("\(n) is \(what), not an array of numbers", at: name.location,
                                   hint: "bind a bool, integer or float NumPy array, e.g. numpy.asarray(\(n), dtype=float)")
        case .text(_, let type):
            throw Diagnostic.error("\(n) is a \(type), not an array of numbers", at: name.location,
                                   hint: "bind a bool, integer or float NumPy array")
        case .failed(let error):
            throw Diagnostic.error("the kernel has no value '\(n)'\(error.whereRaised)", at: name.location, hint: error.message)
        }
    }
}
