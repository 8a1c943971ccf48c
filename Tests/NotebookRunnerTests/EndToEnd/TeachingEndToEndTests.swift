import Foundation
import Testing
@testable import NotebookRunner

/// Equations, exercises and the student's edition through the built binary.
@Suite struct TeachingEndToEndTests {
    static let notebook = """
    ---
    title: Teaching
    ---
    The loss {eq}`loss` is defined below.

    $$J = -\\ln P_y$$ (loss)

    ```{exercise}
    :label: ex-one
    Compute $1 + 1$.
    ```

    ````{solution} ex-one
    The sum is two, SOLUTIONPHRASE.
    ```{eval}
    :label: answer
    1 + 1
    ```
    ````
    """

    func folder(_ text: String) throws -> URL {
        let folder = try DataFixtures.temporaryDirectory("teaching")
        try text.write(to: folder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func theStudentEditionHoldsNoSolutionText() throws {
        let folder = try folder(Self.notebook)
        let full = try NBRunProcess.run(["render", "nb.md", "-o", "full", "--reproducible"], in: folder)
        #expect(full.status == 0, "\(full.stderr)")
        let student = try NBRunProcess.run(["render", "nb.md", "-o", "student", "--reproducible", "--student"], in: folder)
        #expect(student.status == 0, "\(student.stderr)")
        let fullHTML = try String(contentsOf: folder.appendingPathComponent("full/nb.html"), encoding: .utf8)
        let studentHTML = try String(contentsOf: folder.appendingPathComponent("student/nb.html"), encoding: .utf8)
        let studentRecord = try String(contentsOf: folder.appendingPathComponent("student/nb.json"), encoding: .utf8)
        #expect(fullHTML.contains("SOLUTIONPHRASE"))
        #expect(fullHTML.contains("<details class=\"nb-solution\">"))
        #expect(!studentHTML.contains("SOLUTIONPHRASE") && !studentHTML.contains("nb-solution\"") && !studentHTML.contains("answer"))
        #expect(!studentRecord.contains("answer"))
        #expect(studentHTML.contains("Exercise 1"))
    }

    @Test func numberingSurvivesReproducibleRunsByteForByte() throws {
        let folder = try folder(Self.notebook)
        _ = try NBRunProcess.run(["render", "nb.md", "-o", "a", "--reproducible", "--no-cache"], in: folder)
        _ = try NBRunProcess.run(["render", "nb.md", "-o", "b", "--reproducible", "--no-cache"], in: folder)
        for name in ["nb.html", "nb.json"] {
            let a = try Data(contentsOf: folder.appendingPathComponent("a/" + name))
            let b = try Data(contentsOf: folder.appendingPathComponent("b/" + name))
            #expect(a == b, "\(name) differs")
        }
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("a/nb.json"))) as! [String: Any]
        let equations = record["equations"] as! [[String: Any]]
        #expect(equations.count == 1)
        #expect(equations[0]["label"] as? String == "loss" && equations[0]["number"] as? String == "1")
        #expect(equations[0]["line"] as? Int == 6 && equations[0]["status"] as? String == "unchecked")
    }

    @Test func anUnknownLabelFailsRenderAndCheckAtItsLocation() throws {
        let folder = try folder("See {eq}`nowhere`.\n\n$$a$$ (somewhere)\n")
        let check = try NBRunProcess.run(["check", "nb.md"], in: folder)
        #expect(check.status == 1)
        #expect(check.stderr.contains("nb.md:1:10: error: unknown equation label 'nowhere'"), "\(check.stderr)")
        let render = try NBRunProcess.run(["render", "nb.md", "-o", "out"], in: folder)
        #expect(render.status == 1)
        #expect(render.stderr.contains("nb.md:1:10: error: unknown equation label 'nowhere'"))
        let html = try String(contentsOf: folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
        #expect(html.contains("nb-eqref-error"))
    }
}
