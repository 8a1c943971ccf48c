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
/// ```{load} mnist                  ← only the 3s and 8s, labelled 0 and 1
/// :classes: 3,8
/// ```
/// ```{load} mnist                  ← every image: the 3s labelled 1, the rest 0
/// :positive: 3
/// ```
/// ```{load}                        ← a CSV table of numbers for regression: t is :target:, X the other columns
/// :csv: houses.csv
/// :target: price
/// :train-rows: 0..400
/// :test-rows: 400..506
/// ```
/// ```{load}                        ← or explicit files, relative to the notebook
/// :images: data/t10k-images-idx3-ubyte.gz
/// :labels: data/t10k-labels-idx1-ubyte.gz
/// :name: digits
/// ```
/// ````
public struct LoadDirective: Directive {
    static let split = DirectiveOption.choice("split", ["train", "test", "all"], default: "all",
                                     help: "Which splits to read. Explicit files are one split: :split: names it, otherwise a file name starting with t10k or test means test, anything else train.")
    static let directory = DirectiveOption.text("dir", type: "folder", help: "Looks for the data set's files here first (relative to the notebook).")
    static let images = DirectiveOption.text("images", type: "file", help: "An explicit images IDX file, raw or .gz, relative to the notebook's folder (with :labels:), instead of a named data set.")
    static let labels = DirectiveOption.text("labels", type: "file", help: "The labels IDX file that goes with :images:.")
    static let name = DirectiveOption.plainName("name", help: "The name later cells use for the data set (:dataset: of {show}, {train}, …); default the argument, or data.")
    static let limit = DirectiveOption.integer("limit", in: 1...Int.max, inherits: true, help: "Keeps the first N rows of each split: quick drafts.")
    static let range = DirectiveOption.rows("range", help: "Keeps rows a to b−1 of each split (instead of :limit:).")
    static let from = DirectiveOption.choice("from", ["train", "test"], inherits: true,
                                    help: "Reads only this split's files and cuts the splits from their rows, as :train-rows: and :test-rows: say.")
    static let trainRows = DirectiveOption.rows("train-rows", inherits: true, help: "Rows a to b−1 for the train split: of the :from: files, of explicit :images:/:labels: files (which then make both splits), or else of the split's own files.")
    static let testRows = DirectiveOption.rows("test-rows", inherits: true, help: "Rows a to b−1 for the test split, read as :train-rows: is.")
    static let rowsOfSplit = ["train": trainRows, "test": testRows]
    static let classes = DirectiveOption.labels("classes", in: 0...255,
                                                help: "Keeps only the images of these classes, relabelled 0, 1, … in the order given, their names kept (:classes: 3,8 for a 3-versus-8 task). Rows chosen by :limit:, :range: or :train-rows: are chosen first.")
    static let positive = DirectiveOption.integer("positive", in: 0...255,
                                                  help: "Makes a binary task of one class against the rest: its images labelled 1 (named after it), all others 0 (named not …). Not together with :classes:.")

    static let csv = DirectiveOption.text("csv", type: "file",
                                          help: "A CSV file of numbers with a header line (relative to the notebook): a regression data set whose :target: column is t and whose other columns are X, as they are (not scaled). All its rows are the train split unless :train-rows:/:test-rows: cut it.")
    static let target = DirectiveOption.text("target", type: "column", help: "The column of the :csv: file to predict (t); every other column is a feature.")

    public static let spec = DirectiveSpec(
        name: "load",
        arguments: .optional(DatasetCatalog.names),
        summary: "Reads a data set's IDX files (raw or .gz) and shows its splits, pixel statistics and class counts.",
        options: [split.declaration, directory.declaration, images.declaration, labels.declaration, name.declaration,
                  limit.declaration, range.declaration, from.declaration, trainRows.declaration, testRows.declaration,
                  classes.declaration, positive.declaration, csv.declaration, target.declaration])

