/// Rows held out of a training split for validation.
extension DataSplit {
    /// `count` rows drawn by `seed` (a `Xoshiro256StarStar` shuffle of the row numbers, its
    /// first `count`) as the validation split, in their order in this split, and the other rows,
    /// in their order, as the training split. The same seed holds out the same rows.
    public func holdingOut(_ count: Int, seed: UInt64) -> (train: DataSplit, validation: DataSplit) {
        var generator = Xoshiro256StarStar(seed: seed ^ 0x7661_6C69_6461_7465)  // "validate"
        var order = [Int32](0 ..< Int32(self.count))
        generator.shuffle(&order)
        var held = [Bool](repeating: false, count: self.count)
        for row in order.prefix(count) { held[Int(row)] = true }
        func part(_ keep: Bool, _ name: String) -> DataSplit {
            var images: [UInt8] = [], labels: [UInt8] = [], targets: [Double] = [], features: [Double] = []
            for row in 0 ..< self.count where held[row] == keep {
                images.append(contentsOf: image(row))
                labels.append(self.labels[row])
                targets.append(target(row))
                if let all = self.features { features.append(contentsOf: all[row * pixelCount ..< (row + 1) * pixelCount]) }
            }
            var part = DataSplit(name: name, images: images, labels: labels, count: labels.count, rows: self.rows, cols: cols, sources: sources)
            // A regression's targets and a CSV data set's features go with their rows.
            if self.targets != nil { part.targets = targets }
            if self.features != nil { part.features = features }
            return part
        }
        return (part(false, name), part(true, "validation"))
    }
}
