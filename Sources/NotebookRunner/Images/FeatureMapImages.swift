/// Small images of convolution kernels and feature maps, for `{show} weights` and
/// `{show} activations`.
public enum FeatureMapImages {
    /// Blue negative, white zero, red positive, on the symmetric scale ±`scale` (shared by
    /// the kernels of a layer, so they compare with each other).
    public static func diverging(_ values: [Float], width: Int, height: Int, scale: Float) -> Bitmap {
        var pixels = [UInt8](repeating: 0, count: values.count * 3)
        for (j, value) in values.enumerated() {
            let color = ColorMap.diverging(scale > 0 ? Double(value / scale) : 0)
            (pixels[3 * j], pixels[3 * j + 1], pixels[3 * j + 2]) = (color.red, color.green, color.blue)
        }
        return Bitmap(width: width, height: height, channels: .rgb, pixels: pixels)
    }

    /// Black at the map's lowest value, white at its highest (a constant map is black).
    public static func gray(_ values: [Double], width: Int, height: Int) -> Bitmap {
        let finite = values.filter(\.isFinite)
        let low = finite.min() ?? 0, high = finite.max() ?? 0
        let bytes = values.map { value -> UInt8 in
            guard value.isFinite, high > low else { return 0 }
            return UInt8(((value - low) / (high - low) * 255).rounded())
        }
        return Bitmap.gray(width: width, height: height, bytes)
    }
}
