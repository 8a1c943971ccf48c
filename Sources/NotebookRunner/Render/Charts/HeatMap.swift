import Foundation

/// An SVG heat map of a matrix: the confusion matrix of `{evaluate}` and the
/// |formula − numeric| maps of `{gradcheck}`.
///
/// Each entry is a square cell coloured by its value on a `Scale`; entries without a value
/// are drawn in `missingColor`. Cells of one colour are merged into one `<path>` in a scaled
/// group, so a 784×10 map stays small. Options:
///
/// - `layout`: `.grid` (entry (r, c) in row r, column c), `.transposed` (a tall matrix drawn
///   on its side) or `.tiles` (each column is a small image, e.g. a class's 28×28 weights,
///   the images side by side with their column label underneath);
/// - row and column labels with axis titles (`.grid` only), text written in the cells;
/// - a legend: the colour steps from `low` to `high`, and a swatch for missing entries.
public struct HeatMap: Sendable {
    /// How values (0…1) become colours.
    public enum Scale: Sendable {
        /// White to dark blue, continuously (`ColorMap.sequential`).
        case blues
        /// Quantised steps, the first for 0 and the last for 1 (nan: black).
        case steps([String])

        func color(_ value: Double) -> String {
            if value.isNaN { return "#000000" }
            switch self {
            case .blues:
                return ColorMap.sequential(value).hex
            case .steps(let colors):
                let t = min(1, max(0, value))
                return colors[min(colors.count - 1, Int(t * Double(colors.count - 1) + 0.5))]
            }
        }

        /// The colours of a drawing in pixels: `levels` colours, a value v (0…1) taking colour
        /// `Int(v · (levels − 1) + 0.5)` — the steps as they are, the continuous blues in
        /// `bluesLevels` steps (closer than one unit of 8-bit colour to the exact ones) — then black for nan.
        func palette() -> (colors: [ColorMap.RGB], levels: Int) {
            switch self {
            case .blues:
                let levels = Scale.bluesLevels
                return ((0..<levels).map { ColorMap.sequential(Double($0) / Double(levels - 1)) } + [ColorMap.RGB(0, 0, 0)], levels)
            case .steps(let steps):
                return (steps.map { ColorMap.RGB(hex: $0) ?? ColorMap.RGB(0, 0, 0) } + [ColorMap.RGB(0, 0, 0)], steps.count)
            }
        }

        /// How many colours the blues take in a drawing in pixels.
        static let bluesLevels = 240

        /// Whether text written on a cell of this value should be white.
        func needsLightText(_ value: Double) -> Bool {
            switch self {
            case .blues: return ColorMap.needsLightText(on: ColorMap.sequential(value))
            case .steps: return value.isNaN || value > 0.6
            }
        }

        /// ColorBrewer OrRd in nine steps, white to dark red.
        public static let orangeRed = Scale.steps(["#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59",
                                                   "#ef6548", "#d7301f", "#b30000", "#7f0000"])
    }

    /// Where the matrix's entries go.
    public enum Layout: Sendable, Hashable {
        case grid
        /// Row r is drawn as column r: for matrices much taller than wide.
        case transposed
        /// Each column is a `rows × cols` image (the matrix has `rows · cols` rows, pixels in
        /// row-major order), the images `gap` cells apart with the column labels under them.
        case tiles(rows: Int, cols: Int, gap: Int)
    }

    /// The legend under the map.
    public struct Legend: Sendable {
        public var low: String
        public var high: String
        /// Label of the `missingColor` swatch, shown when some entry has no value.
        public var missing: String?

        public init(low: String, high: String, missing: String? = nil) {
            self.low = low
            self.high = high
            self.missing = missing
        }
    }

    public var title: String
    /// `rows × columns` values in 0…1 (the scale's range), row by row; nil: no value.
    public var values: [[Double?]]
    public var scale: Scale
    public var layout: Layout = .grid
    /// Pixels per cell.
    public var cellSize: Double = 40
    public var rowLabels: [String] = []
    public var columnLabels: [String] = []
    public var rowAxisLabel: String?
    public var columnAxisLabel: String?
    /// Text written in each cell (`rows × columns`), e.g. counts; the diagonal's in bold when `boldDiagonal`.
    public var cellText: [[String]]?
    public var boldDiagonal = false
    /// White lines between cells.
    public var separators = false
    public var legend: Legend?
    public var missingColor = "#d9d9d9"

    public init(title: String, values: [[Double?]], scale: Scale) {
        self.title = title
        self.values = values
        self.scale = scale
    }

    /// The confusion-matrix style: counts written in the cells, each coloured by its share of
    /// its row (white 0 … dark blue 1), so every class reads on the same scale whatever its size.
    public init(title: String, rowLabels: [String], columnLabels: [String], rowAxisLabel: String,
                columnAxisLabel: String, counts: [[Int]]) {
        precondition(counts.count == rowLabels.count && counts.allSatisfy { $0.count == columnLabels.count })
        let shares = counts.map { row -> [Double?] in
            let total = Double(max(1, row.reduce(0, +)))
            return row.map { Double($0) / total }
        }
        self.init(title: title, values: shares, scale: .blues)
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.rowAxisLabel = rowAxisLabel
        self.columnAxisLabel = columnAxisLabel
        cellText = counts.map { $0.map(String.init) }
        boldDiagonal = true
        separators = true
    }

