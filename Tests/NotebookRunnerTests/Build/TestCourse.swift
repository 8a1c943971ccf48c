import Foundation
@testable import NotebookRunner

/// A small course written into a fresh temporary folder: pages with equations that refer to
/// each other across chapters, a figure, a checked equation and cheap cells, under a `myst.yml`.
struct TestCourse {
    let folder: URL

    init(files: [String: String] = TestCourse.standard) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-course-\(UUID().uuidString)", isDirectory: true)
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    var site: URL { folder.appendingPathComponent("_site", isDirectory: true) }

    func write(_ path: String, _ text: String) throws {
        try text.write(to: folder.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: site.appendingPathComponent(path), encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// The manifest, or the reader's diagnostics as a failure.
    func manifest() throws -> CourseManifest {
        let read = ManifestReader.read(folder: folder, display: "course", ignoring: [site])
        guard let manifest = read.manifest else { throw read.diagnostics.first ?? Diagnostic.error("no manifest") }
        return manifest
    }

    /// Builds the course into `site` in this process.
    func build(jobs: Int = 2, reproducible: Bool = true, configure: (inout CourseBuild) -> Void = { _ in }) throws -> CourseBuild.Outcome {
        let settings = RunSettings(outputDirectory: site, reproducible: reproducible)
        var build = CourseBuild(settings: settings, jobs: jobs)
        configure(&build)
        return build.build(try manifest(), display: "course")
    }

    static let standard: [String: String] = [
        "myst.yml": """
            version: 1
            project:
              title: Test course
              authors: [A. Teacher]
              numbering: true
              toc:
                - file: intro.md
                - title: Part one
                  children:
                    - file: ch/alpha.md
                      children:
                        - file: ch/alpha-more.md
                    - file: beta.md
                - file: gamma.md
            """,
        "intro.md": """
            ---
            title: Introduction
            ---
            This course is a test. Its first equation:

            $$e^{i\\pi} + 1 = 0$$ (euler)

            The next chapters define $f$.
            """,
        "ch/alpha.md": """
            ---
            title: Alpha
            ---
            ## Softmax

            $$\\sigma(a)_i = \\frac{e^{a_i}}{\\sum_j e^{a_j}}$$ (softmax)

            $$\\sum_i \\sigma(a)_i = 1$$ (sums-to-one)

            ```{gradcheck} softmax
            :label: jacobian
            :checks: softmax
            ```

            Equation {eq}`sums-to-one` follows from {eq}`softmax`.
            """,
        "ch/alpha-more.md": """
            ---
            title: Alpha, continued
            ---
            The section of chapter 2 numbers on from its chapter:

            $$\\ln \\sigma(a)_i = a_i - \\ln \\sum_j e^{a_j}$$ (log-softmax)

            It rewrites {eq}`softmax` of the chapter's first page.
            """,
        "beta.md": """
            ---
            title: Beta
            ---
            ## Zeppelins

            A zeppelin floats because its gas is lighter than air. Its lift is

            $$L = V (\\rho_{air} - \\rho_{gas}) g$$ (lift)

            ```{eval}
            :label: two
            1 + 1
            ```

            Back in chapter 2, [](ch/alpha.md#softmax) defined the softmax, and {eq}`log-softmax` its logarithm.
            """,
        "gamma.md": """
            ---
            title: Gamma
            ---
            The lift {eq}`lift` of the previous chapter, and {numref}`Equation %s <log-softmax>`.
            See also [the zeppelins](#zeppelins) and {doc}`beta`.
            """,
    ]
}
