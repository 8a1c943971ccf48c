/// How a value of a model's graph depends on the rows of the batch it is computed on: what
/// decides whether a batch may be computed in chunks of rows whose results are added up.
///
/// A full batch of 60,000 rows is computed in chunks to bound memory. That gives exactly the
/// batch's numbers only when the loss is a sum over rows (and values that do not depend on
/// the rows), the probabilities are computed row by row, and every mean over the rows divides
/// by the batch's rows, not the chunk's. `Graph` works this out for every node it adds; a
/// model whose loss or probabilities are `.whole` (a statistic over the rows fed back into
/// the rows, a nonlinear function of a sum over rows, …) is computed as one batch.
enum RowDependence: Sendable, Hashable {
    /// Does not depend on the rows: parameters, constants, `N`.
    case none
    /// One entry per row along `axis` (0 or 1), each computed from its own row only.
    case perRow(axis: Int)
    /// A sum over the rows, or a linear combination of such sums (with anything that does not
    /// depend on the rows weighted by the chunk's share): the chunks' values add up to the batch's.
    case additive
    /// Depends on the batch as a whole in any other way.
    case whole

    /// How a binary operation treats values that are sums over rows.
    enum Combination {
        /// `+`, `-`: sums add.
        case sum
        /// `*`: a sum times something that does not depend on the rows.
        case product
        /// `/`: a sum divided by something that does not depend on the rows.
        case quotient
        /// Anything else is not linear in the sums.
        case other
    }

    /// The dependence of a node with `op` and `shape`, from its inputs' (already in `graph`).
    /// Inputs (`.input`) have no rule here: the program that declares them says.
    static func of(_ op: Graph.Op, shape: [Int], in graph: Graph) -> RowDependence {
        switch op {
        case .input: return .whole
        case .parameter, .constant: return .none
        case let .matmul(a, transposeA, b, transposeB):
            let left = graph.nodes[a].rows.transposed(if: transposeA), right = graph.nodes[b].rows.transposed(if: transposeB)
            switch (left, right) {
            case (.none, .none): return .none
            case (.perRow(0), .none): return .perRow(axis: 0)
            case (.none, .perRow(1)): return .perRow(axis: 1)
            // Rows against rows along the contracted axis: Σ over rows of a row's product.
            case (.perRow(1), .perRow(0)): return .additive
            case (.additive, .none), (.none, .additive): return .additive
            default: return .whole
            }
        case .transpose(let a):
            // A vector made a column for `@` (or turned back into a vector) keeps its rows on axis 0.
            if graph.shape(a).count == 1 || shape.count == 1, case .perRow = graph.nodes[a].rows { return .perRow(axis: 0) }
            return graph.nodes[a].rows.transposed(if: true)
        case let .unary(kind, a):
            let input = graph.nodes[a].rows
            return input == .additive && kind != .negate ? .whole : input
        case let .binary(kind, a, b):
            let combination: Combination
            switch kind {
            case .add, .subtract: combination = .sum
            case .multiply: combination = .product
            case .divide: combination = .quotient
            default: combination = .other
            }
            return elementwise([a, b], shape: shape, combination: combination, in: graph)
        case let .select(c, a, b):
            return elementwise([c, a, b], shape: shape, combination: .other, in: graph)
        case .softmax(let a), .logSoftmax(let a):
            // Along the last axis: row by row unless the rows run along it.
            switch graph.nodes[a].rows {
            case .none: return .none
            case .perRow(let axis) where axis != shape.count - 1: return .perRow(axis: axis)
            default: return .whole
            }
        case let .sum(a, axis, keep, _):
            switch graph.nodes[a].rows {
            case .perRow(let rowAxis):
                guard let axis, axis != rowAxis else { return .additive }
                return .perRow(axis: keep || axis > rowAxis ? rowAxis : rowAxis - 1)
            case let other:
                return other
            }
        case let .layer(_, inputs, _):
            // Image by image when only the first input has rows, along axis 0, and they stay there.
            let kinds = inputs.map { graph.nodes[$0].rows }
            if kinds.allSatisfy({ $0 == .none }) { return .none }
            let first = graph.shape(inputs[0])
            guard kinds[0] == .perRow(axis: 0), kinds.dropFirst().allSatisfy({ $0 == .none }), shape.first == first.first else { return .whole }
            return .perRow(axis: 0)
        case .softmaxBackward, .logSoftmaxBackward, .broadcast, .reduceTo, .extremeShare, .layerGradient:
            // Made only by differentiation, whose results add up across chunks when the loss does.
            return .whole
        }
    }

    /// The same dependence for the transposed matrix.
    func transposed(if transposes: Bool) -> RowDependence {
        guard transposes, case .perRow(let axis) = self else { return self }
        return .perRow(axis: 1 - axis)
    }

    /// Elementwise `operands` broadcast to `shape` (NumPy's rule, rank ≤ 2).
    private static func elementwise(_ operands: [Int], shape: [Int], combination: Combination, in graph: Graph) -> RowDependence {
        let kinds = operands.map { graph.nodes[$0].rows }
        if kinds.contains(.whole) { return .whole }
        // Where each operand's rows land in the result.
        var rowAxis: Int?
        for (operand, kind) in zip(operands, kinds) {
            guard case .perRow(let axis) = kind else { continue }
            let position = shape.count - graph.shape(operand).count + axis
            if let rowAxis, rowAxis != position { return .whole }
            rowAxis = position
        }
        if let rowAxis {
            if kinds.contains(.additive) { return .whole }
            // A value that does not depend on the rows must broadcast along them, not pair with them.
            for (operand, kind) in zip(operands, kinds) where kind == .none {
                let own = graph.shape(operand)
                let padded = [Int](repeating: 1, count: shape.count - own.count) + own
                if padded[rowAxis] != 1 { return .whole }
            }
            return .perRow(axis: rowAxis)
        }
        guard kinds.contains(.additive) else { return .none }
        guard kinds.count == 2 else { return .whole }
        switch (combination, kinds[0], kinds[1]) {
        case (.sum, .additive, .additive): return .additive
        case (.product, .additive, .none), (.product, .none, .additive): return .additive
        case (.quotient, .additive, .none): return .additive
        default: return .whole
        }
    }
}
