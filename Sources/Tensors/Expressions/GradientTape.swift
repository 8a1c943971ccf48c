/// A value computed during evaluation, with its entry on the gradient tape when it
/// depends on a parameter being differentiated (nil: a constant).
struct Traced {
    var value: Tensor
    var id: Int?

    init(_ value: Tensor, id: Int? = nil) {
        self.value = value
        self.id = id
    }
}

/// The record of one forward evaluation for reverse-mode differentiation: each entry is a
/// value that depends on a parameter, the entries it was computed from, and its backward
/// rule (the upstream gradient in, one gradient per input out, each of its input's shape).
///
/// Entries are appended in evaluation order, so walking them backwards visits every value
/// after all values computed from it. The values the rules keep count against the memory
/// budget as a whole.
final class GradientTape {
    typealias Backward = (Tensor) throws -> [Tensor?]

    private struct Entry {
        var inputs: [Int?]
        var shape: [Int]
        var backward: Backward
    }

    private var entries: [Entry] = []
    private var bytes = 0
    /// Elementwise functions whose derivative the backward pass takes as 1: what a
    /// backpropagation that forgets an activation's derivative computes.
    var passesThrough: Set<String> = []

    /// A parameter: an entry with no inputs.
    func leaf(_ value: Tensor) -> Traced {
        entries.append(Entry(inputs: [], shape: value.shape, backward: { _ in [] }))
        return Traced(value, id: entries.count - 1)
    }

    /// Records `value`, computed from `inputs` (nil for constants).
    func record(_ value: Tensor, inputs: [Int?], _ backward: @escaping Backward, budget: MemoryBudget) throws -> Traced {
        bytes += value.count * MemoryLayout<Double>.stride
        if bytes > budget.bytes {
            throw ShapeError("the gradient needs the intermediate values of the whole evaluation, \(MemoryBudget.describe(bytes: Double(bytes))) so far, over the memory limit of \(MemoryBudget.describe(bytes: Double(budget.bytes)))",
                             hint: "use fewer rows, or raise the limit with --memory-limit")
        }
        entries.append(Entry(inputs: inputs, shape: value.shape, backward: backward))
        return Traced(value, id: entries.count - 1)
    }

    /// The gradient of entry `output` (a scalar) with respect to every entry it depends on;
    /// `checkCancelled` is polled between entries.
    func gradients(of output: Int, checkCancelled: () throws -> Void) throws -> [Tensor?] {
        var gradients = [Tensor?](repeating: nil, count: entries.count)
        gradients[output] = Tensor.filled(entries[output].shape, 1)
        for id in stride(from: output, through: 0, by: -1) {
            guard let upstream = gradients[id] else { continue }
            let entry = entries[id]
            if entry.inputs.isEmpty { continue }
            try checkCancelled()
            let inputGradients = try entry.backward(upstream)
            for (input, gradient) in zip(entry.inputs, inputGradients) {
                guard let input, let gradient else { continue }
                if let sum = gradients[input] {
                    gradients[input] = try Tensor.zip(sum, gradient, "+", +)
                } else {
                    gradients[input] = gradient
                }
            }
        }
        return gradients
    }
}