    /// The most cells a map draws as vector squares; a larger one (a weight matrix, a gradient
    /// check of a layer, a confusion matrix of many classes) draws its cells as an embedded PNG of
    /// one pixel per cell, scaled up unsmoothed, with the same axes, labels, legend and title.
    public static let maxVectorCells = 4_096

    /// Whether the cells are drawn as one image (more than `maxVectorCells` of them).
    public var isRaster: Bool { rowCount * columnCount > Self.maxVectorCells }

    var rowCount: Int { values.count }
    var columnCount: Int { values.first?.count ?? 0 }

    /// The map's size in cells, and each entry's cell.
    func placement() -> (width: Int, height: Int, position: (Int, Int) -> (x: Int, y: Int)) {
        switch layout {
        case .grid:
            return (columnCount, rowCount, { r, c in (c, r) })
        case .transposed:
            return (rowCount, columnCount, { r, c in (r, c) })
        case .tiles(let rows, let cols, let gap):
            return (columnCount * (cols + gap) - gap, rows, { p, c in (c * (cols + gap) + p % cols, p / cols) })
        }
    }

    /// The base64 PNG of the cells: `width × height` pixels, each entry's where `placement()` puts it, the
    /// gaps between tiles transparent; a palette image (the scale's colours, the missing colour
    /// and transparent), so it stays small and quick to write.
    private func rasterPNG(width: Int, height: Int) -> String {
        let (colors, levels) = scale.palette()
        let nan = UInt8(levels), missing = UInt8(colors.count), transparent = UInt8(colors.count + 1)
        let missingRGB = ColorMap.RGB(hex: missingColor) ?? ColorMap.RGB(0, 0, 0)
        var palette: [UInt8] = []
        for color in colors + [missingRGB] { palette += [color.red, color.green, color.blue, 255] }
        palette += [255, 255, 255, 0]
        let top = Double(levels - 1)
        var indices = [UInt8](repeating: transparent, count: width * height)
        indices.withUnsafeMutableBufferPointer { out in
            for r in 0..<values.count {
                // Row r's entries are `step` pixels apart from `first` on (as `placement()` places them).
                let first: Int, step: Int
                switch layout {
                case .grid: (first, step) = (r * width, 1)
                case .transposed: (first, step) = (r, width)
                case .tiles(_, let cols, let gap): (first, step) = ((r / cols) * width + r % cols, cols + gap)
                }
                values[r].withUnsafeBufferPointer { row in
                    var pixel = first
                    for entry in row {
                        if let value = entry {
                            out[pixel] = value.isNaN ? nan : UInt8(Int((value < 0 ? 0 : value > 1 ? 1 : value) * top + 0.5))
                        } else {
                            out[pixel] = missing
                        }
                        pixel += step
                    }
                }
            }
        }
        let png = (try? PNGEncoder.encodeIndexed(width: width, height: height, indices: indices, palette: palette, level: 6)) ?? []
        return Data(png).base64EncodedString()
    }

