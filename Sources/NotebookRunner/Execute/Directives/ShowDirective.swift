import Foundation

/// `{show}`: a grid of images from a loaded split, also written as PGM/PPM files.
///
/// ````
/// ```{show} test               ← or {show}: the test split if loaded, else train
/// :per-class: 3                ← or :start: 0 and :count: 10
/// :caption: class
/// :format: ppm
/// ```
/// ````
/// The report embeds each image as a PNG with its exact pixels, shown `:scale:` times
/// larger; the netpbm files go to `<out>/<notebook>/<data set>/<label>-<split>-<index>.pgm`.
///
/// What is shown is a `Mode`, chosen by the argument: images of a split (`train`,
/// `test`), the trained model's `predictions` on a split (captioned "true → predicted",
/// wrong ones flagged), or its `weights` (one template per class in a diverging colour
/// map, also written as PPM files).
public struct ShowDirective: Directive {
    public static let spec = DirectiveSpec(
        name: "show",
        arguments: "[train|test | predictions [train|test] | weights]",
        summary: "Shows images of a loaded split in a grid, captioned, and writes them as PGM or PPM files.",
        options: [
            OptionSpec("split", "train|test", "The split to show (same as the argument); default test if loaded, else train."),
            OptionSpec("dataset", "name", "A data set loaded earlier by name (default: the last one loaded)."),
            OptionSpec("start", "integer ≥ 0", "The first row shown.", default: "0"),
            OptionSpec("count", "1…\(maxImages)", "How many rows from :start:.", default: "10"),
            OptionSpec("per-class", "1…\(maxPerClass)", "Instead of :start:/:count:, the first N images of each class, in class order."),
            OptionSpec("caption", "label|class|index|none", "What is written under each image.", default: "class"),
            OptionSpec("scale", "1…16", "How many times larger the page shows the images (pixelated).", default: "3"),
            OptionSpec("format", "pgm|ppm", "The file format written: PGM (gray) or PPM (RGB).", default: "pgm"),
            OptionSpec("only", "all|wrong", "With predictions: every selected row, or only the first :count: the model gets wrong.", default: "all"),
        ])

    static let maxImages = 1000
    static let maxPerClass = 100

    /// What the cell shows.
    enum Mode: Equatable {
        /// Images of a data set split, chosen by `Selection`.
        case samples(split: String?)
        /// The trained model's predictions on a split; `onlyWrong` picks mistakes only.
        case predictions(split: String?, onlyWrong: Bool)
        /// The trained model's weight templates, one per class.
        case weights

        /// The mode named by the cell's arguments.
        init(arguments: [String], options: OptionReader, at location: SourceLocation) throws {
            let predictionsOnSplit = arguments.count == 2 && arguments[0] == "predictions" && ["train", "test"].contains(arguments[1])
            guard arguments.count <= 1 || predictionsOnSplit else {
                throw Diagnostic.error("{show} takes one argument (two for predictions on a split), got \(arguments.count)", at: location,
                                       hint: "write {show} test, {show} predictions test, or choose with options such as :per-class: 3")
            }
            var splitOption = try options.raw("split", inheritsDefault: false).map { _ in
                try options.choice("split", ["train", "test"], default: "test", inheritsDefault: false)
            }
            if predictionsOnSplit {
                if let splitOption, splitOption != arguments[1] {
                    throw Diagnostic.error("{show} predictions \(arguments[1]) contradicts :split: \(splitOption)",
                                           at: options.location(of: "split"), hint: "give the split once")
                }
                splitOption = arguments[1]
            }
            let onlyWrong = try options.choice("only", ["all", "wrong"], default: "all", inheritsDefault: false) == "wrong"
            if options.raw("only", inheritsDefault: false) != nil && arguments.first != "predictions" {
                throw Diagnostic.error(":only: applies to {show} predictions", at: options.location(of: "only"),
                                       hint: "write {show} predictions with :only: wrong")
            }
            switch arguments.first {
            case nil:
                self = .samples(split: splitOption)
            case "predictions":
                self = .predictions(split: splitOption, onlyWrong: onlyWrong)
            case "weights":
                if let split = options.raw("split", inheritsDefault: false) {
                    throw Diagnostic.error("{show} weights shows the model, not a split", at: split.location,
                                           hint: "remove :split:")
                }
                self = .weights
            case let word? where ["train", "test"].contains(word):
                if let splitOption, splitOption != word {
                    throw Diagnostic.error("{show} \(word) contradicts :split: \(splitOption)", at: options.location(of: "split"),
                                           hint: "give the split once")
                }
                self = .samples(split: word)
            case let word?:
                let known = ["train", "test", "predictions", "weights"]
                throw Diagnostic.error("{show} does not know '\(word)'", at: location,
                                       hint: (Suggestion.nearest(to: word, in: known).map { "did you mean '\($0)'? " } ?? "")
                                           + "write {show} \(known.joined(separator: " or {show} "))")
            }
        }
    }

