import Foundation
import NotebookRunner

/// A folder in memory for this process: small IDX files beside the notebook and under
/// `data/mnist`, and the output folder.
let workspace: URL = {
    let folder = URL(fileURLWithPath: "/dev/shm/nbrun-fuzz-render-\(getpid())")
    let mnist = folder.appendingPathComponent("data/mnist")
    try? FileManager.default.createDirectory(at: mnist, withIntermediateDirectories: true)
    func idx(_ dimensions: [UInt32], _ values: [UInt8]) -> Data {
        var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
        for size in dimensions { bytes += [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)] }
        return Data(bytes + values)
    }
    let images = idx([30, 4, 4], (0 ..< 480).map { UInt8(truncatingIfNeeded: $0 * 37) })
    let labels = idx([30], (0 ..< 30).map { UInt8($0 % 10) })
    for (name, bytes) in [("images", images), ("labels", labels)] {
        try? bytes.write(to: folder.appendingPathComponent(name))
        for split in ["train", "t10k"] {
            try? bytes.write(to: mnist.appendingPathComponent("\(split)-\(name)-idx\(name == "images" ? 3 : 1)-ubyte"))
        }
    }
    return folder
}()

/// libFuzzer entry: any bytes as a notebook, rendered whole — every cell run — with a
/// 256 MB memory budget, no cache, into a fresh output folder (run with -rss_limit_mb).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRender(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let notebook = workspace.appendingPathComponent("nb.md")
    let output = workspace.appendingPathComponent("out")
    guard (try? Data(bytes: data, count: size).write(to: notebook)) != nil else { return 0 }
    var settings = RunSettings(outputDirectory: output, dataDirectory: workspace.appendingPathComponent("data"),
                               keepGoing: true, reproducible: true)
    settings.memoryBudget = MemoryBudget(bytes: 256 << 20)
    let pipeline = Pipeline(settings: settings, progress: ProgressReporter(mode: .silent), cacheMode: .off)
    _ = pipeline.render(notebook, file: "nb.md")
    try? FileManager.default.removeItem(at: output)
    return 0
}
