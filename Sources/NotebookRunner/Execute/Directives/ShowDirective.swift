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
/// wrong ones flagged), its `weights` (one template per class in a diverging colour
/// map, also written as PPM files; a convolutional model's first kernels), or its
/// `activations` (the feature maps a named step of the forward pass makes of a few images).
public struct ShowDirective: Directive {
    static let maxImages = 1000
    static let maxPerClass = 100

    static let split = DirectiveOption.choice("split", ["train", "test"],
                                     help: "The split to show (same as the argument); default test if loaded, else train.")
    static let start = DirectiveOption.integer("start", in: 0...Int(Int32.max), default: 0, help: "The first row shown.")
    static let count = DirectiveOption.integer("count", in: 1...maxImages, default: 10, inherits: true, help: "How many rows from :start:.")
    static let perClass = DirectiveOption.integer("per-class", in: 1...maxPerClass,
                                         help: "Instead of :start:/:count:, the first N images of each class, in class order.")
    static let caption = DirectiveOption<Captioning>.cases("caption", default: .class, inherits: true, help: "What is written under each image; the alt text always names split, row and class.")
    static let scale = DirectiveOption.integer("scale", in: 1...16, default: 3, inherits: true,
                                      help: "How many times larger the page shows the images (pixelated).")
    static let format = DirectiveOption<NetpbmWriter.Format>.cases("format", default: .pgm, inherits: true,
                                                          help: "The files written: P5 gray (pgm), or P6 RGB with the gray value in all three channels (ppm).")
    static let layer = DirectiveOption.text("layer", type: "name",
                                            help: "With activations: the forward pass's name (images N×C×H×W, e.g. A1) whose feature maps are shown.")
    static let only = DirectiveOption.choice("only", ["all", "wrong"], default: "all",
                                    help: "With predictions: every selected row, or only the first :count: the model gets wrong.")

    public static let spec = DirectiveSpec(
        name: "show",
        arguments: ArgumentSyntax([], [["train", "test"]], [["predictions"]], [["predictions"], ["train", "test"]], [["weights"]],
                                 [["activations"]], [["activations"], ["train", "test"]]),
        summary: "Shows images of a loaded split in a grid, captioned, and writes them as PGM or PPM files.",
        options: [split.declaration, DirectiveOption.dataset.declaration, DirectiveOption.model.declaration, start.declaration, count.declaration,
                  perClass.declaration, caption.declaration, scale.declaration, format.declaration, only.declaration,
                  layer.declaration])

    /// What the cell shows.
    enum Mode: Equatable {
        /// Images of a data set split, chosen by `Selection`.
        case samples(split: String?)
        /// A model's predictions on a split; `onlyWrong` picks mistakes only.
        case predictions(split: String?, onlyWrong: Bool)
        /// A model's first-layer weights, one image per class or unit (per kernel of a convolution).
        case weights
        /// The feature maps of a step of a model's forward pass, for a few images of a split.
        case activations(split: String?, layer: String)

