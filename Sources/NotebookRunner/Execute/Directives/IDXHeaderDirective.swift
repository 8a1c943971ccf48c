import Foundation

/// `{idx-header}`: the first bytes of an IDX file as a hex dump and a table of its header fields.
///
/// ````
/// ```{idx-header} images      ← the images file the current data set's split was read from
/// :split: train
/// ```
/// ```{idx-header}             ← or any IDX file, relative to the notebook
/// :file: data/t10k-labels-idx1-ubyte.gz
/// ```
/// ````
/// The file is read whole (decompressed when gzip) and its header checked as `{load}`
/// checks it, so the table can also say whether the length matches the header.
public struct IDXHeaderDirective: Directive {
    static let split = DirectiveOption.choice("split", ["train", "test"],
                                     help: "The split whose files are shown (default train when loaded, else test); with :from: both splits name the :from: files.")
    static let file = DirectiveOption.text("file", type: "file",
                                  help: "An IDX file (raw or .gz, relative to the notebook) instead of a loaded data set's.")
    static let bytes = DirectiveOption.integer("bytes", in: minimumBytes...maximumBytes, defaultText: "the header and 16 more",
                                      help: "How many bytes the hex dump shows.")

    public static let spec = DirectiveSpec(
        name: "idx-header",
        arguments: .optional(["images", "labels"]),
        summary: "Shows the first bytes of an IDX file as a hex dump and explains each header field (magic, sizes) in a table.",
        options: [split.declaration, DirectiveOption.dataset.declaration, file.declaration, bytes.declaration])

    static let minimumBytes = 4
    static let maximumBytes = 1024

    /// Which file the cell looks at.
    enum Target {
        /// The images or labels file a loaded split was read from.
        case loaded(kind: IDXReader.Kind, split: String?, dataset: String?)
        /// A file named by `:file:`; the kind is `nil` when any IDX file is fine.
        case file(path: String, kind: IDXReader.Kind?, location: SourceLocation)
    }

    let target: Target
    let byteCount: Int?
    let location: SourceLocation

