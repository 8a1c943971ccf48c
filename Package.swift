// swift-tools-version:6.0
import PackageDescription

// The training kernel (Sources/NotebookRunner/Numerics) is written with SIMD16<Float>.
// Swift's default x86-64 target is SSE2 without fused multiply-add, which makes
// training ~2.5× slower. When the building machine has AVX2 and FMA (read from
// /proc/cpuinfo, like -march=native; every x86-64 server and desktop CPU since 2013)
// the module targets Haswell and uses FMA; with AVX-512 it uses 512-bit vectors, another
// 10–15%, and 32 vector registers (WIDE_VECTORS: the kernel keeps ten classes' sums in
// registers at once). The binary then needs such a CPU, as one built with -march=native does.
// Other machines get the portable default. NBRUN_CPU=haswell (or any LLVM CPU name) overrides.
import Foundation

func kernelSettings() -> [SwiftSetting] {
    #if arch(x86_64)
    if let cpu = ProcessInfo.processInfo.environment["NBRUN_CPU"], !cpu.isEmpty {
        return [.unsafeFlags(["-target-cpu", cpu]), .define("FUSED_MULTIPLY_ADD")]
    }
    #if os(Linux)
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let flags = Set(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
    if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) {
        // LLVM prefers 256-bit vectors on these CPUs unless told otherwise.
        return [.unsafeFlags(["-target-cpu", "skylake-avx512",
                              "-Xcc", "-Xclang", "-Xcc", "-target-feature", "-Xcc", "-Xclang", "-Xcc", "-prefer-256-bit"]),
                .define("FUSED_MULTIPLY_ADD"), .define("WIDE_VECTORS")]
    }
    if flags.contains("avx2") && flags.contains("fma") {
        return [.unsafeFlags(["-target-cpu", "haswell"]), .define("FUSED_MULTIPLY_ADD")]
    }
    return []
    #else
    return [.unsafeFlags(["-target-cpu", "haswell"]), .define("FUSED_MULTIPLY_ADD")]
    #endif
    #else
    // arm64 has fused multiply-add in its base instruction set.
    return [.define("FUSED_MULTIPLY_ADD")]
    #endif
}

let package = Package(
    name: "nbrun",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nbrun", targets: ["nbrun"]),
        .library(name: "NotebookRunner", targets: ["NotebookRunner"]),
        .library(name: "TeXMath", targets: ["TeXMath"]),
        .library(name: "NotebookPreview", targets: ["NotebookPreview"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The preview server, and the data tests' local mirror (README: "Writing a notebook" says why FlyingFox).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // C libraries, each wrapped by exactly one Swift file (CommonMark.swift, Zlib.swift).
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
        // The one Swift wrapper around zlib: inflate (gzip, zlib), deflate, checksums.
        .target(name: "ZlibBindings", dependencies: ["CZlib"]),
        // TeX math to MathML Core (zlib compresses the embedded font as WOFF).
        .target(name: "TeXMath", dependencies: ["ZlibBindings"]),
        // The pipeline: Parse → Execute → Render.
        .target(
            name: "NotebookRunner",
            dependencies: [
                "CCmark", "ZlibBindings", "TeXMath",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: kernelSettings()
        ),
        // `nbrun preview`: a local HTTP server that re-renders a notebook when its files change.
        .target(
            name: "NotebookPreview",
            dependencies: ["NotebookRunner", .product(name: "FlyingFox", package: "FlyingFox")]
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
        .testTarget(
            name: "NotebookRunnerTests",
            dependencies: ["NotebookRunner", "ZlibBindings", "TeXMath",
                           .product(name: "FlyingFox", package: "FlyingFox")],
            exclude: ["Fixtures", "Render/Snapshots"]
        ),
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
    ]
}
