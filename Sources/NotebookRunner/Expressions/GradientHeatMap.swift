/// The heat map of |formula − numeric| over a parameter's shape, for a failed gradient check.
///
/// Entries are coloured on a white-to-dark-red scale (`HeatMap.Scale.orangeRed`) relative
/// to the largest difference; entries that were not checked are light grey, nan ones black.
/// A weight matrix whose rows are an image's pixels (`tile`) is drawn as one image per
/// column (class), captioned with the class names when there are as many as columns, which
/// shows where in the picture formula and numbers disagree; other tall matrices are drawn
/// transposed. The drawing is `HeatMap`'s.
public enum GradientHeatMap {
    public static func heatMap(for result: GradientCheck.Result, tile: (rows: Int, cols: Int)? = nil,
                               classNames: [String] = []) -> HeatMap {
        let shape = result.shape
        let (rows, cols) = shape.count == 2 ? (shape[0], shape[1]) : (1, shape.first ?? 1)
        var differences = [Double?](repeating: nil, count: rows * cols)
        for entry in result.entries { differences[entry.index] = abs(entry.difference) }
        let peak = differences.compactMap { $0 }.filter { !$0.isNaN }.max() ?? 0
        let title = "|formula − numeric| for \(result.name) \(Tensor.describe(shape)), largest \(TensorFormatter.significant(peak, 3))"
        let values = (0..<rows).map { r in
            (0..<cols).map { c in differences[r * cols + c].map { $0.isNaN ? $0 : (peak > 0 ? $0 / peak : 0) } }
        }
        var map = HeatMap(title: title, values: values, scale: .orangeRed)
        let labels = classNames.count == cols ? classNames : (0..<cols).map(String.init)
        if let tile, shape.count == 2, rows == tile.rows * tile.cols, cols <= 64 {
            map.layout = .tiles(rows: tile.rows, cols: tile.cols, gap: 2)
            map.columnLabels = labels
        } else if shape.count == 2, rows > 3 * cols, rows > 40 {
            map.layout = .transposed
        } else if shape.count == 1, classNames.count == cols {
            map.columnLabels = classNames
        }
        let (width, height, _) = map.placement()
        map.cellSize = Double(max(1, min(24, 900 / max(width, 1), 360 / max(height, 1))))
        map.legend = HeatMap.Legend(low: "0", high: TensorFormatter.significant(peak, 3), missing: "not checked")
        return map
    }

    public static func figure(for result: GradientCheck.Result, tile: (rows: Int, cols: Int)? = nil,
                              classNames: [String] = []) -> SVGFigure {
        let map = heatMap(for: result, tile: tile, classNames: classNames)
        return SVGFigure(svg: map.svg, title: map.title)
    }
}