    /// Where the data comes from.
    enum Source {
        /// A data set of the catalog, found by `DatasetLocator`.
        case catalog(DatasetCatalog.Entry, splits: [String], directory: (path: String, location: SourceLocation)?)
        /// One split from explicit files.
        case files(images: (path: String, location: SourceLocation), labels: (path: String, location: SourceLocation), split: String)
        /// A CSV table of numbers (`:csv:`) and the column to predict (`:target:`).
        case csv(file: (path: String, location: SourceLocation), target: (name: String, location: SourceLocation))
    }

    let source: Source
    let name: String
    /// The rows kept of each split, nil for all.
    let rows: Range<Int>?
    /// Rows of one split's files, by split name (`:train-rows:`, `:test-rows:`).
    let splitRows: [String: Range<Int>]
    /// The split whose files every split is cut from (`:from:`), or nil.
    let from: String?
    /// The classes kept (`:classes:`), and where the option stands.
    let classes: (labels: [Int], location: SourceLocation)?
    /// The class made positive (`:positive:`), and where the option stands.
    let positive: (label: Int, location: SourceLocation)?
    let location: SourceLocation

    public init(cell: Cell, options: OptionValues) throws {
        location = cell.directiveLocation
        let images = options.raw(Self.images)
        let labels = options.raw(Self.labels)
        let splitChoice = try options.value(Self.split)
        var splitRows: [String: Range<Int>] = [:]
        for (split, option) in Self.rowsOfSplit {
            splitRows[split] = try options.given(option)
        }
        let from = try options.given(Self.from)
        if let from {
            if let split = options.raw(Self.split) {
                throw Diagnostic.error(":from: \(from) builds the splits from :train-rows: and :test-rows:; :split: does not apply",
                                       at: split.location, hint: "drop :split:, and give only the rows of the splits you want")
            }
            guard !splitRows.isEmpty else {
                throw Diagnostic.error(":from: \(from) needs :train-rows: or :test-rows: (or both) to say which rows become which split",
                                       at: options.location(of: Self.from),
                                       hint: "e.g. :train-rows: 0..8000 and :test-rows: 8000..10000")
            }
        }
        self.from = from
        self.splitRows = splitRows

        if let file = options.raw(Self.csv) {
            let imageOptions = [cell.option(Self.images.name), cell.option(Self.labels.name), cell.option(Self.directory.name), cell.option(Self.from.name),
                                cell.option(Self.classes.name), cell.option(Self.positive.name), cell.option(Self.split.name)].compactMap { $0 }
            if let other = imageOptions.first {
                throw Diagnostic.error(":csv: reads a table of numbers; :\(other.key): is for image data", at: other.location,
                                       hint: "give :csv: and :target: (and :train-rows:/:test-rows: to cut splits from its rows)")
            }
            if let argument = cell.arguments.first {
                throw Diagnostic.error("{load} \(argument) finds its own image files; :csv: is for a table of your own", at: cell.directiveLocation,
                                       hint: "drop the argument and use :name: to name the data set")
            }
            guard let target = options.raw(Self.target) else {
                throw Diagnostic.error("{load} :csv: needs :target: COLUMN, the column to predict", at: options.location(of: Self.csv),
                                       hint: "e.g. :target: price (every other column is a feature)")
            }
            source = .csv(file: (try options.value(Self.csv), file.location), target: (try options.value(Self.target), target.location))
            name = try options.given(Self.name) ?? "data"
        } else if let target = options.raw(Self.target) {
            throw Diagnostic.error(":target: names a column of a :csv: file", at: target.location, hint: "add :csv: FILE, or drop :target:")
        } else if let argument = cell.arguments.first {
            let entry = DatasetCatalog.entry(named: argument)!
            if let given = images ?? labels {
                throw Diagnostic.error("{load} \(argument) finds its own files; :images: and :labels: are for unnamed data",
                                       at: given.location, hint: "drop the argument and use :name: to name explicit files")
            }
            let directory = options.raw(Self.directory)
            let splits = from.map { [$0] } ?? (splitChoice == "all" ? ["train", "test"] : [splitChoice])
            source = .catalog(entry, splits: splits,
                              directory: try directory.map { (try options.value(Self.directory) as String, $0.location) })
            name = try options.given(Self.name) ?? entry.name
        } else {
            guard let images, let labels else {
                throw Diagnostic.error("{load} needs a data set name or both :images: and :labels:",
                                       at: (images ?? labels)?.location ?? cell.directiveLocation,
                                       hint: "write {load} \(DatasetCatalog.names.joined(separator: " or {load} ")), or give both files")
            }
            if let directory = options.raw(Self.directory) {
                throw Diagnostic.error(":dir: is where named data sets are looked for; explicit files give their own paths",
                                       at: directory.location, hint: "drop :dir: or write the folder into :images: and :labels:")
            }
            if let from {
                throw Diagnostic.error(":from: \(from) picks a named data set's files; :images: and :labels: are already one pair of files",
                                       at: options.location(of: Self.from),
                                       hint: "drop :from:: :train-rows: and :test-rows: cut explicit files directly")
            }
            let imagesPath: String = try options.value(Self.images), labelsPath: String = try options.value(Self.labels)
            let split: String
            switch splitChoice {
            case "all":
                let file = (imagesPath as NSString).lastPathComponent.lowercased()
                split = file.hasPrefix("t10k") || file.hasPrefix("test") ? "test" : "train"
            default:
                split = splitChoice
            }
            source = .files(images: (imagesPath, images.location), labels: (labelsPath, labels.location), split: split)
            name = try options.given(Self.name) ?? "data"
        }

        var rows: Range<Int>? = try options.given(Self.limit).map { 0 ..< $0 }
        if options.isSet(Self.range) {
            if let limitOption = options.raw(Self.limit) {
                throw Diagnostic.error(":limit: and :range: both choose rows; give one", at: limitOption.location,
                                       hint: ":limit: N is :range: 0..N")
            }
            rows = try options.given(Self.range)
        }
        if let rows, let given = Self.rowsOfSplit.values.lazy.compactMap({ options.raw($0) }).first {
            throw Diagnostic.error(":\(options.isSet(Self.range) ? "range" : "limit"): keeps rows \(rows.lowerBound)..\(rows.upperBound) of every split, but :train-rows:/:test-rows: choose rows per split; give one kind",
                                   at: given.location, hint: "write the rows into :train-rows: and :test-rows: instead")
        }
        self.rows = rows
        classes = try options.given(Self.classes).map { ($0, options.location(of: Self.classes)) }
        if let classes, case let .catalog(entry, _, _) = source {
            try Self.check(classes, classCount: entry.classNames.count)
        }
        positive = try options.given(Self.positive).map { ($0, options.location(of: Self.positive)) }
        if let positive {
            if classes != nil {
                throw Diagnostic.error(":positive: and :classes: both choose the classes; give one", at: positive.location,
                                       hint: ":classes: 3,8 keeps two classes (3 as 0, 8 as 1); :positive: 3 keeps every image, 3 against the rest")
            }
            if case let .catalog(entry, _, _) = source { try Self.check(([positive.label], positive.location), classCount: entry.classNames.count) }
        }
        try checkSplitRows(options: options, explicitFiles: images != nil || options.raw(Self.csv) != nil)
    }

