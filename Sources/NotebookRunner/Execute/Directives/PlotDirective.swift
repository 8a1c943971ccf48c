import Foundation

/// `{plot}`: a chart of what the notebook computed, drawn by the same `LineChart` as the
/// training curves.
///
/// ````
/// ```{plot}
/// :title: Training loss of three optimisers
/// :curves: sgd.train_loss, momentum.train_loss, adam.train_loss
/// ```
/// ```{plot}
/// :kind: scatter
/// :x: X[:, 0]
/// :x-label: first feature
/// targets: t
/// ```
/// ````
/// `:curves:` names per-epoch records of `{train}` cells as `LABEL.METRIC` (`history[K].METRIC`
/// over the epochs K + 1); each body line `NAME: EXPR` is a series, the values of an
/// expression of the notebook's state (as `{eval}` binds it: X, y, t, earlier bindings,
/// `label.metric`), drawn against `:x:` (default 1, 2, …). Values must be numbers; a series
/// whose length differs from `:x:`'s is a located error.
public struct PlotDirective: Directive {
    enum Kind: String, CaseIterable, Sendable { case line, scatter }

    static let kind = DirectiveOption<Kind>.cases("kind", default: .line, help: "line draws each series as a line through its points, scatter as points only.")
    static let title = DirectiveOption.text("title", type: "text", help: "The chart's title (default: the series' names).")
    static let xLabel = DirectiveOption.text("x-label", type: "text", help: "The x axis's label (default: epoch for :curves:, else the :x: expression or index).")
    static let yLabel = DirectiveOption.text("y-label", type: "text", help: "The y axis's label (default: the metric of :curves:, else value).")
    static let x = DirectiveOption.text("x", type: "expression", help: "The x value of each point of the body's series (default 1, 2, …).")
    static let curves = DirectiveOption.text("curves", type: "LABEL.METRIC, …",
                                             help: "Per-epoch records of {train} cells by label and metric (train_loss, test_accuracy, validation_loss, learning_rate, …), one curve each, over the epochs.")

    public static let spec = DirectiveSpec(
        name: "plot",
        arguments: .none,
        summary: "Plots training records (:curves: sgd.train_loss, adam.train_loss) or expressions of the notebook's state (NAME: EXPR lines against :x:) as an SVG line or scatter chart.",
        options: [kind.declaration, title.declaration, xLabel.declaration, yLabel.declaration, x.declaration, curves.declaration,
                  EvalDirective.samples.declaration, EvalDirective.seed.declaration, DirectiveOption.bindingSplit.declaration],
        acceptsBody: true)

    /// A curve of `:curves:`: a cell's label and the metric of its epochs.
    struct Curve: Sendable {
        var label: String
        var metric: String
        var location: SourceLocation
    }

    /// A body line: a series' name and its expression.
    struct Line: Sendable {
        var name: String
        var expression: ParsedExpression
    }

    static let palette = ["#2166ac", "#b2182b", "#1b7837", "#e08214", "#762a83", "#35978f", "#8c510a", "#404040"]

    let kind: Kind
    let title: String?
    let xLabel: String?
    let yLabel: String?
    let xExpression: ParsedExpression?
    let curves: [Curve]
    let lines: [Line]
    let samples: Int
    let seed: UInt64
    let split: ExpressionBindings.Split
    let location: SourceLocation