    /// Which rows of a split are shown.
    enum Selection: Equatable {
        case range(start: Int, count: Int)
        case perClass(Int)
    }

    /// What is written under an image.
    enum Captioning: String, CaseIterable {
        case label, `class`, index, none

        func caption(label: Int, index: Int, dataset: Dataset) -> String {
            switch self {
            case .label: return String(label)
            case .class: return dataset.className(label)
            case .index: return "#\(index)"
            case .none: return ""
            }
        }
    }

    let mode: Mode
    let selection: Selection
    let captioning: Captioning
    let scale: Int
    let format: NetpbmWriter.Format
    let datasetName: String?
    let location: SourceLocation

    public init(cell: Cell, defaults: Defaults) throws {
        let options = OptionReader(cell: cell, defaults: defaults)
        location = cell.directiveLocation
        mode = try Mode(arguments: cell.arguments, options: options, at: cell.directiveLocation)
        if options.raw("per-class", inheritsDefault: false) != nil {
            for conflicting in ["start", "count"] where cell.option(conflicting) != nil {
                throw Diagnostic.error(":per-class: and :\(conflicting): both choose images; give one", at: options.location(of: conflicting),
                                       hint: ":per-class: N shows the first N of each class; :start:/:count: a run of rows")
            }
            selection = .perClass(try options.int("per-class", default: 3, range: 1...Self.maxPerClass, inheritsDefault: false))
        } else {
            selection = .range(start: try options.int("start", default: 0, range: 0...Int.max, inheritsDefault: false),
                               count: try options.int("count", default: 10, range: 1...Self.maxImages, inheritsDefault: false))
        }
        captioning = Captioning(rawValue: try options.choice("caption", Captioning.allCases.map(\.rawValue), default: "class"))!
        scale = try options.int("scale", default: 3, range: 1...16)
        format = NetpbmWriter.Format(rawValue: try options.choice("format", NetpbmWriter.Format.allCases.map(\.rawValue), default: "pgm"))!
        datasetName = options.string("dataset", inheritsDefault: false)
    }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        switch mode {
        case .samples(let splitName):
            return try showSamples(split: splitName, in: context)
        case let .predictions(splitName, onlyWrong):
            return try showPredictions(split: splitName, onlyWrong: onlyWrong, in: context)
        case .weights:
            return try showWeights(in: context)
        }
    }

    /// The trained model, or an error saying to train one first.
    private func model(in state: NotebookState, for what: String) throws -> SoftmaxModel {
        guard let model = state.model else {
            throw Diagnostic.error("{show} \(what) needs a trained model, and none exists yet", at: location,
                                   hint: "add a {train} softmax cell before this one")
        }
        return model
    }

    /// The split called `name`, else the test split when loaded, else train.
    private func split(_ name: String?, of dataset: Dataset) throws -> DataSplit {
        let name = name ?? (dataset.test != nil ? "test" : "train")
        guard let split = dataset.split(name) else {
            throw Diagnostic.error("data set '\(dataset.name)' has no \(name) split loaded", at: location,
                                   hint: "load it with :split: \(name) or :split: all, or show \(dataset.splits.map(\.name).joined(separator: " or "))")
        }
        return split
    }

    private func showPredictions(split splitName: String?, onlyWrong: Bool, in context: ExecutionContext) throws -> CellOutputs {
        let model = try model(in: context.state, for: "predictions")
        let dataset = try dataset(in: context.state)
        let split = try split(splitName, of: dataset)
        guard model.inputs == split.pixelCount else {
            throw Diagnostic.error("the model takes \(model.inputs) inputs but \(dataset.name) images have \(split.pixelCount) pixels",
                                   at: location, hint: "show predictions on the data set the model was trained on")
        }
        let indices: [Int]
        switch (selection, onlyWrong) {
        case let (.range(start, count), true):
            try checkStart(start, count: 1, in: split)
            indices = PredictionGrid.indices(of: model, on: split, start: start, count: count, onlyWrong: true)
        case (.perClass, true):
            throw Diagnostic.error(":only: wrong picks the first mistakes; it does not combine with :per-class:", at: location,
                                   hint: "use :count: with :only: wrong")
        default:
            indices = try rows(of: split)
        }
        guard !indices.isEmpty else {
            return CellOutputs([.text("The model gets every \(split.name) image from the start row right: no mistake to show.")])
        }
        let entries = PredictionGrid.entries(of: model, on: split, indices: indices)
        let factor = DisplaySize.shrinkFactor(width: split.cols, height: split.rows, count: indices.count)
        let figures = try PredictionGrid.figures(of: model, on: split, indices: indices, dataset: dataset,
                                                 displayScale: scale, shrinkBy: factor)
        let wrong = entries.filter { !$0.isCorrect }.count
        var outputs = CellOutputs([.images(figures)])
        outputs.append(.text((onlyWrong
            ? "The first \(entries.count) \(split.name) images the model gets wrong, captioned true → predicted."
            : "\(wrong) of \(entries.count) \(split.name) images shown are wrong (outlined), captioned true → predicted.")
            + (factor > 1 ? " " + DisplaySize.notice(width: split.cols, height: split.rows, factor: factor) : "")))
        outputs.record("images_shown", Double(entries.count))
        outputs.record("wrong_shown", Double(wrong))
        return outputs
    }

    private func showWeights(in context: ExecutionContext) throws -> CellOutputs {
        let model = try model(in: context.state, for: "weights")
        let dataset = try? dataset(in: context.state)
        let side = Int(Double(model.inputs).squareRoot().rounded())
        let split = dataset?.splits.first { $0.pixelCount == model.inputs }
        let (rows, cols) = split.map { ($0.rows, $0.cols) } ?? (side, model.inputs / max(side, 1))
        guard rows * cols == model.inputs else {
            throw Diagnostic.error("cannot draw \(model.inputs) weights per class as an image", at: location,
                                   hint: "load the data set the model was trained on first")
        }
        let classNames = dataset?.classNames ?? (0..<model.classes).map(String.init)
        try context.settings.memoryBudget.check(count: model.inputs * model.classes, elementSize: 3,
                                                for: "drawing \(model.classes) weight images of \(rows)×\(cols)")
        let factor = DisplaySize.shrinkFactor(width: cols, height: rows, count: model.classes)
        let figures = try WeightImages.figures(of: model, rows: rows, cols: cols, classNames: classNames, displayScale: scale, shrinkBy: factor)
        let (bitmaps, range) = WeightImages.bitmaps(of: model, rows: rows, cols: cols)
        let folder = try context.assetURL("weights")
        let files = bitmaps.enumerated().map { index, bitmap in
            let name = classNames.indices.contains(index) ? SlugSet.slug(classNames[index]) : String(index)
            return (name: "\(index)-\(name).ppm", bytes: { NetpbmWriter.encode(bitmap, as: .ppm) }, size: bitmap.pixels.count)
        }
        let written = try Self.writeFiles(files, to: folder, at: location)
        var outputs = CellOutputs([.images(figures)])
        outputs.append(.text("Weights of each class as a \(rows)×\(cols) image: blue negative, white zero, red positive; "
            + "one scale for all, ±\(String(format: "%.3g", range)). Written as PPM files to \(context.notebookName)/weights/."
            + (Self.filesLeftOut(written: written, of: files.count, format: "PPM") ?? "")
            + (factor > 1 ? " " + DisplaySize.notice(width: cols, height: rows, factor: factor) : "")))
        outputs.record("weight_range", Double(range))
        return outputs
    }

    /// The data set named by `:dataset:`, or the current one.
    func dataset(in state: NotebookState) throws -> Dataset {
        if let datasetName {
            guard let dataset = state.datasets[datasetName] else {
                let loaded = state.datasets.keys.sorted()
                throw Diagnostic.error("no data set named '\(datasetName)' has been loaded", at: location,
                                       hint: loaded.isEmpty ? "add a {load} cell before this one"
                                           : "loaded: \(loaded.joined(separator: ", "))")
            }
            return dataset
        }
        guard let dataset = state.dataset else {
            throw Diagnostic.error("{show} needs a data set, and none is loaded yet", at: location,
                                   hint: "add a cell such as {load} fashion-mnist before this one")
        }
        return dataset
    }

    private func showSamples(split splitName: String?, in context: ExecutionContext) throws -> CellOutputs {
        let dataset = try dataset(in: context.state)
        let split = try split(splitName, of: dataset)
        let indices = try rows(of: split)
        let folder = try context.assetURL(dataset.name)
        let digits = max(4, String(split.count - 1).count)
        let factor = DisplaySize.shrinkFactor(width: split.cols, height: split.rows, count: indices.count)
        var figures: [Figure] = []
        var files: [(name: String, bytes: () -> [UInt8], size: Int)] = []
        for index in indices {
            try context.checkCancelled()
            let label = Int(split.labels[index])
            let image = Bitmap.gray(width: split.cols, height: split.rows, split.image(index))
            let paddedIndex = String(repeating: "0", count: max(0, digits - String(index).count)) + String(index)
            let format = self.format
            files.append((name: "\(label)-\(split.name)-\(paddedIndex).\(format.fileExtension)",
                          bytes: { NetpbmWriter.encode(image, as: format) },
                          size: image.width * image.height * (format == .ppm ? 3 : 1)))
            figures.append(try Figure(image, shrinkBy: factor, displayScale: scale,
                                      caption: captioning.caption(label: label, index: index, dataset: dataset),
                                      alt: "\(dataset.name) \(split.name) image \(index): \(dataset.className(label)) (label \(label))"))
        }
        let written = try Self.writeFiles(files, to: folder, at: location)
        var outputs = CellOutputs([.images(figures)])
        let first = "\(Int(split.labels[indices[0]]))-\(split.name)-…"
        let kind = format.rawValue.uppercased()
        outputs.append(.text("Wrote \(written) \(kind) file\(written == 1 ? "" : "s") to \(context.notebookName)/\(dataset.name)/ (\(first).\(format.fileExtension))."
            + (Self.filesLeftOut(written: written, of: files.count, format: kind) ?? "")
            + (factor > 1 ? " " + DisplaySize.notice(width: split.cols, height: split.rows, factor: factor) : "")))
        outputs.record("images_shown", Double(figures.count))
        return outputs
    }

    /// The rows the selection picks in `split`, in display order.
    func rows(of split: DataSplit) throws -> [Int] {
        switch selection {
        case let .range(start, count):
            try checkStart(start, count: count, in: split)
            return Array(start ..< start + count)
        case let .perClass(perClass):
            var byClass: [Int: [Int]] = [:]
            for (index, label) in split.labels.enumerated() where byClass[Int(label), default: []].count < perClass {
                byClass[Int(label), default: []].append(index)
            }
            return byClass.keys.sorted().flatMap { byClass[$0]! }
        }
    }

    /// Throws unless rows `start ..< start + count` lie in `split` (without computing past `Int.max`).
    func checkStart(_ start: Int, count: Int, in split: DataSplit) throws {
        guard count <= split.count, start <= split.count - count else {
            let last = start > Int.max - count ? "" : String(start + count - 1)
            throw Diagnostic.error("{show} asks for rows \(start)..\(last) but the \(split.name) split has \(split.count) (0..\(split.count - 1))",
                                   at: location, hint: "lower :start: or :count:")
        }
    }

    /// Writes image files, at most `DisplaySize.maxFileBytesPerCell` bytes in all: a file
    /// past that is not written. Returns how many were written.
    static func writeFiles(_ files: [(name: String, bytes: () -> [UInt8], size: Int)], to folder: URL,
                           at location: SourceLocation) throws -> Int {
        var total = 0, written = 0
        for file in files {
            total += file.size
            guard total <= DisplaySize.maxFileBytesPerCell else { break }
            do {
                try AtomicFile.write(Data(file.bytes()), to: folder.appendingPathComponent(file.name))
            } catch let diagnostic as Diagnostic {
                throw diagnostic.located(at: location)
            }
            written += 1
        }
        return written
    }

    /// The sentence saying which files were left out, or nil when all were written.
    static func filesLeftOut(written: Int, of count: Int, format: String) -> String? {
        guard written < count else { return nil }
        return " Wrote \(written) of \(count) \(format) files: the others would pass the \(MemoryBudget.format(DisplaySize.maxFileBytesPerCell)) one cell may write."
    }
}
