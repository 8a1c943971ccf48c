import Foundation
import Testing
import JupyterKernel
@testable import NotebookRunner

/// A kernel page of a course is skipped on a rebuild only while the files its code cells name
/// are as they were: its memo lists them, as the cell cache's keys do.
@Suite(.serialized, .enabled(if: (try? KernelSpec.find("python3")) != nil, "needs python3-ipykernel"))
struct KernelPageMemoTests {
    static let files: [String: String] = [
        "myst.yml": """
            version: 1
            project:
              title: Kernel course
              toc:
                - file: reads.md
                - file: prose.md
            """,
        "reads.md": """
            ---
            title: Reads a file
            kernelspec:
              name: python3
              display_name: Python 3
            ---
            # Reads a file

            ```{code-cell} python
            print("read:", open("data/value.txt").read().strip())
            ```
            """,
        "prose.md": """
            ---
            title: Prose
            ---
            # Prose

            Nothing runs here.
            """,
        "data/value.txt": "first\n",
    ]

    @Test func aChangedDataFileTheCodeReadsRunsThePageAgain() throws {
        let course = try TestCourse(files: Self.files)
        defer { course.remove() }
        let first = try course.build(reproducible: false)
        #expect(!first.failed, "\(first.diagnostics.map(\.description))")
        #expect(try course.read("reads.html").contains("read: first"))

        let again = try course.build(reproducible: false)
        #expect(IncrementalBuildTests.unchanged(again) == ["reads.html": true, "prose.html": true], "\(IncrementalBuildTests.unchanged(again))")

        // New bytes in the file the code names: the page runs again and shows them; the other page stays.
        try course.write("data/value.txt", "second, longer\n")
        let changed = try course.build(reproducible: false)
        #expect(!changed.failed, "\(changed.diagnostics.map(\.description))")
        #expect(IncrementalBuildTests.unchanged(changed) == ["reads.html": false, "prose.html": true], "\(IncrementalBuildTests.unchanged(changed))")
        #expect(try course.read("reads.html").contains("read: second, longer"))
    }
}
