/// `solve(A, b)`, `inv(A)` and `lstsq(A, b)` through LAPACK, with located errors for a matrix
/// that is not square or is singular, and their derivatives for the tape: for X = A⁻¹,
/// ∂A = −Xᵀ·G·Xᵀ; for x = solve(A, b), ∂b = λ = solve(Aᵀ, G) and ∂A = −λ·xᵀ.
extension ExpressionEvaluator {
    func linearAlgebra(_ name: String, _ bound: [String: ExpressionNode], _ node: ExpressionNode) throws -> Traced {
        let matrixNode = bound["A"]!
        let a = try evaluate(matrixNode)
        let here = location(matrixNode.span.lowerBound)
        guard a.value.rank == 2 else {
            throw Diagnostic.error("\(name)() needs a matrix A, got \(a.value.shapeDescription)", at: here,
                                   hint: "A is rows × columns, e.g. X.T @ X")
        }
        let (m, n) = (a.value.shape[0], a.value.shape[1])
        if name == "inv" {
            guard m == n else { throw notSquare(name, a.value, at: here) }
            let out = Tensor(shape: [n, n], data: try factorised(name, at: here) { try LAPACK.inverse(a.value.data, n: n) })
            return try record(out, [a]) { g in
                let t = out.transposed
                return [try Tensor.matmul(try Tensor.matmul(t, g), t).map { -$0 }]
            }
        }
        let rightNode = bound["b"]!
        let b = try evaluate(rightNode)
        guard (1...2).contains(b.value.rank), b.value.shape[0] == m else {
            throw Diagnostic.error("\(name)(A, b): A is \(a.value.shapeDescription), so b needs \(m) rows, got \(b.value.shapeDescription)",
                                   at: location(rightNode.span.lowerBound), hint: "b is a vector of \(m) entries, or a matrix of \(m) rows (one right-hand side per column)")
        }
        let columns = b.value.rank == 2 ? b.value.shape[1] : 1
        let outShape = b.value.rank == 2 ? [n, columns] : [n]
        if name == "lstsq" {
            if tape != nil, a.id != nil || b.id != nil {
                throw Diagnostic.error("lstsq has no derivative here", at: location(node.span.lowerBound),
                                       hint: "for A of full column rank, solve(A.T @ A, A.T @ b) is the same x and has one")
            }
            return Traced(Tensor(shape: outShape, data: LAPACK.leastSquares(a.value.data, rows: m, cols: n, b.value.data, columns: columns).x))
        }
        guard m == n else { throw notSquare(name, a.value, at: here) }
        let x = Tensor(shape: outShape, data: try factorised(name, at: here) { try LAPACK.solve(a.value.data, n: n, b.value.data, columns: columns) })
        let matrix = a.value
        return try record(x, [a, b]) { g in
            let lambda = Tensor(shape: outShape, data: try! LAPACK.solve(matrix.transposed.data, n: n, g.data, columns: columns))
            let l2 = Tensor(rows: n, cols: columns, data: lambda.data), x2 = Tensor(rows: n, cols: columns, data: x.data)
            return [try Tensor.matmul(l2, x2.transposed).map { -$0 }, lambda]
        }
    }

    private func notSquare(_ name: String, _ a: Tensor, at location: SourceLocation) -> Diagnostic {
        Diagnostic.error("\(name)() needs a square matrix, got \(a.shapeDescription)", at: location,
                         hint: name == "solve" ? "for more equations than unknowns, lstsq(A, b) gives the least-squares x; or solve the normal equations solve(A.T @ A, A.T @ b)"
                             : "only a square matrix has an inverse; for least squares use lstsq(A, b)")
    }

    /// Runs a factorising LAPACK call, turning a singular matrix into a located error.
    private func factorised(_ name: String, at location: SourceLocation, _ body: () throws -> [Double]) throws -> [Double] {
        do {
            return try body()
        } catch LAPACK.Failure.singular(let column) {
            throw Diagnostic.error("\(name)(): the matrix is singular (column \(column) is a combination of the columns before it: elimination found a zero pivot)",
                                   at: location, hint: "remove columns that repeat others, or use lstsq(A, b), which gives the least-squares x of least norm")
        } catch LAPACK.Failure.illConditioned(let reciprocal) {
            throw Diagnostic.error("\(name)(): the matrix is singular to Float64 precision (condition number about \(NumberText.compact(1 / max(reciprocal, .leastNonzeroMagnitude))))",
                                   at: location, hint: "its columns are nearly dependent: remove or rescale some, or use lstsq(A, b)")
        }
    }
}
