/// An SVG heat map of a count matrix with the numbers written in the cells: a confusion matrix.
///
/// Rows are true classes, columns predicted ones. A cell's colour is its share of its
/// row (white 0 … dark blue 1), so every class reads on the same scale whatever its size.
public struct HeatMap: Sendable {
    public var title: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var rowAxisLabel: String
    public var columnAxisLabel: String
    /// `rows × columns` counts, row-major.
    public var counts: [[Int]]
    public var cellSize: Double = 40

    public init(title: String, rowLabels: [String], columnLabels: [String], rowAxisLabel: String,
                columnAxisLabel: String, counts: [[Int]]) {
        precondition(counts.count == rowLabels.count && counts.allSatisfy { $0.count == columnLabels.count })
        self.title = title
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.rowAxisLabel = rowAxisLabel
        self.columnAxisLabel = columnAxisLabel
        self.counts = counts
    }

    public var svg: String {
        let longestRow = rowLabels.map(\.count).max() ?? 1
        let longestColumn = columnLabels.map(\.count).max() ?? 1
        // Room for row labels on the left and rotated column labels on top.
        let left = 30 + Double(longestRow) * 6.5, top = 30 + Double(longestColumn) * 5.2
        let width = left + cellSize * Double(columnLabels.count) + 10 + Double(longestColumn) * 5.2
        let height = top + cellSize * Double(rowLabels.count) + 10
        func c(_ v: Double) -> String { SVGText.coordinate(v) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(c(width)) \(c(height))\" width=\"\(c(width))\" height=\"\(c(height))\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">"
        out += "<title>\(SVGText.escape(title))</title>"
        for (r, row) in counts.enumerated() {
            let total = max(1, row.reduce(0, +))
            for (column, count) in row.enumerated() {
                let color = ColorMap.sequential(Double(count) / Double(total))
                let x = left + Double(column) * cellSize, y = top + Double(r) * cellSize
                out += "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(cellSize))\" height=\"\(c(cellSize))\" fill=\"\(color.hex)\" stroke=\"#fff\"/>"
                let ink = ColorMap.needsLightText(on: color) ? "#fff" : "#222"
                out += "<text x=\"\(c(x + cellSize / 2))\" y=\"\(c(y + cellSize / 2))\" dy=\"0.35em\" text-anchor=\"middle\" fill=\"\(ink)\"\(r == column ? " font-weight=\"bold\"" : "")>\(count)</text>"
            }
        }
        for (r, label) in rowLabels.enumerated() {
            out += "<text x=\"\(c(left - 6))\" y=\"\(c(top + (Double(r) + 0.5) * cellSize))\" dy=\"0.35em\" text-anchor=\"end\">\(SVGText.escape(label))</text>"
        }
        for (column, label) in columnLabels.enumerated() {
            let x = left + (Double(column) + 0.5) * cellSize
            out += "<text transform=\"translate(\(c(x)),\(c(top - 6))) rotate(-45)\" text-anchor=\"start\">\(SVGText.escape(label))</text>"
        }
        out += "<text transform=\"translate(12,\(c(top + cellSize * Double(rowLabels.count) / 2))) rotate(-90)\" text-anchor=\"middle\" font-weight=\"bold\">\(SVGText.escape(rowAxisLabel))</text>"
        out += "<text x=\"\(c(left + cellSize * Double(columnLabels.count) / 2))\" y=\"12\" text-anchor=\"middle\" font-weight=\"bold\">\(SVGText.escape(columnAxisLabel))</text>"
        return out + "</svg>"
    }
}
