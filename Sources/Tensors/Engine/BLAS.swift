import COpenBLAS

/// Single-precision matrix products through OpenBLAS (Debian's `libopenblas-dev`).
///
/// With `LAPACK.swift`, the only file that imports `COpenBLAS`. Matrices are row-major.
///
/// OpenBLAS runs every call on the calling thread: the engine splits a large product over its
/// own threads (`gemm`'s `threads`), one OpenBLAS call per part. Debian's OpenBLAS, left to
/// thread a product itself, gained little on the engine's sizes (a 256×784 by 784×256 product
/// took 0.80 ms on two threads, 1.08 ms on one; as two halves side by side, 0.61 ms), serialises
/// calls from concurrent threads, and its thread count is one setting for the whole process,
/// which trainings running side by side (a course's pages, the tests) would change under each other.
enum BLAS {
    /// Set once, before the first product or LAPACK call: OpenBLAS computes on the calling thread.
    static let onCallingThread: Void = openblas_set_num_threads(1)

    /// Products of fewer multiply-adds run as one call (splitting costs more than it saves).
    static let smallestSplitWork = 1 << 20

    /// `c = op(a) · op(b)` (`beta` 0) or `c += …` (`beta` 1), where `op` transposes when asked;
    /// `op(a)` is m×k, `op(b)` k×n, `c` m×n. With `threads` > 1, a large product is computed in
    /// that many bands of `c`'s rows (of its columns when it has more columns than rows) side
    /// by side. Each band is one OpenBLAS call, whose sums may round differently from the whole
    /// product's: the result depends on `threads`, never on which thread finishes first.
    static func gemm(_ a: UnsafePointer<Float>, transposeA: Bool, _ b: UnsafePointer<Float>, transposeB: Bool,
                     _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, beta: Float = 0, threads: Int = 1) {
        _ = onCallingThread
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        let ldc = n
        @Sendable func call(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, m: Int, n: Int) {
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
        // Bands of a multiple of 16 rows or columns, so every band keeps OpenBLAS's full-width kernels.
        let byRows = m >= n
        let bands = ParallelRanges(byRows ? m : n, threads: m * n * k >= smallestSplitWork ? threads : 1, smallest: 16, alignment: 16)
        nonisolated(unsafe) let (a, b, c) = (a, b, c)
        bands.run { band in
            if byRows {
                // Rows `band` of op(a) and of c.
                call(a + (transposeA ? band.lowerBound : band.lowerBound * lda), b, c + band.lowerBound * ldc, m: band.count, n: n)
            } else {
                // Columns `band` of op(b) and of c.
                call(a, b + (transposeB ? band.lowerBound * ldb : band.lowerBound), c + band.lowerBound, m: m, n: band.count)
            }
        }
    }
}
