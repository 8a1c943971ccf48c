// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "nbrun",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nbrun", targets: ["nbrun"]),
        .library(name: "NotebookRunner", targets: ["NotebookRunner"]),
        .library(name: "TeXMath", targets: ["TeXMath"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, each wrapped by exactly one Swift file in NotebookRunner.
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
        // TeX math to MathML Core; CZlib only compresses the embedded font as WOFF.
        .target(name: "TeXMath", dependencies: ["CZlib"]),
        // The pipeline: Parse → Execute → Render.
        .target(
            name: "NotebookRunner",
            dependencies: [
                "CCmark", "CZlib", "TeXMath",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The thin command-line front end.
        .executableTarget(
            name: "nbrun",
            dependencies: [
                "NotebookRunner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "NotebookRunnerTests",
            dependencies: ["NotebookRunner", "CZlib"],
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
    ]
}
