import Foundation
@testable import NotebookRunner
@testable import Tensors

/// Small data for the training tests: synthetic splits and, when installed, Fashion-MNIST.
enum TrainingFixtures {
    /// `count` images of `pixels` bytes whose label decides which block of pixels is bright.
    static func synthetic(count: Int, pixels: Int = 20, classes: Int = 3, seed: UInt64 = 5) -> DataSplit {
        var generator = Xoshiro256StarStar(seed: seed)
        var images = [UInt8](repeating: 0, count: count * pixels)
        var labels = [UInt8](repeating: 0, count: count)
        let block = pixels / classes
        for r in 0..<count {
            let label = generator.below(classes)
            labels[r] = UInt8(label)
            for j in 0..<pixels {
                let bright = j / block == label
                images[r * pixels + j] = UInt8(generator.below(bright ? 156 : 100) + (bright ? 100 : 0))
            }
        }
        return DataSplit(name: "train", images: images, labels: labels, count: count, rows: 1, cols: pixels, sources: [])
    }

    /// The first `rows` rows of Fashion-MNIST's `split` (train or t10k), or nil when it is not installed.
    static func fashionMNIST(_ split: String, rows: Int) throws -> DataSplit? {
        guard DataFixtures.hasFashionMNIST else { return nil }
        let folder = DataFixtures.fashionMNIST
        return try DatasetLoader.readSplit(split == "t10k" ? "test" : "train",
                                           images: folder.appendingPathComponent("\(split)-images-idx3-ubyte.gz"),
                                           labels: folder.appendingPathComponent("\(split)-labels-idx1-ubyte.gz"),
                                           rows: 0..<rows)
    }
}
