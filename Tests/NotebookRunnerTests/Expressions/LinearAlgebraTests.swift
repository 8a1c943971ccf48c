import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// `solve`, `inv` and `lstsq` through LAPACK: values, located errors and derivatives.
@Suite struct LinearAlgebraTests {
    static let location = SourceLocation(file: "la.md", line: 3, column: 1)

    static func evaluate(_ text: String, _ values: [String: Tensor] = [:]) throws -> Tensor {
        try ExpressionScope(values: values).evaluate(try ExpressionParser.parse(text, at: location))
    }

    static func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    /// A random n×m matrix with entries in −1…1 (plus `diagonal` on the diagonal).
    static func matrix(_ n: Int, _ m: Int, seed: UInt64, diagonal: Double = 0) -> Tensor {
        var generator = Xoshiro256StarStar(seed: seed)
        var values = (0..<n * m).map { _ in generator.unit() * 2 - 1 }
        for i in 0..<min(n, m) { values[i * m + i] += diagonal }
        return Tensor(shape: [n, m], data: values)
    }

    @Test func solveInvAndLstsqGiveTheKnownAnswers() throws {
        // [[2, 1], [1, 3]] x = [1, 2] has x = [0.2, 0.6]; its inverse is [[3, −1], [−1, 2]] / 5.
        #expect(Self.close(try Self.evaluate("solve([[2, 1], [1, 3]], [1, 2])").data, [0.2, 0.6]))
        #expect(try Self.evaluate("solve([[2, 1], [1, 3]], [1, 2])").shape == [2])
        #expect(Self.close(try Self.evaluate("inv([[2, 1], [1, 3]])").data, [0.6, -0.2, -0.2, 0.4]))
        #expect(try Self.evaluate("solve([[2, 1], [1, 3]], [[1, 0], [2, 1]])").shape == [2, 2])
        // The line through (0, 1), (1, 2), (2, 2): the least-squares intercept 7/6 and slope 1/2.
        #expect(Self.close(try Self.evaluate("lstsq([[1, 0], [1, 1], [1, 2]], [1, 2, 2])").data, [7.0 / 6, 0.5]))
        // A random system of 7 unknowns: A @ solve(A, b) is b, A @ inv(A) the identity, and
        // lstsq of a tall matrix is the solution of the normal equations.
        let a = Self.matrix(7, 7, seed: 1, diagonal: 3), b = Self.matrix(7, 1, seed: 2), tall = Self.matrix(20, 7, seed: 3)
        let values = ["A": a, "b": Tensor(vector: b.data), "T": tall, "c": Tensor(vector: Self.matrix(20, 1, seed: 4).data)]
        #expect(Self.close(try Self.evaluate("A @ solve(A, b)", values).data, b.data, 1e-10))
        let identity = (0..<49).map { $0 % 8 == 0 ? 1.0 : 0 }
        #expect(Self.close(try Self.evaluate("A @ inv(A)", values).data.map { abs($0) < 1e-13 ? 0 : $0 }, identity, 1e-10))
        #expect(Self.close(try Self.evaluate("lstsq(T, c)", values).data, try Self.evaluate("solve(T.T @ T, T.T @ c)", values).data, 1e-9))
        // A rank-deficient matrix: lstsq gives the solution of least norm (x1 = x2 here).
        let minimal = try Self.evaluate("lstsq([[1, 1], [2, 2]], [2, 4])").data
        #expect(Self.close(minimal, [1, 1], 1e-12))
    }

    @Test func badMatricesAreLocatedErrors() throws {
        func error(_ text: String) -> Diagnostic? {
            do { _ = try Self.evaluate(text); return nil } catch let diagnostic as Diagnostic { return diagnostic } catch { return nil }
        }
        let notSquare = try #require(error("solve([[1, 2, 3], [4, 5, 6]], [1, 2])"))
        #expect(notSquare.message == "solve() needs a square matrix, got (2×3)")
        #expect(notSquare.location == SourceLocation(file: "la.md", line: 3, column: 7))
        #expect(notSquare.hint?.contains("lstsq(A, b)") == true)
        let singular = try #require(error("1 + inv([[1, 2], [2, 4]])"))
        #expect(singular.message.hasPrefix("inv(): the matrix is singular (column 2"))
        #expect(singular.location?.column == 9)
        // Singular in Float64 without an exact zero pivot: the condition number says so.
        let nearly = try #require(error("solve([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [1, 1, 1])"))
        #expect(nearly.message.contains("singular"), "\(nearly.message)")
        let rows = try #require(error("solve([[2, 1], [1, 3]], [1, 2, 3])"))
        #expect(rows.message == "solve(A, b): A is (2×2), so b needs 2 rows, got (3)")
        #expect(rows.location?.column == 25)
        #expect(error("inv([1, 2])")?.message == "inv() needs a matrix A, got (2)")
    }

    /// The tape's derivatives of inv and solve against central differences.
    @Test func derivativesMatchCentralDifferences() throws {
        let a = Self.matrix(4, 4, seed: 9, diagonal: 2), b = Self.matrix(4, 2, seed: 10), weights = Self.matrix(4, 2, seed: 11)
        for loss in ["sum(solve(A, B) * C)", "sum(inv(A) @ B * C)", "sum(solve(A.T @ A, A.T @ B) ** 2)"] {
            let scope = ExpressionScope(values: ["A": a, "B": b, "C": weights])
            let parsed = try ExpressionParser.parse(loss, at: Self.location)
            let result = try ExpressionGradient.gradient(of: parsed, withRespectTo: ["A", "B"], in: scope)
            for (name, value) in [("A", a), ("B", b)] {
                var numeric: [Double] = []
                for i in 0..<value.count {
                    var plus = scope, minus = scope
                    plus.values[name]!.data[i] += 1e-6
                    minus.values[name]!.data[i] -= 1e-6
                    numeric.append((try plus.evaluate(parsed).data[0] - minus.evaluate(parsed).data[0]) / 2e-6)
                }
                #expect(Self.close(result.gradients[name]!.data, numeric, 1e-6), "\(loss): ∂\(name)")
            }
        }
        // lstsq has none: an error where a derivative is taken, not a silent zero.
        let parsed = try ExpressionParser.parse("sum(lstsq(A, B))", at: Self.location)
        #expect(throws: Diagnostic.self) {
            try ExpressionGradient.gradient(of: parsed, withRespectTo: ["A"], in: ExpressionScope(values: ["A": a, "B": b]))
        }
    }
}
