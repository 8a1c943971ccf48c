import Foundation

/// The reductions of the expression language.
public enum Reduction: String, Sendable, CaseIterable {
    case sum, mean, max, min, argmax, logsumexp
}

/// The values a reduction combines: `count` groups of `length` values each, the group
/// `g` starting at `start(g)` and stepping by `stride` through `data`.
public struct ReductionGroups: Sendable {
    public var count: Int
    public var length: Int
    public var groupStride: Int
    public var stride: Int

    public func start(_ group: Int) -> Int { group * groupStride }
}

extension Tensor {
    /// The groups reduced along `axis` (nil: all values in one group).
    public func reductionGroups(axis: Int?) throws -> ReductionGroups {
        guard let axis else { return ReductionGroups(count: 1, length: count, groupStride: 0, stride: 1) }
        let resolved = try resolveAxis(axis)
        guard rank <= 2 else {
            throw ShapeError("axis= of a \(shapeDescription) tensor: reductions along an axis take a vector or a matrix",
                             hint: "flatten(x) turns images into rows; without axis= the whole tensor is reduced")
        }
        if rank == 1 { return ReductionGroups(count: 1, length: count, groupStride: 0, stride: 1) }
        let (r, c) = (shape[0], shape[1])
        return resolved == 0 ? ReductionGroups(count: c, length: r, groupStride: 1, stride: c)
            : ReductionGroups(count: r, length: c, groupStride: c, stride: 1)
    }

    /// The shape left after reducing along `axis`; with `keepdims` the reduced axes stay with size 1.
    public func reducedShape(axis: Int?, keepdims: Bool) throws -> [Int] {
        guard let axis else { return keepdims ? [Int](repeating: 1, count: rank) : [] }
        let resolved = try resolveAxis(axis)
        var result = shape
        if keepdims { result[resolved] = 1 } else { result.remove(at: resolved) }
        return result
    }

    /// Reduces all values, or along `axis`, NumPy's way. `max`, `min` and `argmax` of an
    /// empty group are errors (they are undefined); the sum of nothing is 0, its mean nan
    /// and its logsumexp -inf. nan wins in `max`/`min`/`argmax`, as in NumPy.
    public func reduce(_ kind: Reduction, axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        let groups = try reductionGroups(axis: axis)
        let outShape = try reducedShape(axis: axis, keepdims: keepdims)
        if groups.length == 0, groups.count > 0, [.max, .min, .argmax].contains(kind) {
            let along = axis.map { " along axis \($0)" } ?? ""
            throw ShapeError("\(kind.rawValue)() of an empty tensor is undefined: its argument has shape \(shapeDescription), so there is nothing\(along) to take the \(kind == .min ? "minimum" : "maximum") of",
                             hint: "check the slice bounds (x[a:b] is empty when b ≤ a)")
        }
        var out = [Double](repeating: 0, count: groups.count)
        data.withUnsafeBufferPointer { values in
            for g in 0..<groups.count {
                let start = groups.start(g), stride = groups.stride, length = groups.length
                func at(_ t: Int) -> Double { values[start + t * stride] }
                switch kind {
                case .sum, .mean:
                    var total = 0.0
                    for t in 0..<length { total += at(t) }
                    out[g] = kind == .sum ? total : total / Double(length)
                case .max, .min:
                    var best = at(0)
                    for t in 0..<length {
                        let v = at(t)
                        if v.isNaN { best = .nan; break }
                        if kind == .max ? v > best : v < best { best = v }
                    }
                    out[g] = best
                case .argmax:
                    var best = 0
                    for t in 0..<length {
                        let v = at(t)
                        if v.isNaN { best = t; break }
                        if v > at(best) { best = t }
                    }
                    out[g] = Double(best)
                case .logsumexp:
                    var peak = -Double.infinity
                    for t in 0..<length { peak = Swift.max(peak, at(t)) }
                    if !peak.isFinite {
                        // All -inf gives -inf; any +inf gives +inf; nan stays nan.
                        var hasNaN = false
                        for t in 0..<length where at(t).isNaN { hasNaN = true }
                        out[g] = hasNaN ? .nan : peak
                        continue
                    }
                    var total = 0.0
                    for t in 0..<length { total += Foundation.exp(at(t) - peak) }
                    out[g] = peak + Foundation.log(total)
                }
            }
        }
        return Tensor(shape: outShape, data: out)
    }
}
