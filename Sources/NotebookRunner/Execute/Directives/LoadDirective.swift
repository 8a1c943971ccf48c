import Foundation

/// `{load}`: reads a data set's IDX files into the notebook's state and summarises them.
///
/// ````
/// ```{load} fashion-mnist          ← a known data set, found by DatasetLocator
/// :split: test
/// :limit: 1000
/// ```
/// ```{load} mnist                  ← both splits cut from the test files' rows
/// :from: test
/// :train-rows: 0..8000
/// :test-rows: 8000..10000
/// ```
/// ```{load}                        ← or explicit files, relative to the notebook
/// :images: data/t10k-images-idx3-ubyte.gz
/// :labels: data/t10k-labels-idx1-ubyte.gz
/// :name: digits
/// ```
/// ````
public struct LoadDirective: Directive {
    public static let spec = DirectiveSpec(
        name: "load",
        arguments: "[\(DatasetCatalog.names.joined(separator: "|"))]",
        summary: "Reads a data set's IDX files (raw or .gz) and shows its splits, pixel statistics and class counts.",
        options: [
            OptionSpec("split", "train|test|all", "Which splits to read; explicit files are one split, guessed from the file name (t10k… is test).", default: "all"),
            OptionSpec("dir", "folder", "Looks for the data set's files here first (relative to the notebook)."),
            OptionSpec("images", "file", "An explicit images IDX file (with :labels:) instead of a named data set."),
            OptionSpec("labels", "file", "The labels IDX file that goes with :images:."),
            OptionSpec("name", "name", "The name later cells use for the data set (default: the argument, or 'data')."),
            OptionSpec("limit", "integer ≥ 1", "Keeps the first N rows of each split (quick runs)."),
            OptionSpec("range", "a..b", "Keeps rows a to b−1 of each split."),
            OptionSpec("from", "train|test", "Reads only this split's files and cuts the splits from their rows (:train-rows:, :test-rows:)."),
            OptionSpec("train-rows", "a..b", "The train split's rows: of its own files, or of the :from: files."),
            OptionSpec("test-rows", "a..b", "The test split's rows: of its own files, or of the :from: files."),
        ])

    /// Where the data comes from.
    enum Source {
        /// A data set of the catalog, found by `DatasetLocator`.
        case catalog(DatasetCatalog.Entry, splits: [String], directory: (path: String, location: SourceLocation)?)
        /// One split from explicit files.
        case files(images: (path: String, location: SourceLocation), labels: (path: String, location: SourceLocation), split: String)
    }

    let source: Source
    let name: String
    /// The rows kept of each split, nil for all.
    let rows: Range<Int>?
    /// Rows of one split's files, by split name (`:train-rows:`, `:test-rows:`).
    let splitRows: [String: Range<Int>]
    /// The split whose files every split is cut from (`:from:`), or nil.
    let from: String?
    let location: SourceLocation

