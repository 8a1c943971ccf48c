/// An SVG line chart of one or more panels side by side, each with its own axes and legend.
///
/// Used for training curves: a loss panel and an accuracy panel over epochs. The
/// result is a self-contained `<svg>` with a `<title>` (and `role="img"`) for screen
/// readers, labelled axes, tick labels and a legend; no scripts, no external fonts.
public struct LineChart: Sendable {
    /// One line of a panel.
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var dashed: Bool
        /// Points only, no line through them (a scatter plot).
        public var scatter: Bool

        public init(name: String, points: [(x: Double, y: Double)], color: String, dashed: Bool = false, scatter: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
            self.scatter = scatter
        }
    }

    /// One set of axes.
    public struct Panel: Sendable {
        public var title: String
        public var xLabel: String
        public var yLabel: String
        public var series: [Series]
        /// Fixed y range (e.g. 0…1 for accuracy); nil fits the data.
        public var yRange: ClosedRange<Double>?

        public init(title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Double>? = nil) {
            self.title = title
            self.xLabel = xLabel
            self.yLabel = yLabel
            self.series = series
            self.yRange = yRange
        }
    }

    public var title: String
    public var panels: [Panel]
    public var panelWidth: Double = 360
    public var panelHeight: Double = 240

    public init(title: String, panels: [Panel]) {
        self.title = title
        self.panels = panels
    }

    // Margins inside each panel: room for tick labels, axis labels, the title and the legend row.
    private let left = 58.0, right = 16.0, top = 44.0, bottom = 46.0

    public var svg: String {
        let width = panelWidth * Double(panels.count)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(SVGText.coordinate(width)) \(SVGText.coordinate(panelHeight))\" "
        out += "width=\"\(SVGText.coordinate(width))\" height=\"\(SVGText.coordinate(panelHeight))\" role=\"img\" "
        out += "font-family=\"'nbrun CJK', sans-serif\" font-size=\"11\">"
        out += "<title>\(SVGText.escape(title))</title>"
        for (index, panel) in panels.enumerated() {
            out += "<g transform=\"translate(\(SVGText.coordinate(panelWidth * Double(index))),0)\">"
            out += render(panel)
            out += "</g>"
        }
        return out + "</svg>"
    }

    private func render(_ panel: Panel) -> String {
        let points = panel.series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let xs = points.map(\.x), ys = points.map(\.y)
        var xLow = xs.min() ?? 0, xHigh = xs.max() ?? 1
        if xHigh <= xLow { xLow -= 0.5; xHigh += 0.5 }
        var yLow = panel.yRange?.lowerBound ?? (ys.min() ?? 0)
        var yHigh = panel.yRange?.upperBound ?? (ys.max() ?? 1)
        if panel.yRange == nil {
            let pad = max((yHigh - yLow) * 0.08, abs(yHigh) * 0.01, 1e-6)
            yLow -= pad
            yHigh += pad
        }
        if yHigh <= yLow { yLow -= 0.5; yHigh += 0.5 }
        let plotWidth = panelWidth - left - right, plotHeight = panelHeight - top - bottom
        func px(_ x: Double) -> String { SVGText.coordinate(left + (x - xLow) / (xHigh - xLow) * plotWidth) }
        func py(_ y: Double) -> String { SVGText.coordinate(top + (1 - (y - yLow) / (yHigh - yLow)) * plotHeight) }

        var out = "<text x=\"\(SVGText.coordinate(left + plotWidth / 2))\" y=\"16\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\">\(SVGText.escape(panel.title))</text>"
        // Grid and y ticks.
        let yTicks = SVGText.ticks(from: yLow, to: yHigh, count: 5)
        let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
        for tick in yTicks {
            out += "<line x1=\"\(SVGText.coordinate(left))\" x2=\"\(SVGText.coordinate(left + plotWidth))\" y1=\"\(py(tick))\" y2=\"\(py(tick))\" stroke=\"#e3e3e3\"/>"
            out += "<text x=\"\(SVGText.coordinate(left - 6))\" y=\"\(py(tick))\" dy=\"0.35em\" text-anchor=\"end\">\(SVGText.label(tick, step: yStep))</text>"
        }
        // x ticks: whole numbers when the data are epochs, about five for real values.
        let whole = xs.allSatisfy { $0 == $0.rounded() }
        var xTicks = SVGText.ticks(from: xLow, to: xHigh, count: whole ? Int(min(8, max(1, xHigh - xLow))) : 5)
        if whole { xTicks = xTicks.filter { $0 == $0.rounded() } }
        let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
        for tick in xTicks {
            out += "<line x1=\"\(px(tick))\" x2=\"\(px(tick))\" y1=\"\(SVGText.coordinate(top + plotHeight))\" y2=\"\(SVGText.coordinate(top + plotHeight + 4))\" stroke=\"#333\"/>"
            out += "<text x=\"\(px(tick))\" y=\"\(SVGText.coordinate(top + plotHeight + 16))\" text-anchor=\"middle\">\(SVGText.label(tick, step: xStep))</text>"
        }
        // Axes and their labels.
        out += "<path d=\"M\(SVGText.coordinate(left)) \(SVGText.coordinate(top))V\(SVGText.coordinate(top + plotHeight))H\(SVGText.coordinate(left + plotWidth))\" fill=\"none\" stroke=\"#333\"/>"
        out += "<text x=\"\(SVGText.coordinate(left + plotWidth / 2))\" y=\"\(SVGText.coordinate(panelHeight - 8))\" text-anchor=\"middle\">\(SVGText.escape(panel.xLabel))</text>"
        out += "<text transform=\"translate(14,\(SVGText.coordinate(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVGText.escape(panel.yLabel))</text>"
        // Lines with a dot on every point (a single epoch is still visible).
        for series in panel.series {
            let valid = series.points.filter { $0.x.isFinite && $0.y.isFinite }
            guard !valid.isEmpty else { continue }
            let path = valid.enumerated().map { ($0.offset == 0 ? "M" : "L") + px($0.element.x) + " " + py($0.element.y) }.joined()
            let dash = series.dashed ? " stroke-dasharray=\"5 3\"" : ""
            if !series.scatter {
                out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"2\"\(dash)/>"
            }
            for point in valid {
                out += "<circle cx=\"\(px(point.x))\" cy=\"\(py(point.y))\" r=\"2.5\" fill=\"\(series.color)\"/>"
            }
        }
        // Legend in a row between the title and the plot, so it never covers a curve.
        var x = left
        for series in panel.series {
            let y = 31.0
            let dash = series.dashed ? " stroke-dasharray=\"5 3\"" : ""
            if series.scatter {
                out += "<circle cx=\"\(SVGText.coordinate(x + 9))\" cy=\"\(SVGText.coordinate(y))\" r=\"3\" fill=\"\(series.color)\"/>"
            } else {
                out += "<line x1=\"\(SVGText.coordinate(x))\" x2=\"\(SVGText.coordinate(x + 18))\" y1=\"\(SVGText.coordinate(y))\" y2=\"\(SVGText.coordinate(y))\" stroke=\"\(series.color)\" stroke-width=\"2\"\(dash)/>"
            }
            out += "<text x=\"\(SVGText.coordinate(x + 23))\" y=\"\(SVGText.coordinate(y))\" dy=\"0.35em\">\(SVGText.escape(series.name))</text>"
            x += 23 + Double(series.name.count) * 6.5 + 14
        }
        return out
    }
}
