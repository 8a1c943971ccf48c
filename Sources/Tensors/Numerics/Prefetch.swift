/// LLVM's prefetch intrinsic (`prefetcht0` on x86-64, `prfm pldl1keep` on arm64), which
/// Swift does not expose: a hint that changes no result.
@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cacheType: Int32)

/// Asks the CPU to start loading the `bytes` bytes at `address` into its caches, one request
/// per 64-byte line, so that a loop reading them a little later does not wait for memory.
@inline(__always)
func prefetch(_ address: UnsafeRawPointer, bytes: Int) {
    var offset = 0
    while offset < bytes {
        llvmPrefetch(address + offset, 0, 3, 1)
        offset += 64
    }
}
