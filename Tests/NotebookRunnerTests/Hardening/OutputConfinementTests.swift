import Foundation
import Testing
@testable import NotebookRunner

/// Nothing is written outside the output folder, and nothing through a symbolic link.
@Suite struct OutputConfinementTests {
    @Test func atomicWritesReplaceALinkAtTheDestinationAndLeaveItsTargetAlone() throws {
        let folder = try DataFixtures.temporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("precious.txt")
        try "keep me".write(to: target, atomically: false, encoding: .utf8)
        let destination = folder.appendingPathComponent("out/image.pgm")
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: destination, withDestinationURL: target)

        try AtomicFile.write("new bytes", to: destination)
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep me")
        #expect(try String(contentsOf: destination, encoding: .utf8) == "new bytes")
        let type = try FileManager.default.attributesOfItem(atPath: destination.path)[.type] as? FileAttributeType
        #expect(type == .typeRegular)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination.deletingLastPathComponent().path) == ["image.pgm"])
    }

    @Test func aFolderAtTheDestinationIsAnErrorNamingThePath() throws {
        let folder = try DataFixtures.temporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("report.html")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        let diagnostic = DataFixtures.diagnostic { try AtomicFile.write("x", to: destination) }
        #expect(diagnostic?.message.hasPrefix("cannot write \(destination.path): ") == true, "\(String(describing: diagnostic))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.html"])
    }

    @Test func plainNames() {
        for good in ["mnist", "fashion-mnist", "digits_2", "v1.2", "A"] { #expect(ExecutionContext.isPlainName(good), "\(good)") }
        for bad in ["", ".", "..", "../x", "a/b", ".hidden", "-o", "x\u{0}y", "é", String(repeating: "a", count: 101), "a b"] {
            #expect(!ExecutionContext.isPlainName(bad), "\(bad)")
        }
    }

    @Test func loadRefusesANameThatIsAPath() throws {
        let cell = DataFixtures.cell("load", [], [("images", "i"), ("labels", "l"), ("name", "../../../../tmp/x")])
        let diagnostic = DataFixtures.diagnostic { _ = try LoadDirective(cell: cell, options: OptionValues(cell: cell, defaults: Defaults())) }
        #expect(diagnostic?.message.hasPrefix("option :name: '../../../../tmp/x' is not a plain name") == true, "\(String(describing: diagnostic))")
        #expect(diagnostic?.location == SourceLocation(file: "notebook.md", line: 4, column: 8))
    }

    @Test func assetNamesThatArePathsAreRefused() throws {
        let output = try DataFixtures.temporaryDirectory("assets")
        defer { try? FileManager.default.removeItem(at: output) }
        let context = DataFixtures.context(for: DataFixtures.cell("show"), state: NotebookState(), output: output)
        #expect(throws: Diagnostic.self) { _ = try context.assetURL("../escape") }
        #expect(try context.assetURL("mnist") == output.appendingPathComponent("notebook/mnist"))
    }
}