    /// `:classes:` must name classes the data set has.
    private static func check(_ classes: (labels: [Int], location: SourceLocation), classCount: Int) throws {
        if let missing = classes.labels.first(where: { $0 >= classCount }) {
            throw Diagnostic.error(":classes: names label \(missing), but the data set's labels are 0 to \(classCount - 1)",
                                   at: classes.location, hint: "name labels from 0 to \(classCount - 1)")
        }
    }

    /// Rows chosen per split must name loaded splits and, cut from one file pair, must not overlap.
    private func checkSplitRows(options: OptionValues, explicitFiles: Bool) throws {
        let sameFiles = from != nil || explicitFiles
        if let train = splitRows["train"], let test = splitRows["test"], sameFiles, train.overlaps(test) {
            let shared = train.clamped(to: test)
            throw Diagnostic.error("train rows \(train.lowerBound)..\(train.upperBound) and test rows \(test.lowerBound)..\(test.upperBound) overlap: \(NumberText.grouped(shared.count)) images would be trained on and then tested on",
                                   at: options.location(of: Self.testRows),
                                   hint: "cut the file into disjoint parts, e.g. :train-rows: 0..\(test.lowerBound) and :test-rows: \(test.lowerBound)..\(test.upperBound)")
        }
        if case let .catalog(_, splits, _) = source, from == nil {
            for split in splitRows.keys.sorted() where !splits.contains(split) {
                throw Diagnostic.error(":\(split)-rows: chooses rows of the \(split) split, which :split: leaves out",
                                       at: options.location(of: Self.rowsOfSplit[split]!),
                                       hint: "load it with :split: all, or cut it from the other split's files with :from:")
            }
        }
    }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        var splits: [DataSplit] = []
        let classNames: [String]
        var origin: String
        /// A CSV table's feature columns and target.
        var columns: (features: [String], target: String)?
        switch source {
        case let .catalog(entry, splitNames, directory):
            let found = try locate(entry, splits: splitNames, directory: directory, in: context)
            for split in splitNames {
                let files = found.files[split]!
                context.progress("reading \(entry.name) \(split) split")
                try context.checkCancelled()
                splits.append(try read(split, images: files.images, labels: files.labels,
                                       rows: from == nil ? splitRows[split] ?? rows : nil,
                                       classCount: entry.classNames.count, at: location, budget: context.settings.memoryBudget,
                                       shared: context.settings.dataReads))
            }
            classNames = entry.classNames
            // The folder under the place it was found, never an absolute (home) path.
            origin = context.words.readFrom(found.place.directory.lastPathComponent + "/", place: found.place.origin)
            if let from {
                let files = found.files[from]!
                splits = try cut(splits[0], files: context.words.fileAndLabels(files.images.lastPathComponent), origin: &origin,
                                 words: context.words)
            }
        case let .files(images, labels, split):
            context.progress("reading \(split) split")
            let catalogClasses = DatasetCatalog.entry(named: name)?.classNames
            let imagesURL = context.resolve(images.path)
            // Messages name the files as the cell wrote them.
            let data = try read(split, images: imagesURL, labels: context.resolve(labels.path),
                                rows: splitRows.isEmpty ? rows : nil,
                                classCount: catalogClasses?.count, at: images.location, budget: context.settings.memoryBudget,
                                shared: context.settings.dataReads, displayName: { $0 == imagesURL ? images.path : labels.path })
            // Unknown files: digit names, at least 0…9 so that a few rows do not shrink the classes.
            classNames = catalogClasses ?? (0 ... max(9, Int(data.labels.max() ?? 0))).map(String.init)
            origin = context.words.readFiles(images.path, labels.path)
            splits = splitRows.isEmpty ? [data] : try cut(data, files: context.words.theseFiles, origin: &origin, words: context.words)
        case let .csv(file, target):
            context.progress("reading \(file.path)")
            let read = try CSVData.read(context.resolve(file.path), displayName: file.path, target: target.name, targetLocation: target.location,
                                        budget: context.settings.memoryBudget)
            var data = read.split
            if splitRows.isEmpty, let rows {
                guard rows.upperBound <= data.count else {
                    throw Diagnostic.error("rows \(rows.lowerBound)..\(rows.upperBound) go past the \(NumberText.grouped(data.count)) rows of \(file.path)",
                                           at: location, hint: "the rows are 0..\(data.count) (the end is left out)")
                }
                data = data.subset(rows)
            }
            columns = (read.features, target.name)
            classNames = []
            origin = context.words.readTable(file.path)
            splits = splitRows.isEmpty ? [data] : try cut(data, files: file.path, origin: &origin, words: context.words)
        }
        var keptNames = classNames
        if let classes {
            try Self.check(classes, classCount: classNames.count)
            splits = splits.map { $0.keeping(classes: classes.labels) }
            keptNames = classes.labels.map { classNames[$0] }
        }
        if let positive {
            try Self.check(([positive.label], positive.location), classCount: classNames.count)
            splits = splits.map { $0.binary(positive: positive.label) }
            keptNames = [context.words.notClass(classNames[positive.label]), classNames[positive.label]]
        }
        let dataset = Dataset(name: name, classNames: keptNames,
                              train: splits.first { $0.name == "train" }, test: splits.first { $0.name == "test" })
        let previous = context.state.dataset
        context.state.dataset = dataset
        if from == nil {
            if !splitRows.isEmpty, case .catalog = source {
                for split in splitRows.keys.sorted() {
                    let kept = splitRows[split]!
                    origin += context.words.keptRows("\(kept.lowerBound)..\(kept.upperBound - 1)", of: split)
                }
            } else if let rows, splitRows.isEmpty {
                origin += context.words.keptRows("\(rows.lowerBound)..\(rows.upperBound - 1)", of: nil)
            }
        }
        if classes != nil || positive != nil {
            origin += context.words.keptClasses(keptNames)
        }
        if let previous {
            origin += context.words.replaces(name, previous: previous.name)
        }
        if let columns { return Self.tableSummary(of: dataset, columns: columns, origin: origin, words: context.words) }
        return Self.summary(of: dataset, origin: origin, words: context.words)
    }

    /// The train and test splits cut from the rows of `whole` chosen by `:train-rows:`/`:test-rows:`,
    /// with one line per split added to `origin`. `files` names where `whole` came from.
    private func cut(_ whole: DataSplit, files: String, origin: inout String, words: CellStrings) throws -> [DataSplit] {
        var parts: [DataSplit] = []
        for split in ["train", "test"] {
            guard let kept = splitRows[split] else { continue }
            guard kept.upperBound <= whole.count else {
                throw Diagnostic.error(":\(split)-rows: \(kept.lowerBound)..\(kept.upperBound) goes past the \(NumberText.grouped(whole.count)) rows of \(files)",
                                       at: location, hint: "the rows are 0..\(whole.count) (the end is left out)")
            }
            parts.append(whole.subset(kept, name: split))
            origin += words.cutSplit(split, rows: "\(kept.lowerBound)..\(kept.upperBound - 1)", of: parts.count == 1 ? files : words.theSameFiles)
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
            return [context.resolve(images.path), context.resolve(labels.path)]
        case let .csv(file, _):
            return [context.resolve(file.path)]
        }
    }

    /// Finds a named data set's files for `splits`, with errors placed at `:dir:` or the directive.
    private func locate(_ entry: DatasetCatalog.Entry, splits: [String], directory: (path: String, location: SourceLocation)?,
                        in context: ExecutionContext) throws -> (place: DatasetLocator.Place, files: [String: DatasetLocator.SplitFiles]) {
        let locator = DatasetLocator(cellDirectory: directory.map { context.resolve($0.path) },
                                     dataRoot: context.settings.dataDirectory)
        do {
            return try locator.locate(entry, splits: splits)
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: directory?.location ?? location)
        }
    }

    private func read(_ split: String, images: URL, labels: URL, rows: Range<Int>?, classCount: Int?, at location: SourceLocation,
                      budget: MemoryBudget, shared: DataReads?, displayName: (URL) -> String = { $0.path }) throws -> DataSplit {
        do {
            guard let shared else {
                return try DatasetLoader.readSplit(split, images: images, labels: labels, rows: rows,
                                                   classCount: classCount, displayName: displayName, budget: budget)
            }
            return try shared.split(split, images: images, labels: labels, rows: rows, classCount: classCount,
                                    names: [displayName(images), displayName(labels)]) {
                try DatasetLoader.readSplit(split, images: images, labels: labels, rows: rows,
                                            classCount: classCount, displayName: displayName, budget: budget)
            }
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: location)
        }
    }

    /// The split table, the class table and the metrics of `dataset`.
    static func summary(of dataset: Dataset, origin: String, words: CellStrings = CellStrings(language: "en")) -> CellOutputs {
        var outputs = CellOutputs()
        var total = [Int](repeating: 0, count: 256)
        var rows: [[String]] = []
        for split in dataset.splits {
            let histogram = PixelStatistics.histogram(split.images)
            for value in 0 ..< 256 { total[value] += histogram[value] }
            let stats = PixelStatistics(histogram: histogram)
            rows.append([words.splitName(split.name), NumberText.grouped(split.count), "\(split.rows)×\(split.cols)",
                         NumberText.fixed(stats.mean), NumberText.fixed(stats.standardDeviation)])
            outputs.record("\(split.name)_count", Double(split.count))
            outputs.record("\(split.name)_pixel_mean", stats.mean)
            outputs.record("\(split.name)_pixel_std", stats.standardDeviation)
            if let first = split.labels.first { outputs.record("\(split.name)_first_label", Double(first)) }
        }
        let overall = PixelStatistics(histogram: total)
        outputs.record("pixel_mean", overall.mean)
        outputs.record("pixel_std", overall.standardDeviation)
        outputs.record("classes", Double(dataset.classNames.count))
        outputs.append(.table(.numeric(caption: words.splits(of: dataset.name),
                                       header: [words.split, words.images, words.shape, words.pixelMean, words.pixelStd], rows: rows)))

        let counts = dataset.splits.map { split in
            split.labels.reduce(into: [Int](repeating: 0, count: dataset.classNames.count)) { counts, label in
                if Int(label) < counts.count { counts[Int(label)] += 1 }
            }
        }
        let classRows = dataset.classNames.indices.map { label in
            [String(label), dataset.classNames[label]] + counts.map { NumberText.grouped($0[label]) }
        }
        outputs.append(.table(Table(caption: words.imagesPerClass(of: dataset.name),
                                    header: [words.label, words.className] + dataset.splits.map { words.splitName($0.name) }, rows: classRows,
                                    alignments: [.right, .left] + dataset.splits.map { _ in .right })))
        outputs.append(.text(origin))
        return outputs
    }

    /// A CSV table's rows per split and each column's role, mean, minimum and maximum.
    static func tableSummary(of dataset: Dataset, columns: (features: [String], target: String), origin: String,
                             words: CellStrings = CellStrings(language: "en")) -> CellOutputs {
        var outputs = CellOutputs()
        var rows: [[String]] = []
        for split in dataset.splits {
            rows.append([words.splitName(split.name), NumberText.grouped(split.count)])
            outputs.record("\(split.name)_count", Double(split.count))
        }
        outputs.record("features", Double(columns.features.count))
        outputs.append(.table(.numeric(caption: words.splits(of: dataset.name), header: [words.split, words.rowsWord], rows: rows)))
        func describe(_ values: [Double]) -> [String] {
            guard let low = values.min(), let high = values.max() else { return ["–", "–", "–"] }
            return [NumberText.significant(values.reduce(0, +) / Double(values.count)), NumberText.significant(low), NumberText.significant(high)]
        }
        var columnRows: [[String]] = []
        for (index, name) in columns.features.enumerated() {
            let values = dataset.splits.flatMap { split in (0..<split.count).map { split.features![$0 * split.pixelCount + index] } }
            columnRows.append([name, words.featureRole] + describe(values))
        }
        columnRows.append([columns.target, words.targetRole] + describe(dataset.splits.flatMap { $0.targets ?? [] }))
        outputs.append(.table(Table(caption: words.columns(of: dataset.name), header: [words.column, words.role, words.mean, words.minimum, words.maximum],
                                    rows: columnRows, alignments: [.left, .left, .right, .right, .right])))
        outputs.append(.text(origin))
        return outputs
    }
}
