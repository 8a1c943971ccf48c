import TeXMath

/// libFuzzer entry: any bytes (as UTF-8, invalid sequences replaced) as inline and display TeX.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTeX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let tex = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let converter = MathMLConverter()
    let length = tex.unicodeScalars.count
    for display in [false, true] {
        let result = converter.convert(tex, display: display)
        for warning in result.warnings {
            precondition(warning.offset >= 0 && warning.offset <= length, "warning offset out of range")
        }
    }
    return 0
}
