import Foundation
import Testing
import TeXMath
@testable import NotebookRunner

/// The showcase tutorial `notebooks/softmax-regression.md`, checked without running it.
///
/// Rendering it (and checking its numbers) is `Tests/tutorials/run.sh` with a release
/// build; these tests catch the mistakes that need no data: an unknown option, a formula
/// the typesetter does not understand, an inline value naming a cell that does not exist.
@Suite struct SoftmaxRegressionTutorialTests {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("notebooks/softmax-regression.md")

    func notebook() throws -> Notebook {
        try NotebookParser.parse(contentsOf: Self.url, file: "notebooks/softmax-regression.md")
    }

    @Test func validatesWithoutDiagnostics() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-tutorial-\(UUID().uuidString)")
        let diagnostics = Pipeline(settings: RunSettings(outputDirectory: output)).check(Self.url, file: "notebooks/softmax-regression.md")
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
    }

    @Test func everyFormulaTypesetsWithoutWarnings() throws {
        let notebook = try notebook()
        #expect(notebook.math.count > 40)
        let converter = MathMLConverter()
        for span in notebook.math {
            let warnings = converter.convert(span.tex, display: span.display).warnings
            #expect(warnings.isEmpty, "\(span.location): \(span.tex): \(warnings.map(\.message))")
        }
    }

    /// `label.metric` in an inline value names a labelled cell that runs before it.
    @Test func inlineValuesReadCellsAbove() throws {
        let notebook = try notebook()
        #expect(notebook.roles.count >= 15)
        let reference = try Regex(#"([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)"#)
        for role in notebook.roles {
            let labelsAbove = Set(notebook.cells.prefix(role.cellsBefore).map(\.label))
            for match in role.expression.matches(of: reference) {
                let label = String(role.expression[match.range].prefix { $0 != "." })
                #expect(labelsAbove.contains(label), "\(role.location): '\(role.expression)' reads cell '\(label)', not above it")
            }
        }
    }

    /// The standard recipe comes from the front matter, so `-p lr=…` changes it.
    @Test func standardRecipeIsTheFrontMatter() throws {
        let notebook = try notebook()
        let defaults = notebook.frontMatter.defaults
        #expect(defaults["lr"]?.value == "0.1")
        #expect(defaults["batch"]?.value == "256")
        #expect(defaults["epochs"]?.value == "10")
        #expect(defaults["init"]?.value == "normal(0.01)")
        #expect(defaults["seed"]?.value == "0")
        let train = try #require(notebook.cells.first { $0.label == "train" })
        #expect(train.directive == "train")
        for key in ["lr", "batch", "epochs", "steps", "init", "seed"] {
            #expect(train.option(key) == nil, "the train cell sets :\(key): itself, so -p \(key)=… would not reach it")
        }
    }

    /// Training through the expression engine (Float64) runs on a small data set, so the render stays quick.
    @Test func expressionTrainingUsesSmallData() throws {
        let notebook = try notebook()
        let authorTrained = notebook.cells.filter { $0.directive == "train" && $0.option("grad W") != nil }
        #expect(authorTrained.count == 2)
        for cell in authorTrained {
            let samples = try #require(cell.option("samples").flatMap { Int($0.value) }, "\(cell.label) has no :samples:")
            #expect(samples <= 10_000)
        }
    }
}
