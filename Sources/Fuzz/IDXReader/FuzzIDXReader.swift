import Foundation
import NotebookRunner

/// libFuzzer entry: any bytes as an IDX file (raw or gzip), read as images and as labels.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDXReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let url = URL(fileURLWithPath: "/dev/shm/nbrun-fuzz-idx-\(getpid())")
    guard (try? Data(bytes: data, count: size).write(to: url)) != nil else { return 0 }
    _ = try? IDXReader.readImages(at: url)
    _ = try? IDXReader.readLabels(at: url)
    return 0
}