    public var svg: String {
        let (width, height, position) = placement()
        let grid = layout == .grid
        let labelled = grid && (!rowLabels.isEmpty || !columnLabels.isEmpty)
        let longestRow = labelled ? (rowLabels.map(\.count).max() ?? 1) : 0
        let longestColumn = labelled ? (columnLabels.map(\.count).max() ?? 1) : 0
        // Room for row labels on the left and rotated column labels on top.
        let left = labelled ? 30 + Double(longestRow) * 6.5 : 0
        let top = labelled ? 30 + Double(longestColumn) * 5.2 : 0
        let mapWidth = cellSize * Double(width), mapHeight = cellSize * Double(height)
        var captionHeight = 0.0
        if case .tiles = layout, !columnLabels.isEmpty { captionHeight = 16 }
        let legendTop = top + mapHeight + captionHeight + (legend == nil ? 0 : 6)
        var missing = false
        entries: for row in values {
            for value in row where value == nil {
                missing = true
                break entries
            }
        }
        let totalWidth = max(left + mapWidth + (labelled ? 10 + Double(longestColumn) * 5.2 : 0), legend == nil ? 0 : 240)
        let totalHeight = legend != nil ? legendTop + 26 : top + mapHeight + captionHeight + (labelled ? 10 : 0)
        func c(_ v: Double) -> String { SVGText.coordinate(v) }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(c(totalWidth)) \(c(totalHeight))\" width=\"\(c(totalWidth))\" height=\"\(c(totalHeight))\" role=\"img\" font-family=\"'nbrun CJK', sans-serif\" font-size=\"11\">"
        out += "<title>\(SVGText.escape(title))</title>"

        let translate = left == 0 && top == 0 ? "" : "translate(\(c(left)),\(c(top))) "
        if isRaster {
            // One pixel per cell, scaled up without smoothing: the same squares, a fraction of the bytes.
            out += "<image x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(mapWidth))\" height=\"\(c(mapHeight))\" preserveAspectRatio=\"none\" "
                + "style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(rasterPNG(width: width, height: height))\"/>"
        } else {
            // Cells, one path per colour, in a group scaled to cell units.
            var paths: [String: String] = [:]
            for (r, row) in values.enumerated() {
                for (column, value) in row.enumerated() {
                    let (x, y) = position(r, column)
                    paths[value.map(scale.color) ?? missingColor, default: ""] += "M\(x) \(y)h1v1h-1z"
                }
            }
            out += "<g transform=\"\(translate)scale(\(c(cellSize)))\" shape-rendering=\"crispEdges\">"
            for color in paths.keys.sorted() { out += "<path fill=\"\(color)\" d=\"\(paths[color]!)\"/>" }
            out += "</g>"
        }
        if separators {
            var lines = ""
            for i in 1..<max(1, width) { lines += "M\(i) 0V\(height)" }
            for i in 1..<max(1, height) { lines += "M0 \(i)H\(width)" }
            if !lines.isEmpty {
                out += "<path transform=\"\(translate)scale(\(c(cellSize)))\" d=\"\(lines)\" stroke=\"#fff\" stroke-width=\"\(String(format: "%.4g", 1 / cellSize))\" fill=\"none\"/>"
            }
        }

        if let cellText {
            for (r, row) in cellText.enumerated() {
                for (column, text) in row.enumerated() {
                    let (x, y) = position(r, column)
                    let value = values[r][column] ?? 0
                    let ink = scale.needsLightText(value) ? "#fff" : "#222"
                    let bold = boldDiagonal && r == column ? " font-weight=\"bold\"" : ""
                    out += "<text x=\"\(c(left + (Double(x) + 0.5) * cellSize))\" y=\"\(c(top + (Double(y) + 0.5) * cellSize))\" dy=\"0.35em\" text-anchor=\"middle\" fill=\"\(ink)\"\(bold)>\(SVGText.escape(text))</text>"
                }
            }
        }

        if labelled {
            for (r, label) in rowLabels.enumerated() {
                out += "<text x=\"\(c(left - 6))\" y=\"\(c(top + (Double(r) + 0.5) * cellSize))\" dy=\"0.35em\" text-anchor=\"end\">\(SVGText.escape(label))</text>"
            }
            for (column, label) in columnLabels.enumerated() {
                let x = left + (Double(column) + 0.5) * cellSize
                out += "<text transform=\"translate(\(c(x)),\(c(top - 6))) rotate(-45)\" text-anchor=\"start\">\(SVGText.escape(label))</text>"
            }
            if let rowAxisLabel {
                out += "<text transform=\"translate(12,\(c(top + mapHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-weight=\"bold\">\(SVGText.escape(rowAxisLabel))</text>"
            }
            if let columnAxisLabel {
                out += "<text x=\"\(c(left + mapWidth / 2))\" y=\"12\" text-anchor=\"middle\" font-weight=\"bold\">\(SVGText.escape(columnAxisLabel))</text>"
            }
        }

        if case .tiles(_, let cols, let gap) = layout {
            let tileWidth = Double(cols) * cellSize
            // Labels longer than a tile is wide are shortened with an ellipsis (the full text stays in a <title>).
            let fits = max(1, Int((tileWidth + Double(gap) * cellSize - 4) / 6.2))
            for (column, label) in columnLabels.enumerated() {
                let x = left + Double(column * (cols + gap)) * cellSize + tileWidth / 2
                let shown = label.count > fits ? String(label.prefix(max(1, fits - 1))) + "…" : label
                let tooltip = shown == label ? "" : "<title>\(SVGText.escape(label))</title>"
                out += "<text x=\"\(c(x))\" y=\"\(c(top + mapHeight + 12))\" text-anchor=\"middle\">\(tooltip)\(SVGText.escape(shown))</text>"
            }
        }

        if let legend, case .steps(let colors) = scale {
            let swatch = 16.0
            for (i, color) in colors.enumerated() {
                out += "<rect x=\"\(c(Double(i) * swatch))\" y=\"\(c(legendTop))\" width=\"\(c(swatch))\" height=\"10\" fill=\"\(color)\"/>"
            }
            out += "<text x=\"0\" y=\"\(c(legendTop + 22))\" font-size=\"10\">\(SVGText.escape(legend.low))</text>"
            out += "<text x=\"\(c(Double(colors.count) * swatch))\" y=\"\(c(legendTop + 22))\" font-size=\"10\" text-anchor=\"end\">\(SVGText.escape(legend.high))</text>"
            if missing, let label = legend.missing {
                let x = Double(colors.count) * swatch + 12
                out += "<rect x=\"\(c(x))\" y=\"\(c(legendTop))\" width=\"\(c(swatch))\" height=\"10\" fill=\"\(missingColor)\"/>"
                out += "<text x=\"\(c(x + swatch + 4))\" y=\"\(c(legendTop + 9))\" font-size=\"10\">\(SVGText.escape(label))</text>"
            }
        }
        return out + "</svg>"
    }
}
