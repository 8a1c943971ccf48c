import Foundation

/// Builds `DataSplit`s from pairs of IDX files, checking that images and labels agree.
public enum DatasetLoader {
    /// Reads one split from an images file and a labels file.
    /// - Parameters:
    ///   - rows: keeps only these rows (e.g. the first N), trimmed in place after the full file is checked.
    ///   - classCount: labels must be below it when given.
    ///   - displayName: how messages name a file (its path by default).
    ///   - budget: each file's contents must fit in it.
    public static func readSplit(_ split: String, images imagesURL: URL, labels labelsURL: URL,
                                 rows: Range<Int>? = nil, classCount: Int? = nil,
                                 displayName: (URL) -> String = { $0.path }, budget: MemoryBudget = .default) throws -> DataSplit {
        let imagesName = displayName(imagesURL), labelsName = displayName(labelsURL)
        var images = try IDXReader.readImages(at: imagesURL, displayName: imagesName, budget: budget)
        var labels = try IDXReader.readLabels(at: labelsURL, displayName: labelsName, budget: budget)
        guard images.count == labels.count else {
            throw Diagnostic.error("images file '\(imagesName)' has \(images.count) images but labels file '\(labelsName)' has \(labels.count) labels",
                                   hint: "the two files belong to different splits or data sets?")
        }
        if let classCount, let index = labels.firstIndex(where: { Int($0) >= classCount }) {
            throw Diagnostic.error("labels file '\(labelsName)' has label \(labels[index]) at row \(index), outside 0…\(classCount - 1)",
                                   hint: "the file does not belong to this data set, or it is corrupt")
        }
        if let rows {
            guard rows.lowerBound >= 0, rows.upperBound <= images.count else {
                throw Diagnostic.error("rows \(rows.lowerBound)..<\(rows.upperBound) are outside the \(images.count) rows of the \(split) split",
                                       hint: "the \(split) split has rows 0..<\(images.count)")
            }
            let pixels = images.rows * images.cols
            images.pixels.removeSubrange(rows.upperBound * pixels ..< images.pixels.count)
            images.pixels.removeSubrange(0 ..< rows.lowerBound * pixels)
            labels.removeSubrange(rows.upperBound ..< labels.count)
            labels.removeSubrange(0 ..< rows.lowerBound)
            images.count = rows.count
        }
        return DataSplit(name: split, images: images.pixels, labels: labels, count: images.count,
                         rows: images.rows, cols: images.cols, sources: [imagesName, labelsName])
    }
}
