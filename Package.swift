// swift-tools-version:6.0
import PackageDescription

// The training kernel (Sources/Tensors/Numerics) is written with SIMD16<Float>. The
// package builds portably, so other packages can depend on NotebookRunner, Tensors and TeXMath (no
// unsafeFlags); the Makefile adds CPU tuning to release builds (`-Xswiftc -target-cpu …`,
// FUSED_MULTIPLY_ADD, WIDE_VECTORS, detected from /proc/cpuinfo; `make -s tuning-flags`).
// arm64 has fused multiply-add in its base instruction set, so the define is always safe there.

func kernelSettings() -> [SwiftSetting] {
    #if arch(arm64)
    return [.define("FUSED_MULTIPLY_ADD")]
    #else
    return []
    #endif
}

let package = Package(
    name: "nbrun",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nbrun", targets: ["nbrun"]),
        .library(name: "NotebookRunner", targets: ["NotebookRunner"]),
        .library(name: "TeXMath", targets: ["TeXMath"]),
        .library(name: "Tensors", targets: ["Tensors"]),
        .library(name: "NotebookPreview", targets: ["NotebookPreview"]),
        .library(name: "JupyterKernel", targets: ["JupyterKernel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // SHA-256 and HMAC-SHA256: cache keys and seals, data-file digests, Jupyter message signatures.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // CSV files for {load} :csv: (quoted fields, embedded commas and newlines).
        .package(url: "https://github.com/swiftcsv/SwiftCSV", exact: "0.10.0"),
    ],
    targets: [
        // C libraries, each wrapped by exactly one Swift file (CommonMark.swift, Zlib.swift, BLAS.swift, ZeroMQ.swift).
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CZeroMQ",
            pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]
        ),
        // The one Swift wrapper around libzmq: sockets, multipart messages, polling.
        .target(name: "ZeroMQBindings", dependencies: ["CZeroMQ"]),
        // A Jupyter kernel client (messaging protocol 5.3): kernelspecs, launching, execute, interrupt.
        .target(
            name: "JupyterKernel",
            dependencies: ["ZeroMQBindings", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The one Swift wrapper around zlib: inflate (gzip, zlib), deflate, checksums.
        .target(name: "ZlibBindings", dependencies: ["CZlib"]),
        // TeX math to MathML Core (zlib compresses the embedded font as WOFF).
        .target(name: "TeXMath", dependencies: ["ZlibBindings"]),
        // Errors as values with a source location, and how numbers and sizes are written in them.
        .target(name: "Diagnostics"),
        // The tensor side: the expression language (Float64 evaluation, gradients, TeX), the
        // Float32 training engine on OpenBLAS, the softmax kernel, model definitions. It knows
        // nothing of notebooks: Parse/Execute/Render use it, never the other way round.
        .target(
            name: "Tensors",
            dependencies: ["Diagnostics", "COpenBLAS"],
            swiftSettings: kernelSettings()
        ),
        // The pipeline: Parse → Execute → Render.
        .target(
            name: "NotebookRunner",
            dependencies: [
                "CCmark", "ZlibBindings", "TeXMath", "JupyterKernel", "Diagnostics", "Tensors",
                .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ]
        ),
        // `nbrun preview`: a local HTTP server that re-renders a notebook when its files change.
        .target(
            name: "NotebookPreview",
            dependencies: ["NotebookRunner"]
        ),
        // The thin command-line front end.
        .executableTarget(
            name: "nbrun",
            dependencies: [
                "NotebookRunner", "NotebookPreview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Times the training kernel on Fashion-MNIST (bench/run.sh).
        .executableTarget(name: "nbrun-bench", dependencies: ["NotebookRunner"]),
        // A page of every golden TeX case for review by eye (make math-gallery).
        .executableTarget(name: "texmath-gallery", dependencies: ["TeXMath"]),
        .testTarget(
            name: "NotebookRunnerTests",
            dependencies: ["NotebookRunner", "NotebookPreview", "ZlibBindings", "TeXMath", "JupyterKernel", "Tensors", "Diagnostics"],
            exclude: ["Fixtures", "Render/Snapshots"]
        ),
        .testTarget(name: "JupyterKernelTests", dependencies: ["JupyterKernel"]),
        .testTarget(name: "TeXMathTests", dependencies: ["TeXMath"], exclude: ["Fixtures"]),
    ]
)

// Fuzzing harnesses (libFuzzer), built only on request:
//   NBRUN_FUZZ=1 swift build --sanitize=fuzzer --sanitize=address --product fuzz-notebook-parser
// (make fuzz runs each harness; see the README)
if Context.environment["NBRUN_FUZZ"] != nil {
    package.targets += [
        .executableTarget(name: "fuzz-notebook-parser", dependencies: ["NotebookRunner"], path: "Sources/Fuzz/NotebookParser"),
        .executableTarget(name: "fuzz-idx-reader", dependencies: ["NotebookRunner"], path: "Sources/Fuzz/IDXReader"),
        .executableTarget(name: "fuzz-tex", dependencies: ["TeXMath"], path: "Sources/Fuzz/TeXMath"),
        .executableTarget(name: "fuzz-expression", dependencies: ["NotebookRunner"], path: "Sources/Fuzz/Expression"),
        .executableTarget(name: "fuzz-render", dependencies: ["NotebookRunner"], path: "Sources/Fuzz/Render"),
        .executableTarget(name: "fuzz-model", dependencies: ["NotebookRunner"], path: "Sources/Fuzz/Model"),
        .executableTarget(name: "fuzz-preview-request", dependencies: ["NotebookPreview"], path: "Sources/Fuzz/PreviewRequest"),
        .executableTarget(name: "fuzz-bibtex", dependencies: ["NotebookRunner"], path: "Sources/Fuzz/BibTeX"),
    ]
}
