import COpenBLAS

/// Linear algebra in Float64 through the LAPACK routines OpenBLAS ships: LU factorisation with
/// a condition estimate (`dgetrf`, `dgecon`), solving (`dgetrs`), the inverse (`dgetri`) and
/// least squares by the SVD (`dgelsd`). Matrices are row-major here and transposed on the way
/// in and out (LAPACK is column-major). With `BLAS.swift`, the only files that import `COpenBLAS`.
package enum LAPACK {
    /// Why a square system has no reliable solution.
    package enum Failure: Error, Equatable {
        /// A zero pivot: the matrix is singular (column `column`, 1-based, is a combination of the others).
        case singular(column: Int)
        /// The reciprocal condition number is below machine precision: singular in Float64.
        case illConditioned(reciprocalCondition: Double)
    }

    /// Column-major copy of a row-major `rows`×`cols` matrix (and back: the same with the sizes swapped).
    static func transposed(_ values: [Double], rows: Int, cols: Int) -> [Double] {
        var out = [Double](repeating: 0, count: values.count)
        for i in 0..<rows { for j in 0..<cols { out[j * rows + i] = values[i * cols + j] } }
        return out
    }

    /// The LU factorisation of the square row-major `a` (n×n), column-major, with its pivots;
    /// throws when `a` is singular or too ill-conditioned to solve with in Float64.
    static func factor(_ a: [Double], n: Int) throws -> (lu: [Double], pivots: [Int32]) {
        _ = BLAS.onCallingThread
        var lu = transposed(a, rows: n, cols: n)
        // The 1-norm (largest column sum of |a|), which dgecon needs.
        var norm = 0.0
        for j in 0..<n { norm = max(norm, (0..<n).reduce(0) { $0 + abs(a[$1 * n + j]) }) }
        var pivots = [Int32](repeating: 0, count: n)
        var size = Int32(n), info: Int32 = 0
        dgetrf_(&size, &size, &lu, &size, &pivots, &info)
        if info > 0 { throw Failure.singular(column: Int(info)) }
        var reciprocal = 0.0
        var work = [Double](repeating: 0, count: 4 * n), iwork = [Int32](repeating: 0, count: n)
        var which = Int8(UInt8(ascii: "1"))
        dgecon_(&which, &size, lu, &size, &norm, &reciprocal, &work, &iwork, &info, 1)
        if !(reciprocal >= Double.ulpOfOne) { throw Failure.illConditioned(reciprocalCondition: reciprocal) }
        return (lu, pivots)
    }

    /// X with A·X = B: `a` n×n, `b` n×columns, both row-major; the result row-major.
    package static func solve(_ a: [Double], n: Int, _ b: [Double], columns: Int) throws -> [Double] {
        let (lu, pivots) = try factor(a, n: n)
        var x = transposed(b, rows: n, cols: columns)
        var size = Int32(n), right = Int32(columns), info: Int32 = 0
        var trans = Int8(UInt8(ascii: "N"))
        dgetrs_(&trans, &size, &right, lu, &size, pivots, &x, &size, &info, 1)
        return transposed(x, rows: columns, cols: n)
    }

    /// A⁻¹ of the row-major n×n `a`, row-major.
    package static func inverse(_ a: [Double], n: Int) throws -> [Double] {
        var (lu, pivots) = try factor(a, n: n)
        var size = Int32(n), info: Int32 = 0
        var query = 0.0, length: Int32 = -1
        dgetri_(&size, &lu, &size, pivots, &query, &length, &info)
        length = Int32(max(1, Int(query)))
        var work = [Double](repeating: 0, count: Int(length))
        dgetri_(&size, &lu, &size, pivots, &work, &length, &info)
        return transposed(lu, rows: n, cols: n)
    }

    /// The X of least ‖A·X − B‖ (and of least ‖X‖ among those), by the SVD: `a` m×n, `b`
    /// m×columns, row-major; the result n×columns row-major and the rank of A (singular values
    /// below machine precision times the largest count as zero).
    package static func leastSquares(_ a: [Double], rows m: Int, cols n: Int, _ b: [Double], columns: Int) -> (x: [Double], rank: Int) {
        _ = BLAS.onCallingThread
        var matrix = transposed(a, rows: m, cols: n)
        let leading = max(1, m, n)
        // B in a leading×columns column-major block: LAPACK writes X (n rows) into it.
        var rhs = [Double](repeating: 0, count: leading * columns)
        for i in 0..<m { for j in 0..<columns { rhs[j * leading + i] = b[i * columns + j] } }
        var rowsC = Int32(m), colsC = Int32(n), right = Int32(columns), lda = Int32(max(1, m)), ldb = Int32(leading)
        var singular = [Double](repeating: 0, count: max(1, min(m, n)))
        var cutoff = -1.0, rank: Int32 = 0, info: Int32 = 0
        var query = 0.0, length: Int32 = -1, iquery: Int32 = 0
        dgelsd_(&rowsC, &colsC, &right, &matrix, &lda, &rhs, &ldb, &singular, &cutoff, &rank, &query, &length, &iquery, &info)
        length = Int32(max(1, Int(query)))
        var work = [Double](repeating: 0, count: Int(length)), iwork = [Int32](repeating: 0, count: max(1, Int(iquery)))
        dgelsd_(&rowsC, &colsC, &right, &matrix, &lda, &rhs, &ldb, &singular, &cutoff, &rank, &work, &length, &iwork, &info)
        var x = [Double](repeating: 0, count: n * columns)
        for i in 0..<n { for j in 0..<columns { x[i * columns + j] = rhs[j * leading + i] } }
        return (x, Int(rank))
    }
}
