import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

/// `{plot}`: the points drawn are the computed numbers, read back from the SVG through its axes.
@Suite struct PlotDirectiveTests {
    /// A `{plot}` cell with options and body lines (the body starts on line 10).
    static func cell(_ options: [(String, String)], body: [String] = []) -> Cell {
        var cell = DataFixtures.cell("plot", [], options)
        cell.body = body.enumerated().map { SourceLine(text: $1, location: SourceLocation(file: "notebook.md", line: 10 + $0)) }
        return cell
    }

    /// The data values of the points of colour `color`: each circle's centre mapped back
    /// through the tick labels of both axes.
    static func points(in svg: String, color: String) throws -> [(x: Double, y: Double)] {
        func matches(_ pattern: String) throws -> [[String]] {
            let regex = try NSRegularExpression(pattern: pattern)
            let text = svg as NSString
            return regex.matches(in: svg, range: NSRange(location: 0, length: text.length)).map { match in
                (1..<match.numberOfRanges).map { text.substring(with: match.range(at: $0)) }
            }
        }
        // y ticks: right-aligned labels left of the plot; x ticks: labels under it (y = 210).
        let yTicks = try matches("<text x=\"[0-9.]+\" y=\"([0-9.]+)\" dy=\"0.35em\" text-anchor=\"end\">([^<]+)</text>").map {
            (pixel: Double($0[0])!, value: Double($0[1].replacingOccurrences(of: "−", with: "-"))!)
        }
        let xTicks = try matches("<text x=\"([0-9.]+)\" y=\"210\" text-anchor=\"middle\">([^<]+)</text>").map {
            (pixel: Double($0[0])!, value: Double($0[1].replacingOccurrences(of: "−", with: "-"))!)
        }
        try #require(yTicks.count >= 2 && xTicks.count >= 2, "ticks \(yTicks) \(xTicks)")
        func map(_ pixel: Double, _ ticks: [(pixel: Double, value: Double)]) -> Double {
            let (a, b) = (ticks.first!, ticks.last!)
            return a.value + (pixel - a.pixel) / (b.pixel - a.pixel) * (b.value - a.value)
        }
        return try matches("<circle cx=\"([0-9.]+)\" cy=\"([0-9.]+)\" r=\"2.5\" fill=\"\(color)\"/>").map {
            (map(Double($0[0])!, xTicks), map(Double($0[1])!, yTicks))
        }
    }

    @Test func aTrainingRecordsCurvesAreItsEpochs() throws {
        let state = TrainDirectiveTests.state()
        let output = try DataFixtures.temporaryDirectory("plot-curves")
        let train = DataFixtures.cell("train", ["softmax"], [("epochs", "4"), ("batch", "32"), ("label", "sgd")])
        let trained = try DataFixtures.run(TrainDirective.self, train, state: state, output: output)
        state.metrics["sgd"] = trained.metrics
        let outputs = try DataFixtures.run(PlotDirective.self, Self.cell([("curves", "sgd.train_loss, sgd.train_accuracy")]), state: state, output: output)
        guard case .svg(let figure) = outputs.items.first else { Issue.record("\(outputs.items)"); return }
        let losses = (0..<4).map { k in trained.metrics.first { $0.name == "history[\(k)].train_loss" }!.value }
        let drawn = try Self.points(in: figure.svg, color: PlotDirective.palette[0])
        #expect(drawn.count == 4)
        let range = losses.max()! - min(losses.min()!, 0.5)
        for (k, point) in drawn.enumerated() {
            #expect(abs(point.x - Double(k + 1)) < 0.02, "epoch \(point.x)")
            #expect(abs(point.y - losses[k]) < 0.01 * max(range, 1), "epoch \(k + 1): drawn \(point.y), computed \(losses[k])")
        }
        #expect(try Self.points(in: figure.svg, color: PlotDirective.palette[1]).count == 4)
        #expect(outputs.metrics == [Metric(name: "points", value: 8)])
        #expect(figure.svg.contains(">sgd.train_loss<") && figure.svg.contains("<title>sgd.train_loss, sgd.train_accuracy</title>"))
    }

    @Test func expressionsArePlottedAgainstX() throws {
        let state = TrainDirectiveTests.state()
        let output = try DataFixtures.temporaryDirectory("plot-expressions")
        let cell = Self.cell([("x", "[0.5, 1, 1.5, 2, 2.5]"), ("kind", "scatter"), ("title", "Squares"), ("x-label", "a"), ("y-label", "a²")],
                             body: ["squares: [0.5, 1, 1.5, 2, 2.5] ** 2", "# a comment", "cubes: [0.5, 1, 1.5, 2, 2.5] ** 3 / 4"])
        let outputs = try DataFixtures.run(PlotDirective.self, cell, state: state, output: output)
        guard case .svg(let figure) = outputs.items.first else { Issue.record("\(outputs.items)"); return }
        let xs = [0.5, 1, 1.5, 2, 2.5]
        for (color, expected) in [(PlotDirective.palette[0], xs.map { $0 * $0 }), (PlotDirective.palette[1], xs.map { $0 * $0 * $0 / 4 })] {
            let drawn = try Self.points(in: figure.svg, color: color)
            #expect(drawn.count == 5)
            for (point, (x, y)) in zip(drawn, zip(xs, expected)) {
                #expect(abs(point.x - x) < 0.02 && abs(point.y - y) < 0.05, "drawn \(point), computed \((x, y))")
            }
        }
        // Scatter: no line through the points.
        #expect(!figure.svg.contains("stroke=\"\(PlotDirective.palette[0])\" stroke-width=\"2\"/>"))
        #expect(figure.svg.contains(">a²<") && figure.svg.contains("<title>Squares</title>"))
    }

    @Test func mistakesAreLocated() throws {
        let state = TrainDirectiveTests.state()
        let output = try DataFixtures.temporaryDirectory("plot-errors")
        let mismatch = Self.cell([("x", "[1, 2, 3]")], body: ["a: [1, 2]"])
        let error = try #require(DataFixtures.diagnostic { _ = try DataFixtures.run(PlotDirective.self, mismatch, state: state, output: output) })
        #expect(error.message == "a has 2 values but :x: has 3" && error.location?.line == 10 && error.location?.column == 4, "\(error)")
        let unknown = Self.cell([("curves", "sdg.train_loss")])
        let missing = try #require(DataFixtures.diagnostic { _ = try DataFixtures.run(PlotDirective.self, unknown, state: state, output: output) })
        #expect(missing.message.contains("'sdg'") && missing.location?.line == 2, "\(missing)")
        let noColon = try #require(DataFixtures.diagnostic { _ = try PlotDirective(cell: Self.cell([], body: ["just t"]), defaults: Defaults()) })
        #expect(noColon.message.contains("NAME: EXPRESSION") && noColon.location?.line == 10)
        let empty = try #require(DataFixtures.diagnostic { _ = try PlotDirective(cell: Self.cell([]), defaults: Defaults()) })
        #expect(empty.message.contains("needs something to plot"))
        let matrix = Self.cell([], body: ["m: [[1, 2], [3, 4]]"])
        let shape = try #require(DataFixtures.diagnostic { _ = try DataFixtures.run(PlotDirective.self, matrix, state: state, output: output) })
        #expect(shape.message.contains("a series is a number, a vector or one row or column"))
    }
}
