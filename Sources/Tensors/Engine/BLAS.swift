import COpenBLAS

/// Single-precision matrix products through OpenBLAS (Debian's `libopenblas-dev`).
///
/// With `LAPACK.swift`, the only file that imports `COpenBLAS`. Matrices are row-major.
enum BLAS {
    /// `c = op(a) · op(b)` (`beta` 0) or `c += …` (`beta` 1), where `op` transposes when asked;
    /// `op(a)` is m×k, `op(b)` k×n, `c` m×n.
    static func gemm(_ a: UnsafePointer<Float>, transposeA: Bool, _ b: UnsafePointer<Float>, transposeB: Bool,
                     _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, beta: Float = 0) {
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(n))
    }

    /// Fixes the number of threads OpenBLAS uses, so results do not depend on the machine's load.
    static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }

    /// The threads OpenBLAS uses, which the engine's own kernels use too.
    static var threads: Int { max(1, Int(openblas_get_num_threads())) }
}