        /// The mode named by the cell's arguments (already checked against the spec).
        init(arguments: [String], options: OptionValues) throws {
            let splitOption = try options.given(ShowDirective.split)
            let argumentSplit = arguments.last.flatMap { ["train", "test"].contains($0) ? $0 : nil }
            if let argumentSplit, let splitOption, splitOption != argumentSplit {
                throw Diagnostic.error("{show} \(arguments.joined(separator: " ")) contradicts :split: \(splitOption)",
                                       at: options.location(of: ShowDirective.split), hint: "give the split once")
            }
            let split = argumentSplit ?? splitOption
            if options.isSet(ShowDirective.only) && arguments.first != "predictions" {
                throw Diagnostic.error(":only: applies to {show} predictions", at: options.location(of: ShowDirective.only),
                                       hint: "write {show} predictions with :only: wrong")
            }
            if options.isSet(ShowDirective.layer) != (arguments.first == "activations") {
                throw Diagnostic.error(arguments.first == "activations" ? "{show} activations needs :layer:, the name of a step of the forward pass"
                                           : ":layer: applies to {show} activations",
                                       at: options.location(of: ShowDirective.layer), hint: "e.g. {show} activations with :layer: A1")
            }
            switch arguments.first {
            case "activations":
                self = .activations(split: split, layer: try options.given(ShowDirective.layer) ?? "")
            case "predictions":
                self = .predictions(split: split, onlyWrong: try options.value(ShowDirective.only) == "wrong")
            case "weights":
                if let given = options.raw(ShowDirective.split) {
                    throw Diagnostic.error("{show} weights shows the model, not a split", at: given.location, hint: "remove :split:")
                }
                self = .weights
            default:
                self = .samples(split: split)
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
    let modelName: String?
    /// Whether the cell (or front matter) chose how many rows: for weights, how many units.
    let countGiven: Bool
    let location: SourceLocation

    public init(cell: Cell, options: OptionValues) throws {
        location = cell.directiveLocation
        mode = try Mode(arguments: cell.arguments, options: options)
        if let perClass = try options.given(Self.perClass) {
            for conflicting in [Self.start, Self.count] where cell.option(conflicting.name) != nil {
                throw Diagnostic.error(":per-class: and :\(conflicting.name): both choose images; give one", at: options.location(of: conflicting),
                                       hint: ":per-class: N shows the first N of each class; :start:/:count: a run of rows")
            }
            selection = .perClass(perClass)
        } else {
            selection = .range(start: try options.value(Self.start), count: try options.value(Self.count))
        }
        captioning = try options.value(Self.caption)
        scale = try options.value(Self.scale)
        format = try options.value(Self.format)
        datasetName = try options.given(.dataset)
        modelName = try options.given(.model)
        countGiven = options.isSet(Self.count) || options.isSet(Self.start)
        if case .samples = mode, let given = options.raw(.model) {
            throw Diagnostic.error(":model: applies to {show} predictions and {show} weights", at: given.location,
                                   hint: "remove :model:, or write {show} predictions")
        }
    }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        switch mode {
        case .samples(let splitName):
            return try showSamples(split: splitName, in: context)
        case let .predictions(splitName, onlyWrong):
            return try showPredictions(split: splitName, onlyWrong: onlyWrong, in: context)
        case .weights:
            if let model = try context.model(named: modelName) as? DeclaredModel, let kernels = model.firstKernels {
                return try showKernels(kernels, of: model, in: context)
            }
            return try showWeights(in: context)
        case let .activations(splitName, layer):
            return try showActivations(layer, split: splitName, in: context)
        }
    }

    private func showPredictions(split splitName: String?, onlyWrong: Bool, in context: ExecutionContext) throws -> CellOutputs {
        let model = try context.model(named: modelName)
        let dataset = try context.dataset(named: datasetName)
        let split = try context.split(splitName, of: dataset, purpose: "show")
        try context.checkInputs(of: model, match: split, dataset: dataset)
        let indices: [Int]
        switch (selection, onlyWrong) {
        case let (.range(start, count), true):
            try checkStart(start, count: 1, in: split)
            indices = try PredictionGrid.indices(of: model, on: split, start: start, count: count, onlyWrong: true)
        case (.perClass, true):
            throw Diagnostic.error(":only: wrong picks the first mistakes; it does not combine with :per-class:", at: location,
                                   hint: "use :count: with :only: wrong")
        default:
            indices = try rows(of: split)
        }
        guard !indices.isEmpty else {
            return CellOutputs([.text(context.words.noMistake(split: split.name))])
        }
        let entries = try PredictionGrid.entries(of: model, on: split, indices: indices)
        let factor = DisplaySize.shrinkFactor(width: split.cols, height: split.rows, count: indices.count)
        let figures = try PredictionGrid.figures(of: model, on: split, indices: indices, dataset: dataset,
                                                 displayScale: scale, shrinkBy: factor)
        let wrong = entries.filter { !$0.isCorrect }.count
        var outputs = CellOutputs([.images(figures)])
        outputs.append(.text((onlyWrong
            ? context.words.firstMistakes(entries.count, split: split.name)
            : context.words.mistakesShown(wrong, of: entries.count, split: split.name))
            + (factor > 1 ? " " + DisplaySize.notice(width: split.cols, height: split.rows, factor: factor) : "")))
        outputs.record("images_shown", Double(entries.count))
        outputs.record("wrong_shown", Double(wrong))
        return outputs
    }

    private func showWeights(in context: ExecutionContext) throws -> CellOutputs {
        let model = try context.model(named: modelName)
        let dataset = try? context.dataset(named: datasetName)
        let side = Int(Double(model.inputs).squareRoot().rounded())
        let split = dataset?.splits.first { $0.pixelCount == model.inputs }
        let (rows, cols) = split.map { ($0.rows, $0.cols) } ?? (side, model.inputs / max(side, 1))
        guard rows * cols == model.inputs else {
            throw Diagnostic.error("cannot draw \(model.inputs) weights per unit as an image", at: location,
                                   hint: "load the data set the model was trained on first")
        }
        // One image per class for softmax regression, per hidden unit for a deeper model.
        let units = model.inputWeights.units
        let perClass = units == model.classes
        let classNames = perClass ? dataset?.classNames ?? (0..<units).map(String.init) : (0..<units).map { "unit \($0)" }
        // Every class, or the units :start:/:count: choose (default the first 10) of a hidden layer.
        var shown = Array(0 ..< units)
        if countGiven || !perClass, case let .range(start, count) = selection {
            guard start < units else {
                throw Diagnostic.error("{show} weights starts at unit \(start) but the model has \(units)", at: location,
                                       hint: "units are 0…\(units - 1)")
            }
            shown = Array(start ..< min(units, start + count))
        }
        try context.settings.memoryBudget.check(count: model.inputs * units, elementSize: 3,
                                                for: "drawing \(units) weight images of \(rows)×\(cols)")
        let factor = DisplaySize.shrinkFactor(width: cols, height: rows, count: shown.count)
        let (allBitmaps, range) = WeightImages.bitmaps(of: model, rows: rows, cols: cols)
        let bitmaps = shown.map { allBitmaps[$0] }
        let figures = try WeightImages.figures(bitmaps, indices: shown, rows: rows, cols: cols, classNames: classNames,
                                               scale: range, displayScale: scale, shrinkBy: factor)
        let folder = try context.assetURL("weights")
        let files = zip(shown, bitmaps).map { index, bitmap in
            let name = classNames.indices.contains(index) ? SlugSet.slug(classNames[index]) : String(index)
            return (name: "\(index)-\(name).ppm", bytes: { NetpbmWriter.encode(bitmap, as: .ppm) }, size: bitmap.pixels.count)
        }
        let written = try Self.writeFiles(files, to: folder, in: context, at: location)
        var outputs = CellOutputs([.images(figures)])
        let which = perClass && shown.count == units ? "each class" : shown.count == units ? "each hidden unit"
            : "hidden units \(shown.first!)…\(shown.last!) of \(units)"
        outputs.append(.text("Weights of \(which) as a \(rows)×\(cols) image: blue negative, white zero, red positive; "
            + "one scale for all, ±\(NumberText.significant(Double(range))). Written as PPM files to \(context.notebookName)/weights/."
            + (Self.filesLeftOut(written: written, of: files.count, format: "PPM") ?? "")
            + (factor > 1 ? " " + DisplaySize.notice(width: cols, height: rows, factor: factor) : "")))
        outputs.record("weight_range", Double(range))
        return outputs
    }

    private func showSamples(split splitName: String?, in context: ExecutionContext) throws -> CellOutputs {
        let dataset = try context.dataset(named: datasetName)
        let split = try context.split(splitName, of: dataset, purpose: "show")
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
        let written = try Self.writeFiles(files, to: folder, in: context, at: location)
        var outputs = CellOutputs([.images(figures)])
        let first = "\(Int(split.labels[indices[0]]))-\(split.name)-…"
        let kind = format.rawValue.uppercased()
        outputs.append(.text(context.words.wroteFiles(written, kind: kind, folder: "\(context.notebookName)/\(dataset.name)/",
                                                      example: "\(first).\(format.fileExtension)")
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

    /// Writes image files (atomically), at most `DisplaySize.maxFileBytesPerCell` bytes in
    /// all: files past that are not written. Returns how many were written.
    static func writeFiles(_ files: [(name: String, bytes: () -> [UInt8], size: Int)], to folder: URL,
                           in context: ExecutionContext, at location: SourceLocation) throws -> Int {
        var total = 0, written = 0
        for file in files {
            total += file.size
            guard total <= DisplaySize.maxFileBytesPerCell else { break }
            do {
                let url = folder.appendingPathComponent(file.name)
                try AtomicFile.write(Data(file.bytes()), to: url, inside: context.settings.outputDirectory)
                context.recordWritten(url)
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
        return " Wrote \(written) of \(count) \(format) files: the others would pass the \(MemoryBudget.describe(bytes: Double(DisplaySize.maxFileBytesPerCell))) one cell may write."
    }
}