    public init(cell: Cell, options: OptionValues) throws {
        location = cell.directiveLocation
        let kind: IDXReader.Kind? = cell.arguments.first.map { $0 == "images" ? .images : .labels }
        if let file = options.raw(Self.file) {
            if let other = options.raw(Self.split) ?? options.raw(.dataset) {
                throw Diagnostic.error(":file: names the file itself; :split: and :dataset: choose a loaded data set's file",
                                       at: other.location, hint: "give :file:, or :split:/:dataset:, not both")
            }
            target = .file(path: try options.value(Self.file), kind: kind, location: file.location)
        } else {
            guard let kind else {
                throw Diagnostic.error("{idx-header} needs images or labels, or a :file:", at: cell.directiveLocation,
                                       hint: "write {idx-header} images (the images file of the data set loaded last)")
            }
            target = .loaded(kind: kind, split: try options.given(Self.split), dataset: try options.given(.dataset))
        }
        byteCount = try options.given(Self.bytes)
    }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        let (url, name, kind, fileLocation) = try file(in: context)
        let bytes: [UInt8]
        let header: (dimensions: [Int], headerLength: Int)
        let resolvedKind: IDXReader.Kind
        let gzip: Bool
        do {
            let file = try FileBytes(url, role: kind?.word ?? "IDX", displayName: name)
            gzip = file.isGzip
            resolvedKind = try kind ?? Self.kind(of: file.prefix(4), name: name)
            let read = try IDXReader.read(file, kind: resolvedKind, displayName: name, budget: context.settings.memoryBudget)
            bytes = read.bytes
            header = (read.header.dimensions, read.header.headerLength)
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: fileLocation)
        }
        let shown = min(bytes.count, byteCount ?? header.headerLength + 16)

        var outputs = CellOutputs()
        outputs.append(.text(Self.hexDump(bytes[0 ..< shown])))
        let words = context.words
        outputs.append(.table(Table(caption: words.idxHeader((name as NSString).lastPathComponent, gunzipped: gzip),
                                    header: [words.offset, words.bytes, words.field, words.value],
                                    rows: Self.fieldRows(bytes, kind: resolvedKind, dimensions: header.dimensions,
                                                         headerLength: header.headerLength, shown: shown, words: words),
                                    alignments: [.right, .left, .left, .left])))
        let sizes = header.dimensions.map(NumberText.grouped).joined(separator: " × ")
        outputs.append(.text(words.fileLength(NumberText.grouped(bytes.count), gunzipped: gzip, header: header.headerLength, sizes: sizes)))

        let magic = bytes[0 ..< 4].reduce(0) { $0 << 8 | Int($1) }
        outputs.record("magic", Double(magic))
        outputs.record("header_bytes", Double(header.headerLength))
        outputs.record("file_bytes", Double(bytes.count))
        outputs.record("count", Double(header.dimensions[0]))
        if resolvedKind == .images {
            outputs.record("rows", Double(header.dimensions[1]))
            outputs.record("cols", Double(header.dimensions[2]))
        } else {
            outputs.record("first_label", Double(bytes[header.headerLength]))
        }
        return outputs
    }

    public func inputFiles(in context: ExecutionContext) throws -> [URL] {
        [try file(in: context).url]
    }

    /// The file to read, how messages name it, what it should hold, and where errors point.
    private func file(in context: ExecutionContext) throws -> (url: URL, name: String, kind: IDXReader.Kind?, location: SourceLocation) {
        switch target {
        case let .file(path, kind, fileLocation):
            return (context.resolve(path), path, kind, fileLocation)
        case let .loaded(kind, splitName, datasetName):
            let dataset = try context.dataset(named: datasetName)
            guard let split = splitName.map({ dataset.split($0) }) ?? dataset.train ?? dataset.test else {
                throw Diagnostic.error("data set '\(dataset.name)' has no \(splitName!) split loaded", at: location,
                                       hint: "loaded: \(dataset.splits.map(\.name).joined(separator: ", "))")
            }
            guard split.sources.count == 2 else {
                throw Diagnostic.error("the \(split.name) split of '\(dataset.name)' was not read from IDX files", at: location,
                                       hint: "give the file with :file:")
            }
            let path = split.sources[kind == .images ? 0 : 1]
            // Sources are absolute when found by the locator, else as the {load} cell wrote them.
            return (context.resolve(path), path, kind, location)
        }
    }

    /// The kind announced by a file's fourth byte, for `:file:` without images/labels.
    static func kind(of bytes: [UInt8], name: String) throws -> IDXReader.Kind {
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw Diagnostic.error("IDX file '\(name)' does not start with two zero bytes, so it is not an IDX file",
                                   hint: "IDX files (such as t10k-images-idx3-ubyte.gz) start with 00 00 08 03 or 00 00 08 01")
        }
        switch bytes[3] {
        case 1: return .labels
        case 3: return .images
        default:
            throw Diagnostic.error("IDX file '\(name)' has \(bytes[3]) dimensions; {idx-header} explains image files (3) and label files (1)",
                                   hint: "MNIST-style files are idx3 (images) or idx1 (labels)")
        }
    }

    /// `xxd`-style lines: offset, 16 hex bytes in groups of 4, then the bytes as ASCII.
    static func hexDump(_ bytes: ArraySlice<UInt8>) -> String {
        stride(from: bytes.startIndex, to: bytes.endIndex, by: 16).map { start in
            let line = bytes[start ..< min(start + 16, bytes.endIndex)]
            let groups = stride(from: line.startIndex, to: line.endIndex, by: 4).map { group in
                line[group ..< min(group + 4, line.endIndex)].map(hex).joined(separator: " ")
            }
            let hexPart = groups.joined(separator: "  ")
            let padded = hexPart + String(repeating: " ", count: max(0, 50 - hexPart.count))
            let ascii = String(line.map { (0x20 ... 0x7e).contains($0) ? Character(UnicodeScalar($0)) : "." })
            return offset(start) + "  " + padded + "  " + ascii
        }.joined(separator: "\n")
    }

    /// One row per header field, then the data bytes shown in the dump.
    static func fieldRows(_ bytes: [UInt8], kind: IDXReader.Kind, dimensions: [Int], headerLength: Int, shown: Int,
                          words: CellStrings = CellStrings(language: "en")) -> [[String]] {
        func range(_ start: Int, _ end: Int) -> String { "\(start)–\(end)" }
        func hexBytes(_ start: Int, _ end: Int) -> String { bytes[start ..< end].map(hex).joined(separator: " ") }
        let magic = bytes[0 ..< 4].reduce(0) { $0 << 8 | Int($1) }
        var rows: [[String]] = [
            [range(0, 3), hexBytes(0, 4), words.magicNumber, "\(magic) = 0x\(hexBytes(0, 4).replacingOccurrences(of: " ", with: ""))"],
            [range(0, 1), hexBytes(0, 2), words.alwaysZero, "0"],
            ["2", hexBytes(2, 3), words.valueType, words.unsignedByte],
            ["3", hexBytes(3, 4), words.dimensions, "\(bytes[3])"],
        ]
        let names = kind == .images ? [words.imageCount, words.rowsPerImage, words.columnsPerImage] : [words.labelCount]
        for (index, size) in dimensions.enumerated() {
            let start = 4 + 4 * index
            rows.append([range(start, start + 3), hexBytes(start, start + 4), names[index], NumberText.grouped(size)])
        }
        if shown > headerLength {
            let data = bytes[headerLength ..< shown]
            let what: String
            let value: String
            if kind == .images {
                let perImage = dimensions[1] * dimensions[2]
                what = words.firstPixels(last: min(data.count, perImage) - 1, of: NumberText.grouped(perImage))
                value = data.map { String($0) }.joined(separator: " ")
            } else {
                what = words.firstLabels(last: data.count - 1)
                value = data.map { String($0) }.joined(separator: " ")
            }
            rows.append([range(headerLength, shown - 1), data.map(hex).joined(separator: " "), what, value])
        }
        return rows
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }

    private static func offset(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