    public init(cell: Cell, defaults: Defaults) throws {
        let options = OptionReader(cell: cell, defaults: defaults)
        location = cell.directiveLocation
        guard cell.arguments.count <= 1 else {
            throw Diagnostic.error("{load} takes one data set name, got \(cell.arguments.count) words",
                                   at: cell.directiveLocation, hint: "write {load} \(DatasetCatalog.names[0]), or give :images: and :labels:")
        }
        let images = options.raw("images", inheritsDefault: false)
        let labels = options.raw("labels", inheritsDefault: false)
        let splitChoice = try options.choice("split", ["train", "test", "all"], default: "all", inheritsDefault: false)
        var splitRows: [String: Range<Int>] = [:]
        for split in ["train", "test"] {
            if let given = options.raw("\(split)-rows") {
                splitRows[split] = try Self.parseRange(given.value, option: "\(split)-rows", at: given.location)
            }
        }
        let from = try options.raw("from").map { _ in try options.choice("from", ["train", "test"], default: "test") }
        if let from {
            if let split = options.raw("split", inheritsDefault: false) {
                throw Diagnostic.error(":from: \(from) builds the splits from :train-rows: and :test-rows:; :split: does not apply",
                                       at: split.location, hint: "drop :split:, and give only the rows of the splits you want")
            }
            guard !splitRows.isEmpty else {
                throw Diagnostic.error(":from: \(from) needs :train-rows: or :test-rows: (or both) to say which rows become which split",
                                       at: options.location(of: "from"),
                                       hint: "e.g. :train-rows: 0..8000 and :test-rows: 8000..10000")
            }
        }
        self.from = from
        self.splitRows = splitRows

        if let argument = cell.arguments.first {
            guard let entry = DatasetCatalog.entry(named: argument) else {
                let suggestion = Suggestion.nearest(to: argument, in: DatasetCatalog.names)
                throw Diagnostic.error("unknown data set '\(argument)'", at: cell.directiveLocation,
                                       hint: (suggestion.map { "did you mean '\($0)'? " } ?? "")
                                           + "known data sets: \(DatasetCatalog.names.joined(separator: ", ")); for other files give :images: and :labels:")
            }
            if let given = images ?? labels {
                throw Diagnostic.error("{load} \(argument) finds its own files; :images: and :labels: are for unnamed data",
                                       at: given.location, hint: "drop the argument and use :name: to name explicit files")
            }
            let directory = options.raw("dir", inheritsDefault: false)
            let splits = from.map { [$0] } ?? (splitChoice == "all" ? ["train", "test"] : [splitChoice])
            source = .catalog(entry, splits: splits,
                              directory: directory.map { ($0.value.trimmingCharacters(in: .whitespaces), $0.location) })
            name = options.string("name", inheritsDefault: false) ?? entry.name
        } else {
            guard let images, let labels else {
                throw Diagnostic.error("{load} needs a data set name or both :images: and :labels:",
                                       at: (images ?? labels)?.location ?? cell.directiveLocation,
                                       hint: "write {load} \(DatasetCatalog.names.joined(separator: " or {load} ")), or give both files")
            }
            if let directory = options.raw("dir", inheritsDefault: false) {
                throw Diagnostic.error(":dir: is where named data sets are looked for; explicit files give their own paths",
                                       at: directory.location, hint: "drop :dir: or write the folder into :images: and :labels:")
            }
            if let from {
                throw Diagnostic.error(":from: \(from) picks a named data set's files; :images: and :labels: are already one pair of files",
                                       at: options.location(of: "from"),
                                       hint: "drop :from:: :train-rows: and :test-rows: cut explicit files directly")
            }
            let trimmedImages = images.value.trimmingCharacters(in: .whitespaces)
            let split: String
            switch splitChoice {
            case "all":
                let file = (trimmedImages as NSString).lastPathComponent.lowercased()
                split = file.hasPrefix("t10k") || file.hasPrefix("test") ? "test" : "train"
            default:
                split = splitChoice
            }
            source = .files(images: (trimmedImages, images.location),
                            labels: (labels.value.trimmingCharacters(in: .whitespaces), labels.location), split: split)
            name = options.string("name", inheritsDefault: false) ?? "data"
        }

        let limit = options.raw("limit") == nil ? nil : try options.int("limit", default: 1000, range: 1...Int.max)
        var rows: Range<Int>? = limit.map { 0 ..< $0 }
        if let range = options.raw("range", inheritsDefault: false) {
            if let limitOption = options.raw("limit") {
                throw Diagnostic.error(":limit: and :range: both choose rows; give one", at: limitOption.location,
                                       hint: ":limit: N is :range: 0..N")
            }
            rows = try Self.parseRange(range.value, at: range.location)
        }
        if let rows, let given = ["train-rows", "test-rows"].lazy.compactMap({ options.raw($0) }).first {
            throw Diagnostic.error(":\(options.raw("range", inheritsDefault: false) == nil ? "limit" : "range"): keeps rows \(rows.lowerBound)..\(rows.upperBound) of every split, but :train-rows:/:test-rows: choose rows per split; give one kind",
                                   at: given.location, hint: "write the rows into :train-rows: and :test-rows: instead")
        }
        self.rows = rows
        if let given = options.raw("name", inheritsDefault: false), !ExecutionContext.isPlainName(name) {
            throw Diagnostic.error("option :name: '\(given.value)' is not a plain name: it names the folder {show} writes images to, so only letters, digits, '-', '_' and '.' (not first) are allowed",
                                   at: given.location, hint: "e.g. :name: digits")
        }
        try checkSplitRows(options: options, explicitFiles: images != nil)
    }

    /// Rows chosen per split must name loaded splits and, cut from one file pair, must not overlap.
    private func checkSplitRows(options: OptionReader, explicitFiles: Bool) throws {
        let sameFiles = from != nil || explicitFiles
        if let train = splitRows["train"], let test = splitRows["test"], sameFiles, train.overlaps(test) {
            let shared = train.clamped(to: test)
            throw Diagnostic.error("train rows \(train.lowerBound)..\(train.upperBound) and test rows \(test.lowerBound)..\(test.upperBound) overlap: \(Self.grouped(shared.count)) images would be trained on and then tested on",
                                   at: options.location(of: "test-rows"),
                                   hint: "cut the file into disjoint parts, e.g. :train-rows: 0..\(test.lowerBound) and :test-rows: \(test.lowerBound)..\(test.upperBound)")
        }
        if case let .catalog(_, splits, _) = source, from == nil {
            for split in splitRows.keys.sorted() where !splits.contains(split) {
                throw Diagnostic.error(":\(split)-rows: chooses rows of the \(split) split, which :split: leaves out",
                                       at: options.location(of: "\(split)-rows"),
                                       hint: "load it with :split: all, or cut it from the other split's files with :from:")
            }
        }
    }