    public init(cell: Cell, options: OptionValues) throws {
        location = cell.directiveLocation
        kind = try options.value(Self.kind)
        title = try options.given(Self.title)
        xLabel = try options.given(Self.xLabel)
        yLabel = try options.given(Self.yLabel)
        samples = try options.value(EvalDirective.samples)
        seed = UInt64(try options.value(EvalDirective.seed) as Int)
        split = try options.value(.bindingSplit)
        if let raw = options.raw(Self.x) {
            xExpression = try ExpressionParser.parse(raw.value.trimmingCharacters(in: .whitespaces), at: raw.location)
        } else {
            xExpression = nil
        }
        var curves: [Curve] = []
        if let raw = options.raw(Self.curves) {
            var column = 0
            for part in raw.value.split(separator: ",", omittingEmptySubsequences: false) {
                let name = part.trimmingCharacters(in: .whitespaces)
                // Each name located at its own column, for the errors about it.
                let at = raw.location.advanced(byColumns: column + part.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count)
                column += part.unicodeScalars.count + 1
                let pieces = name.split(separator: ".", maxSplits: 1).map(String.init)
                guard pieces.count == 2, !pieces[0].isEmpty, !pieces[1].isEmpty else {
                    throw Diagnostic.error(":curves: takes LABEL.METRIC names separated by commas, got '\(name)'", at: at,
                                           hint: "e.g. :curves: sgd.train_loss, adam.train_loss")
                }
                curves.append(Curve(label: pieces[0], metric: pieces[1], location: at))
            }
        }
        self.curves = curves
        var lines: [Line] = []
        for line in cell.body {
            let text = line.text
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let colon = text.firstIndex(of: ":")
            let name = colon.map { text[..<$0].trimmingCharacters(in: .whitespaces) } ?? ""
            guard let colon, !name.isEmpty, !name.contains(" ") else {
                throw Diagnostic.error("a {plot} line is a series, NAME: EXPRESSION", at: line.location,
                                       hint: "e.g. targets: t, or first: X[:, 0]")
            }
            let after = text.index(after: colon)
            let offset = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: after.samePosition(in: text.unicodeScalars)!)
            let expression = String(text[after...])
            let leading = expression.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
            lines.append(Line(name: name, expression: try ExpressionParser.parse(expression.trimmingCharacters(in: .whitespaces),
                                                                                at: line.location.advanced(byColumns: offset + leading))))
        }
        self.lines = lines
        guard !curves.isEmpty || !lines.isEmpty else {
            throw Diagnostic.error("{plot} needs something to plot", at: cell.directiveLocation,
                                   hint: "name training records with :curves: sgd.train_loss, or write NAME: EXPRESSION lines")
        }
        if xExpression != nil, lines.isEmpty, let raw = options.raw(Self.x) {
            throw Diagnostic.error(":x: gives the x values of the body's series, and the cell has none", at: raw.location,
                                   hint: "add NAME: EXPRESSION lines, or leave :x: out")
        }
    }

    public var declarations: CellDeclarations { CellDeclarations(metrics: ["points"], names: []) }

    public func run(in context: ExecutionContext) throws -> CellOutputs {
        var series: [LineChart.Series] = []
        let color = { (index: Int) in Self.palette[index % Self.palette.count] }
        for curve in curves {
            series.append(LineChart.Series(name: "\(curve.label).\(curve.metric)", points: try Self.points(of: curve, in: context.state),
                                           color: color(series.count), scatter: kind == .scatter))
        }
        if !lines.isEmpty {
            try context.checkBindingsFit(samples: samples)
            var scope = ExpressionBindings(state: context.state, samples: samples, seed: seed, split: split).scope
            scope.limits = context.evaluationLimits
            let xs = try xExpression.map { try Self.numbers(try scope.evaluate($0), of: "x", at: $0.origin) }
            for line in lines {
                let ys = try Self.numbers(try scope.evaluate(line.expression), of: line.name, at: line.expression.origin)
                if let xs, xs.count != ys.count {
                    throw Diagnostic.error("\(line.name) has \(ys.count) value\(ys.count == 1 ? "" : "s") but :x: has \(xs.count)", at: line.expression.origin,
                                           hint: "each series needs one value per x value")
                }
                let points = ys.enumerated().map { (x: xs?[$0.offset] ?? Double($0.offset + 1), y: $0.element) }
                series.append(LineChart.Series(name: line.name, points: points, color: color(series.count), scatter: kind == .scatter))
            }
        }
        let name = title ?? series.map(\.name).joined(separator: ", ")
        let defaultX = lines.isEmpty ? context.words.epoch : (xExpression?.expressionText ?? "index")
        let defaultY = curves.isEmpty || !lines.isEmpty ? "value" : Array(Set(curves.map(\.metric))).sorted().joined(separator: ", ")
        let chart = LineChart(title: name, panels: [.init(title: name, xLabel: xLabel ?? defaultX, yLabel: yLabel ?? defaultY, series: series)])
        var outputs = CellOutputs()
        outputs.append(.svg(SVGFigure(svg: chart.svg, title: name)))
        outputs.record("points", Double(series.reduce(0) { $0 + $1.points.count }))
        return outputs
    }

    /// The epochs' values of `curve.metric` recorded by the cell `curve.label` (`history[K].METRIC`).
    static func points(of curve: Curve, in state: NotebookState) throws -> [(x: Double, y: Double)] {
        guard let metrics = state.metrics[curve.label] else {
            let near = Suggestion.nearest(to: curve.label, in: state.metrics.keys.sorted()).map { "did you mean '\($0)'? " } ?? ""
            throw Diagnostic.error("no cell labelled '\(curve.label)' has run before this one", at: curve.location,
                                   hint: near + "cells with records: " + state.metrics.keys.sorted().joined(separator: ", "))
        }
        var values: [Int: Double] = [:]
        let suffix = "]." + curve.metric
        for metric in metrics where metric.name.hasPrefix("history[") && metric.name.hasSuffix(suffix) {
            let index = metric.name.dropFirst("history[".count).dropLast(suffix.count)
            if let k = Int(index) { values[k] = metric.value }
        }
        guard !values.isEmpty else {
            let kinds = Set(metrics.compactMap { $0.name.hasPrefix("history[") ? $0.name.split(separator: ".", maxSplits: 1).last.map(String.init) : nil })
            throw Diagnostic.error("the cell '\(curve.label)' recorded no epochs of \(curve.metric)", at: curve.location,
                                   hint: kinds.isEmpty ? "a {train} cell records history[K].METRIC for each epoch"
                                       : "its epochs record: " + kinds.sorted().joined(separator: ", "))
        }
        return values.keys.sorted().map { (x: Double($0 + 1), y: values[$0]!) }
    }

    /// A value's entries as numbers: a scalar, a vector, or a matrix of one row or column.
    static func numbers(_ value: Tensor, of name: String, at location: SourceLocation) throws -> [Double] {
        guard value.shape.filter({ $0 > 1 }).count <= 1 else {
            throw Diagnostic.error("\(name) is \(value.shapeDescription); a series is a number, a vector or one row or column", at: location,
                                   hint: "pick a column, e.g. X[:, 0]")
        }
        return value.data
    }
}
