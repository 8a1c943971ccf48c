/// A model's first-layer weights as images: one per class (softmax regression) or hidden
/// unit, in a diverging colour map.
///
/// Unit c's template is column c of the input weights (one weight per pixel), shown at
/// the images' shape. Blue is negative, white zero, red positive, on one symmetric scale
/// ±max|W| shared by all classes so that templates compare with each other.
public enum WeightImages {
    /// RGB pixels (`rows × cols × 3`) of each class's template, and the scale used.
    public static func bitmaps(of model: any Classifier, rows: Int, cols: Int) -> (images: [Bitmap], scale: Float) {
        precondition(rows * cols == model.inputs, "\(rows)×\(cols) images need \(rows * cols) inputs, the model has \(model.inputs)")
        let (units, weights) = model.inputWeights
        let scale = weights.reduce(Float(0)) { max($0, abs($1)) }
        let images = (0..<units).map { c -> Bitmap in
            var pixels = [UInt8](repeating: 0, count: model.inputs * 3)
            for j in 0..<model.inputs {
                let w = weights[j * units + c]
                let color = ColorMap.diverging(scale > 0 ? Double(w / scale) : 0)
                pixels[3 * j] = color.red
                pixels[3 * j + 1] = color.green
                pixels[3 * j + 2] = color.blue
            }
            return Bitmap(width: cols, height: rows, channels: .rgb, pixels: pixels)
        }
        return (images, scale)
    }

    /// One figure per image of `bitmaps` (unit `indices[k]`), captioned with its class name or unit.
    public static func figures(_ bitmaps: [Bitmap], indices: [Int], rows: Int, cols: Int, classNames: [String],
                               scale: Float, displayScale: Int = 4, shrinkBy factor: Int = 1) throws -> [Figure] {
        try zip(indices, bitmaps).map { c, image in
            let name = classNames.indices.contains(c) ? classNames[c] : String(c)
            return try Figure(image, shrinkBy: factor, displayScale: displayScale, caption: name,
                          alt: "weights of \(name) as a \(rows)×\(cols) image: blue negative, white zero, red positive, scale ±\(String(format: "%.3g", scale))")
        }
    }

    /// One figure per class, captioned with the class name (for `{show} weights`).
    public static func figures(of model: any Classifier, rows: Int, cols: Int, classNames: [String], displayScale: Int = 4,
                               shrinkBy factor: Int = 1) throws -> [Figure] {
        let (images, scale) = bitmaps(of: model, rows: rows, cols: cols)
        return try figures(images, indices: Array(images.indices), rows: rows, cols: cols, classNames: classNames,
                           scale: scale, displayScale: displayScale, shrinkBy: factor)
    }
}
