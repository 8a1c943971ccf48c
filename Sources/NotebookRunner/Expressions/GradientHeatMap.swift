/// A compact SVG heat map of |formula − numeric| over a parameter's shape.
///
/// Entries are coloured on a white-to-dark-red scale relative to the largest difference;
/// entries that were not checked are light grey, nan ones black. Colours are quantised to
/// a few levels and each level is one `<path>`, so a 784×10 map stays small.
/// A weight matrix whose rows are an image's pixels (`tile`) is drawn as one image per
/// column (class), which shows where in the picture formula and numbers disagree; other
/// tall matrices are drawn transposed.
public enum GradientHeatMap {
    /// Colours from no difference to the largest one (ColorBrewer OrRd).
    static let levels = ["#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#b30000", "#7f0000"]
    static let unchecked = "#d9d9d9"

    public static func figure(for result: GradientCheck.Result, tile: (rows: Int, cols: Int)? = nil) -> SVGFigure {
        let shape = result.shape
        let (rows, cols) = shape.count == 2 ? (shape[0], shape[1]) : (1, shape.first ?? 1)
        var values = [Double?](repeating: nil, count: rows * cols)
        for entry in result.entries { values[entry.index] = abs(entry.difference) }
        let peak = values.compactMap { $0 }.filter { !$0.isNaN }.max() ?? 0
        let title = "|formula − numeric| for \(result.name) \(Tensor.describe(shape)), largest \(TensorFormatter.significant(peak, 3))"

        // Cells in drawing coordinates: (x, y, value index).
        var cells: [(Int, Int, Int)] = []
        var width = 0, height = 0
        var captions: [(Int, Int, String)] = []
        if let tile, shape.count == 2, rows == tile.rows * tile.cols, cols <= 64 {
            let gap = 2
            for c in 0..<cols {
                let left = c * (tile.cols + gap)
                for p in 0..<rows { cells.append((left + p % tile.cols, p / tile.cols, p * cols + c)) }
                captions.append((left + tile.cols / 2, tile.rows, String(c)))
            }
            width = cols * (tile.cols + gap) - gap
            height = tile.rows
        } else if shape.count == 2, rows > 3 * cols, rows > 40 {
            for r in 0..<rows { for c in 0..<cols { cells.append((r, c, r * cols + c)) } }
            width = rows; height = cols
        } else {
            for r in 0..<rows { for c in 0..<cols { cells.append((c, r, r * cols + c)) } }
            width = cols; height = rows
        }
        let scale = max(1, min(24, 900 / max(width, 1), 360 / max(height, 1)))
        var paths: [String: String] = [:]
        for (x, y, index) in cells {
            let color: String
            if let value = values[index] {
                color = value.isNaN ? "#000000" : levels[peak > 0 ? min(levels.count - 1, Int((value / peak) * Double(levels.count - 1) + 0.5)) : 0]
            } else {
                color = unchecked
            }
            paths[color, default: ""] += "M\(x) \(y)h1v1h-1z"
        }
        let captionHeight = captions.isEmpty ? 0 : 14
        let legendTop = height * scale + captionHeight + 6
        let pixelWidth = max(width * scale, 240)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(pixelWidth)\" height=\"\(legendTop + 26)\" viewBox=\"0 0 \(pixelWidth) \(legendTop + 26)\" role=\"img\">"
        svg += "<title>\(escape(title))</title>"
        svg += "<g transform=\"scale(\(scale))\" shape-rendering=\"crispEdges\">"
        for color in paths.keys.sorted() {
            svg += "<path fill=\"\(color)\" d=\"\(paths[color]!)\"/>"
        }
        svg += "</g>"
        for (x, y, text) in captions {
            svg += "<text x=\"\(x * scale)\" y=\"\(y * scale + 12)\" font-size=\"11\" text-anchor=\"middle\" font-family=\"sans-serif\">\(text)</text>"
        }
        let swatch = 16
        for (i, color) in levels.enumerated() {
            svg += "<rect x=\"\(i * swatch)\" y=\"\(legendTop)\" width=\"\(swatch)\" height=\"10\" fill=\"\(color)\"/>"
        }
        svg += "<text x=\"0\" y=\"\(legendTop + 22)\" font-size=\"10\" font-family=\"sans-serif\">0</text>"
        svg += "<text x=\"\(levels.count * swatch)\" y=\"\(legendTop + 22)\" font-size=\"10\" text-anchor=\"end\" font-family=\"sans-serif\">\(escape(TensorFormatter.significant(peak, 3)))</text>"
        if values.contains(where: { $0 == nil }) {
            let x = levels.count * swatch + 12
            svg += "<rect x=\"\(x)\" y=\"\(legendTop)\" width=\"\(swatch)\" height=\"10\" fill=\"\(unchecked)\"/>"
            svg += "<text x=\"\(x + swatch + 4)\" y=\"\(legendTop + 9)\" font-size=\"10\" font-family=\"sans-serif\">not checked</text>"
        }
        svg += "</svg>"
        return SVGFigure(svg: svg, title: title)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
