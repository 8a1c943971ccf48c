import NotebookRunner

/// libFuzzer entry: any bytes as a BibTeX file, read, every name split and every field's text read,
/// and a citation and a reference-list line written for each entry.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBibTeX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let reader = BibTeXReader(text)
    for entry in reader.entries {
        _ = entry.authors.map(\.listed)
        for field in entry.fields.keys { _ = entry.text(field) }
        _ = Bibliography.authorText(entry, full: true)
        _ = Bibliography.referenceHTML(entry)
    }
    return 0
}
