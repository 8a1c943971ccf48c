/// The rows of a split as the tensors formulas name: `X` (the pixel bytes times a scale), `y`
/// (labels), `Y` (one-hot labels), `t` (the targets, N×1: real values, or the labels) and `N`
/// (the row count).
extension DataSplit {
    /// `X`, `y`, `Y`, `t` and `N` for `samples` rows of this split drawn with `seed`.
    public func tensors(samples: Int, seed: UInt64, classes: Int, scale: Double = 1.0 / 255) -> [String: Tensor] {
        var generator = Xoshiro256StarStar(seed: seed)
        let rows = generator.sample(samples, from: count)
        return tensors(rows: rows, classes: classes, scale: scale)
    }

    /// `X`, `y`, `Y`, `t` and `N` for the given rows of this split; `X` is the pixel bytes times `scale`, or the features as they are.
    public func tensors(rows: [Int], classes: Int, scale: Double = 1.0 / 255) -> [String: Tensor] {
        let pixels = pixelCount
        var x = [Double](repeating: 0, count: rows.count * pixels)
        var labels = [Double](repeating: 0, count: rows.count)
        var onehot = [Double](repeating: 0, count: rows.count * classes)
        if let features {
            for (r, row) in rows.enumerated() {
                for p in 0..<pixels { x[r * pixels + p] = features[row * pixels + p] }
            }
        } else { self.images.withUnsafeBufferPointer { images in
            for (r, row) in rows.enumerated() {
                let base = row * pixels
                if scale == 1.0 / 255 {
                    for p in 0..<pixels { x[r * pixels + p] = Double(images[base + p]) / 255 }
                } else {
                    for p in 0..<pixels { x[r * pixels + p] = Double(images[base + p]) * scale }
                }
            }
        } }
        for (r, row) in rows.enumerated() {
            let label = Int(self.labels[row])
            labels[r] = Double(label)
            if label < classes { onehot[r * classes + label] = 1 }
        }
        return [
            "X": Tensor(rows: rows.count, cols: pixels, data: x),
            "y": Tensor(vector: labels),
            "Y": Tensor(rows: rows.count, cols: classes, data: onehot),
            "t": Tensor(rows: rows.count, cols: 1, data: rows.map(target)),
            "N": Tensor(scalar: Double(rows.count)),
        ]
    }
}
