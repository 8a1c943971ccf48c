import Testing
@testable import NotebookRunner
@testable import Tensors

@Suite struct FigureTests {
    @Test func divergingMapIsWhiteAtZeroAndSymmetric() {
        #expect(ColorMap.diverging(0) == ColorMap.RGB(255, 255, 255))
        #expect(ColorMap.diverging(-1) == ColorMap.RGB(33, 102, 172))
        #expect(ColorMap.diverging(1) == ColorMap.RGB(178, 24, 43))
        #expect(ColorMap.diverging(7) == ColorMap.diverging(1))
        #expect(ColorMap.diverging(1).hex == "#b2182b")
    }

    @Test func weightTemplatesUseOneSymmetricScale() throws {
        // 2×2 images, 2 classes: class 0 has weights −2, 0, 1, 2; class 1 all 0.5.
        let model = SoftmaxModel(inputs: 4, classes: 2, weights: [-2, 0.5, 0, 0.5, 1, 0.5, 2, 0.5], bias: [0, 0])
        let (images, scale) = WeightImages.bitmaps(of: model, rows: 2, cols: 2)
        #expect(scale == 2)
        #expect(Array(images[0].pixels[0..<3]) == [33, 102, 172])        // −2: full blue
        #expect(Array(images[0].pixels[3..<6]) == [255, 255, 255])       // 0: white
        #expect(Array(images[0].pixels[9..<12]) == [178, 24, 43])        // +2: full red
        let half = ColorMap.diverging(0.25)
        #expect(Array(images[1].pixels[0..<3]) == [half.red, half.green, half.blue])
        let figures = try WeightImages.figures(of: model, rows: 2, cols: 2, classNames: ["a", "b"])
        #expect(figures.map(\.caption) == ["a", "b"])
        #expect(Array(figures[0].png.prefix(8)) == PNGEncoder.signature)
    }

    @Test func predictionGridFlagsWrongPredictions() throws {
        // One pixel; class 1 wins when the pixel is bright.
        let model = SoftmaxModel(inputs: 1, classes: 2, weights: [-1, 1], bias: [0.5, -0.5], inputScale: 1 / 255)
        let split = DataSplit(name: "test", images: [0, 255, 255], labels: [0, 1, 0], count: 3, rows: 1, cols: 1, sources: [])
        let dataset = Dataset(name: "toy", classNames: ["dark", "bright"], train: nil, test: split)
        let figures = try PredictionGrid.figures(of: model, on: split, indices: [0, 1, 2], dataset: dataset)
        #expect(figures.map(\.caption) == ["dark → dark", "bright → bright", "dark → bright"])
        #expect(figures.map(\.flagged) == [false, false, true])
        #expect(try PredictionGrid.indices(of: model, on: split, count: 5, onlyWrong: true) == [2])
    }

    @Test func lineChartHasTitleAxesAndLegend() {
        let chart = LineChart(title: "Loss <by> epoch", panels: [
            .init(title: "Loss", xLabel: "epoch", yLabel: "cross-entropy",
                  series: [.init(name: "train", points: [(1, 0.8), (2, 0.6), (3, 0.5)], color: "#b2182b")]),
        ])
        let svg = chart.svg
        #expect(svg.contains("<title>Loss &lt;by&gt; epoch</title>"))
        #expect(svg.contains(">epoch</text>") && svg.contains(">cross-entropy</text>") && svg.contains(">train</text>"))
        #expect(svg.components(separatedBy: "<circle").count == 4)
        #expect(SVGText.ticks(from: 0.42, to: 0.81, count: 4) == [0.5, 0.6, 0.7, 0.8])
    }

    /// Whole-number x values far apart (a scatter of huge predictions) once crashed choosing
    /// the tick count; real x values get about five ticks; a scatter draws no line.
    @Test func scattersOfAnyRangeHaveTicksAndNoLine() {
        for points in [[(0.0, 1.0), (1e30, 2.0)], [(-1e300, 0), (1e300, 1)], [(0.1, 0.2), (0.35, 0.9), (0.8, 0.4)]] {
            let chart = LineChart(title: "Predicted vs true", panels: [
                .init(title: "Fit", xLabel: "true value", yLabel: "predicted value",
                      series: [.init(name: "rows", points: points, color: "#2166ac", scatter: true)]),
            ])
            let svg = chart.svg
            #expect(svg.components(separatedBy: "<circle").count - 1 == points.count + 1)  // and the legend's dot
            #expect(!svg.contains("stroke=\"#2166ac\" stroke-width=\"2\""))
            #expect(svg.components(separatedBy: "text-anchor=\"middle\">").count > 3, "x tick labels")
        }
    }

    @Test func confusionMatrixCounts() {
        let matrix = ConfusionMatrix(labels: [0, 0, 1, 2, 2, 2], predictions: [0, 1, 1, 2, 2, 0], classes: 3)
        #expect(matrix.counts == [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
        #expect(matrix.correct == 4 && matrix.total == 6)
        #expect(matrix.accuracy(ofClass: 2) == 2.0 / 3)
        #expect(ConfusionMatrix(labels: [], predictions: [], classes: 2).accuracy(ofClass: 0) == nil)
        // Of the two predicted 1, one is: precision ½; of the one predicted 0 (a 2), none.
        #expect(matrix.precision(ofClass: 1) == 0.5 && matrix.precision(ofClass: 0) == 0.5)
        #expect(ConfusionMatrix(labels: [0], predictions: [0], classes: 2).precision(ofClass: 1) == nil)
    }

    @Test func confusionHeatMapWritesCountsAndShadesByRowShare() {
        let map = HeatMap(title: "Confusion <matrix>", rowLabels: ["a", "b"], columnLabels: ["a", "b"], rowAxisLabel: "true class",
                          columnAxisLabel: "predicted class", counts: [[3, 1], [0, 4]])
        #expect(map.values == [[0.75, 0.25], [0, 1]])
        let svg = map.svg
        #expect(svg.contains("<title>Confusion &lt;matrix&gt;</title>"))
        #expect(svg.contains(">true class</text>") && svg.contains(">predicted class</text>"))
        #expect(svg.contains("font-weight=\"bold\">3</text>") && svg.contains("font-weight=\"bold\">4</text>"))
        // Both rows' darkest cells share one colour (share 1 and the dark blue), drawn as one path.
        #expect(svg.components(separatedBy: "fill=\"\(ColorMap.sequential(1).hex)\"").count - 1 == 1)
        #expect(svg.contains("stroke=\"#fff\""))
    }

    @Test func tiledHeatMapCaptionsEachImageAndShortensLongLabels() {
        // Two 2×2 images: a 4×2 matrix whose column c is image c.
        var map = HeatMap(title: "t", values: [[0, 1], [0.5, nil], [1, 0], [0, 0]], scale: .orangeRed)
        map.layout = .tiles(rows: 2, cols: 2, gap: 1)
        map.cellSize = 20
        map.columnLabels = ["Sneaker", "A much longer class name"]
        map.legend = HeatMap.Legend(low: "0", high: "2.5", missing: "not checked")
        let svg = map.svg
        #expect(map.placement().width == 5 && map.placement().height == 2)
        // Image 1's pixel 1 (row 1, column 1 of the matrix) is missing: grey, at x = 1·(2+1) + 1.
        #expect(svg.contains("<path fill=\"#d9d9d9\" d=\"M4 0h1v1h-1z\"/>"))
        #expect(svg.contains(">Sneaker</text>"))
        #expect(svg.contains("<title>A much longer class name</title>A"))
        #expect(svg.contains(">not checked</text>") && svg.contains(">2.5</text>"))
    }
}
