/// A labelled image data set held in memory as bytes: a train and/or a test split.
///
/// Pixels stay `UInt8` (one byte each, row-major, image after image) so that
/// 60,000 MNIST-sized images take 47 MB; numeric code converts on the fly.
public struct Dataset: Sendable {
    /// `mnist`, `fashion-mnist`, or the name a `{load}` cell gave explicit files.
    public var name: String
    /// Class names by label; digits "0"…"9" when the data set has none.
    public var classNames: [String]
    public var train: DataSplit?
    public var test: DataSplit?

    public init(name: String, classNames: [String], train: DataSplit?, test: DataSplit?) {
        self.name = name
        self.classNames = classNames
        self.train = train
        self.test = test
    }

    /// The split called `name` (`train` or `test`).
    public func split(_ name: String) -> DataSplit? {
        switch name {
        case "train": return train
        case "test": return test
        default: return nil
        }
    }

    /// The loaded splits, train first.
    public var splits: [DataSplit] { [train, test].compactMap { $0 } }

    /// The caption for label `label`: its class name, or the number.
    public func className(_ label: Int) -> String {
        classNames.indices.contains(label) ? classNames[label] : String(label)
    }
}

/// One split of a data set: `count` images of `rows × cols` bytes and their labels.
public struct DataSplit: Sendable {
    public var name: String
    public var images: [UInt8]
    public var labels: [UInt8]
    public var count: Int
    public var rows: Int
    public var cols: Int
    /// The files it was read from, as given or found.
    public var sources: [String]
    /// A real-valued target per row (regression data); nil: the label is the target.
    public var targets: [Double]?
    /// Real-valued features, `pixelCount` per row, row-major (a CSV data set): `X` is these
    /// values as they are, not the bytes of `images` times a scale. nil: images.
    public var features: [Double]?

    public init(name: String, images: [UInt8], labels: [UInt8], count: Int, rows: Int, cols: Int, sources: [String]) {
        precondition(images.count == count * rows * cols && labels.count == count)
        self.name = name
        self.images = images
        self.labels = labels
        self.count = count
        self.rows = rows
        self.cols = cols
        self.sources = sources
    }

    /// Pixels per image.
    public var pixelCount: Int { rows * cols }

    /// Row `index`'s target `t`: its real value, or its label.
    public func target(_ index: Int) -> Double { targets?[index] ?? Double(labels[index]) }

    /// The bytes of image `index`.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        images[index * pixelCount ..< (index + 1) * pixelCount]
    }

    /// The rows `range` as a split of their own (copies the bytes).
    public func subset(_ range: Range<Int>, name: String? = nil) -> DataSplit {
        var part = DataSplit(name: name ?? self.name,
                             images: Array(images[range.lowerBound * pixelCount ..< range.upperBound * pixelCount]),
                             labels: Array(labels[range]), count: range.count, rows: rows, cols: cols, sources: sources)
        part.targets = targets.map { Array($0[range]) }
        part.features = features.map { Array($0[range.lowerBound * pixelCount ..< range.upperBound * pixelCount]) }
        return part
    }

    /// The rows labelled one of `classes`, in their order, relabelled by position in `classes`
    /// (`[3, 8]`: a 3 becomes 0, an 8 becomes 1).
    public func keeping(classes: [Int]) -> DataSplit {
        var newLabel = [UInt8?](repeating: nil, count: 256)
        for (position, label) in classes.enumerated() where (0..<256).contains(label) { newLabel[label] = UInt8(position) }
        var keptImages: [UInt8] = [], keptLabels: [UInt8] = []
        for row in 0..<count {
            guard let label = newLabel[Int(labels[row])] else { continue }
            keptLabels.append(label)
            keptImages.append(contentsOf: images[row * pixelCount ..< (row + 1) * pixelCount])
        }
        return DataSplit(name: name, images: keptImages, labels: keptLabels, count: keptLabels.count, rows: rows, cols: cols, sources: sources)
    }

    /// Every row, labelled 1 when its label is `positive` and 0 otherwise (`:positive: 3`).
    public func binary(positive: Int) -> DataSplit {
        DataSplit(name: name, images: images, labels: labels.map { Int($0) == positive ? 1 : 0 }, count: count, rows: rows, cols: cols,
                  sources: sources)
    }
}
