import Foundation

/// The backward rule of each differentiable operation: given the upstream gradient `g`
/// (the shape of the operation's result), the gradient for each input, in its shape.
///
/// Broadcasting is undone by summing over the stretched axes. Where a function has a kink,
/// the subgradient is the usual one: `relu` and `abs` take 0 at 0; `maximum`/`minimum`
/// (so also `clip`) and `max`/`min` split the gradient equally between tied values, which
/// is what central differences measure there.
enum GradientRules {
    /// Sums `g` over the axes along which a tensor of `shape` was stretched to `g`'s shape.
    static func unbroadcast(_ g: Tensor, to shape: [Int]) throws -> Tensor {
        if g.shape == shape { return g }
        if g.rank > 2 {
            // Images meet only their own shape or a single value (`Tensor.zip`).
            return Tensor(shape: shape, data: [g.data.reduce(0, +)])
        }
        var reduced = g
        let padded = [Int](repeating: 1, count: g.rank - shape.count) + shape
        for axis in (0..<g.rank).reversed() where padded[axis] == 1 && reduced.shape[axis] != 1 {
            reduced = try reduced.reduce(.sum, axis: axis, keepdims: true)
        }
        return Tensor(shape: shape, data: reduced.data)
    }

    static func arithmetic(_ op: BinaryOperator, _ g: Tensor, _ x: Tensor, _ y: Tensor, _ out: Tensor) throws -> [Tensor?] {
        let dx: Tensor, dy: Tensor
        switch op {
        case .add:
            (dx, dy) = (g, g)
        case .subtract:
            (dx, dy) = (g, g.map { -$0 })
        case .multiply:
            (dx, dy) = (try Tensor.zip(g, y, "*", *), try Tensor.zip(g, x, "*", *))
        case .divide:
            dx = try Tensor.zip(g, y, "/", /)
            dy = try Tensor.zip(try Tensor.zip(g, out, "*", *), y, "/") { -$0 / $1 }
        case .power:
            // d(x^y)/dx = y·x^(y−1); d(x^y)/dy = x^y·ln x, taken as 0 where x^y is 0.
            dx = try Tensor.zip(g, try Tensor.zip(x, y, "**") { $1 * Foundation.pow($0, $1 - 1) }, "*", *)
            dy = try Tensor.zip(g, try Tensor.zip(out, x, "**") { $0 == 0 ? 0 : $0 * Foundation.log($1) }, "*", *)
        default:
            return [nil, nil]
        }
        return [try unbroadcast(dx, to: x.shape), try unbroadcast(dy, to: y.shape)]
    }

    /// `x @ y` with NumPy's vector rules: a vector on the left is a row, on the right a column.
    static func matmul(_ g: Tensor, _ x: Tensor, _ y: Tensor) -> [Tensor?] {
        let x2 = x.rank == 2 ? x : Tensor(rows: 1, cols: x.count, data: x.data)
        let y2 = y.rank == 2 ? y : Tensor(rows: y.count, cols: 1, data: y.data)
        let g2 = Tensor(rows: x2.shape[0], cols: y2.shape[1], data: g.data)
        let dx = try! Tensor.matmul(g2, y2.transposed)
        let dy = try! Tensor.matmul(x2.transposed, g2)
        return [Tensor(shape: x.shape, data: dx.data), Tensor(shape: y.shape, data: dy.data)]
    }

    /// Indexing: each picked value's gradient goes back to its position.
    static func scatter(_ g: Tensor, _ positions: [Int], into shape: [Int]) -> Tensor {
        var result = Tensor.filled(shape, 0)
        for (i, position) in positions.enumerated() { result.data[position] += g.data[i] }
        return result
    }

    /// An elementwise function: `g` times its derivative, the table's formula evaluated at `x`
    /// and `out` (the function's value).
    static func elementwise(_ op: ElementwiseOp, _ g: Tensor, _ x: Tensor, _ out: Tensor) -> Tensor {
        let derivative = try! ExpressionScope(values: ["x": x, "out": out]).evaluate(op.derivativeExpression)
        return try! Tensor.zip(g, derivative, "*", *)
    }

    /// `maximum`/`minimum`: the gradient goes to the chosen value, half to each on a tie.
    static func extreme(_ isMaximum: Bool, _ g: Tensor, _ x: Tensor, _ y: Tensor) throws -> [Tensor?] {
        let share = try Tensor.zip(x, y, "maximum") { u, v in u == v ? 0.5 : (isMaximum ? u > v : u < v) ? 1 : 0 }
        let dx = try Tensor.zip(g, share, "*", *)
        let dy = try Tensor.zip(g, share, "*") { $0 * (1 - $1) }
        return [try unbroadcast(dx, to: x.shape), try unbroadcast(dy, to: y.shape)]
    }

    /// `where(condition, a, b)`: the gradient goes to `a` where the mask is 1, else to `b`.
    static func select(_ g: Tensor, _ mask: Tensor, _ aShape: [Int], _ bShape: [Int]) throws -> [Tensor?] {
        let da = try Tensor.zip(g, mask, "*", *)
        let db = try Tensor.zip(g, mask, "*") { $0 * (1 - $1) }
        return [try unbroadcast(da, to: aShape), try unbroadcast(db, to: bShape)]
    }

    /// `softmax(x, axis)`: s ⊙ (g − Σ g ⊙ s) within each group.
    static func softmax(_ g: Tensor, _ s: Tensor, axis: Int) -> Tensor {
        guard s.rank > 0, let groups = try? s.reductionGroups(axis: axis) else { return Tensor.filled(s.shape, 0) }
        var out = s.data
        for group in 0..<groups.count {
            let start = groups.start(group)
            var dot = 0.0
            for t in 0..<groups.length { dot += g.data[start + t * groups.stride] * s.data[start + t * groups.stride] }
            for t in 0..<groups.length {
                let i = start + t * groups.stride
                out[i] = s.data[i] * (g.data[i] - dot)
            }
        }
        return Tensor(shape: s.shape, data: out)
    }

    /// `sum`, `mean`, `max`, `min` and `logsumexp`, along `axis` or over everything.
    static func reduction(_ kind: Reduction, _ g: Tensor, _ x: Tensor, _ out: Tensor, axis: Int?) throws -> Tensor {
        let kept = try x.reducedShape(axis: axis, keepdims: true)
        let upstream = Tensor(shape: kept, data: g.data).broadcasted(to: x.shape)
        let result = Tensor(shape: kept, data: out.data).broadcasted(to: x.shape)
        let length = Double(try x.reductionGroups(axis: axis).length)
        switch kind {
        case .sum:
            return upstream
        case .mean:
            return upstream.map { $0 / length }
        case .max, .min:
            let hits = try Tensor.zip(x, result, "==") { $0 == $1 ? 1 : 0 }
            let ties = try hits.reduce(.sum, axis: axis, keepdims: true)
            let share = try Tensor.zip(hits, ties, "/", /)
            return try Tensor.zip(upstream, share, "*", *)
        case .logsumexp:
            let weights = try Tensor.zip(x, result, "-") { Foundation.exp($0 - $1) }
            return try Tensor.zip(upstream, weights, "*", *)
        case .argmax:
            return Tensor.filled(x.shape, 0)
        }
    }
}