    /// `a..b` (a < b, both ≥ 0) as the half-open range a..<b.
    static func parseRange(_ text: String, option: String = "range", at location: SourceLocation) throws -> Range<Int> {
        let parts = text.trimmingCharacters(in: .whitespaces).components(separatedBy: "..")
        guard parts.count == 2, let low = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let high = Int(parts[1].trimmingCharacters(in: .whitespaces)), low >= 0, low < high else {
            throw Diagnostic.error("option :\(option): expects a..b with 0 ≤ a < b, got '\(text)'", at: location,
                                   hint: "e.g. :\(option): 0..1000 keeps the first 1,000 rows (b itself is left out)")
        }
        return low ..< high
    }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        let base = Self.baseDirectory(context)
        var splits: [DataSplit] = []
        let classNames: [String]
        var origin: String
        switch source {
        case let .catalog(entry, splitNames, directory):
            let found = try locate(entry, splits: splitNames, directory: directory, in: context)
            for split in splitNames {
                let files = found.files[split]!
                context.progress("reading \(entry.name) \(split) split")
                try context.checkCancelled()
                splits.append(try read(split, images: files.images, labels: files.labels,
                                       rows: from == nil ? splitRows[split] ?? rows : nil,
                                       classCount: entry.classNames.count, at: location, budget: context.settings.memoryBudget))
            }
            classNames = entry.classNames
            origin = context.settings.reproducible
                ? "Read from the \(found.place.origin) folder."
                : "Read from \(found.place.directory.path) (\(found.place.origin))."
            if let from {
                let files = found.files[from]!
                splits = try cut(splits[0], files: "\(files.images.lastPathComponent) and its labels", origin: &origin)
            }
        case let .files(images, labels, split):
            context.progress("reading \(split) split")
            let catalogClasses = DatasetCatalog.entry(named: name)?.classNames
            let imagesURL = Self.resolve(images.path, against: base)
            // Messages name the files as the cell wrote them.
            let data = try read(split, images: imagesURL, labels: Self.resolve(labels.path, against: base),
                                rows: splitRows.isEmpty ? rows : nil,
                                classCount: catalogClasses?.count, at: images.location, budget: context.settings.memoryBudget,
                                displayName: { $0 == imagesURL ? images.path : labels.path })
            // Unknown files: digit names, at least 0…9 so that a few rows do not shrink the classes.
            classNames = catalogClasses ?? (0 ... max(9, Int(data.labels.max() ?? 0))).map(String.init)
            origin = "Read \(images.path) and \(labels.path)."
            splits = splitRows.isEmpty ? [data] : try cut(data, files: "these files", origin: &origin)
        }
        let dataset = Dataset(name: name, classNames: classNames,
                              train: splits.first { $0.name == "train" }, test: splits.first { $0.name == "test" })
        context.state.datasets[name] = dataset
        context.state.dataset = dataset
        if from == nil {
            if !splitRows.isEmpty, case .catalog = source {
                for split in splitRows.keys.sorted() {
                    let kept = splitRows[split]!
                    origin += " Kept rows \(kept.lowerBound)..\(kept.upperBound - 1) of the \(split) split."
                }
            } else if let rows, splitRows.isEmpty {
                origin += " Kept rows \(rows.lowerBound)..\(rows.upperBound - 1) of each split."
            }
        }
        return Self.summary(of: dataset, origin: origin)
    }

    /// The train and test splits cut from the rows of `whole` chosen by `:train-rows:`/`:test-rows:`,
    /// with one line per split added to `origin`. `files` names where `whole` came from.
    private func cut(_ whole: DataSplit, files: String, origin: inout String) throws -> [DataSplit] {
        var parts: [DataSplit] = []
        for split in ["train", "test"] {
            guard let kept = splitRows[split] else { continue }
            guard kept.upperBound <= whole.count else {
                throw Diagnostic.error(":\(split)-rows: \(kept.lowerBound)..\(kept.upperBound) goes past the \(Self.grouped(whole.count)) rows of \(files)",
                                       at: location, hint: "the rows are 0..\(whole.count) (the end is left out)")
            }
            parts.append(whole.subset(kept, name: split))
            origin += "\n\(split.prefix(1).uppercased() + split.dropFirst()) split: rows \(kept.lowerBound)..\(kept.upperBound - 1) of \(parts.count == 1 ? files : "the same files")."
        }
        return parts
    }

    /// The IDX files the cell will read, found as `run` finds them (for the cache key).
    public func inputFiles(in context: ExecutionContext) throws -> [URL] {
        switch source {
        case let .catalog(entry, splitNames, directory):
            let found = try locate(entry, splits: splitNames, directory: directory, in: context)
            return splitNames.flatMap { [found.files[$0]!.images, found.files[$0]!.labels] }
        case let .files(images, labels, _):
            let base = Self.baseDirectory(context)
            return [Self.resolve(images.path, against: base), Self.resolve(labels.path, against: base)]
        }
    }

    /// The folder relative paths start from: the notebook's, else the working directory.
    private static func baseDirectory(_ context: ExecutionContext) -> URL {
        context.settings.notebookDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// Finds a named data set's files for `splits`, with errors placed at `:dir:` or the directive.
    private func locate(_ entry: DatasetCatalog.Entry, splits: [String], directory: (path: String, location: SourceLocation)?,
                        in context: ExecutionContext) throws -> (place: DatasetLocator.Place, files: [String: DatasetLocator.SplitFiles]) {
        let locator = DatasetLocator(cellDirectory: directory.map { Self.resolve($0.path, against: Self.baseDirectory(context)) },
                                     dataRoot: context.settings.dataDirectory)
        do {
            return try locator.locate(entry, splits: splits)
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: directory?.location ?? location)
        }
    }

    private func read(_ split: String, images: URL, labels: URL, rows: Range<Int>?, classCount: Int?, at location: SourceLocation,
                      budget: MemoryBudget, displayName: (URL) -> String = { $0.path }) throws -> DataSplit {
        do {
            return try DatasetLoader.readSplit(split, images: images, labels: labels, rows: rows,
                                               classCount: classCount, displayName: displayName, budget: budget)
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: location)
        }
    }

    /// `path` as a file URL, relative paths taken from `base`, `~` expanded.
    static func resolve(_ path: String, against base: URL) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded)
                                        : base.appendingPathComponent(expanded).standardizedFileURL
    }

    /// The split table, the class table and the metrics of `dataset`.
    static func summary(of dataset: Dataset, origin: String) -> CellOutputs {
        var outputs = CellOutputs()
        var total = [Int](repeating: 0, count: 256)
        var rows: [[String]] = []
        for split in dataset.splits {
            let histogram = PixelStatistics.histogram(split.images)
            for value in 0 ..< 256 { total[value] += histogram[value] }
            let stats = PixelStatistics(histogram: histogram)
            rows.append([split.name, grouped(split.count), "\(split.rows)×\(split.cols)",
                         fixed(stats.mean), fixed(stats.standardDeviation)])
            outputs.record("\(split.name)_count", Double(split.count))
            outputs.record("\(split.name)_pixel_mean", stats.mean)
            outputs.record("\(split.name)_pixel_std", stats.standardDeviation)
            if let first = split.labels.first { outputs.record("\(split.name)_first_label", Double(first)) }
        }
        let overall = PixelStatistics(histogram: total)
        outputs.record("pixel_mean", overall.mean)
        outputs.record("pixel_std", overall.standardDeviation)
        outputs.record("classes", Double(dataset.classNames.count))
        outputs.append(.table(.numeric(caption: "\(dataset.name): splits (pixels scaled to 0…1)",
                                       header: ["split", "images", "shape", "pixel mean", "pixel std"], rows: rows)))

        let counts = dataset.splits.map { split in
            split.labels.reduce(into: [Int](repeating: 0, count: dataset.classNames.count)) { counts, label in
                if Int(label) < counts.count { counts[Int(label)] += 1 }
            }
        }
        let classRows = dataset.classNames.indices.map { label in
            [String(label), dataset.classNames[label]] + counts.map { grouped($0[label]) }
        }
        outputs.append(.table(Table(caption: "\(dataset.name): images per class",
                                    header: ["label", "class"] + dataset.splits.map(\.name), rows: classRows,
                                    alignments: [.right, .left] + dataset.splits.map { _ in .right })))
        outputs.append(.text(origin))
        return outputs
    }

    /// 10000 → "10,000".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// Four decimals, as the tutorials quote pixel statistics.
    static func fixed(_ value: Double) -> String {
        String(format: "%.4f", value)
    }
}
