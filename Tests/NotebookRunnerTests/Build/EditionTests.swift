import Foundation
import Testing
@testable import NotebookRunner

/// The student's and the instructor's editions of a course: `--student` leaves every solution
/// out (fenced and gated) and lists the exercises; the instructor's build fails, at the cell,
/// when a solution does not hold.
@Suite struct EditionTests {
    static func files(gradient: String) -> [String: String] {
        [
            "myst.yml": """
                version: 1
                project:
                  title: Exercises course
                  numbering: true
                  toc:
                    - file: one.md
                    - file: two.md
                """,
            "one.md": """
                ---
                title: One
                ---
                ```{exercise}
                :label: ex-sum
                Add one and one.
                ```

                ````{solution} ex-sum
                The sum is two, FENCEDSOLUTION.
                ```{eval}
                :label: answer
                1 + 1
                ```
                ````
                """,
            "two.md": """
                ---
                title: Two
                ---
                ~~~{exercise} The square's gradient, `grad A`
                :label: ex-grad
                Differentiate $J = \\sum A^2$.
                ~~~

                ```{solution-start} ex-grad
                ```
                GATEDSOLUTION: the gradient is checked below.

                ```{derive}
                :label: grad
                :given: A 3×4
                J = sum(A * A)
                grad A: \(gradient)
                ```

                ```{solution-end}
                ```
                """,
        ]
    }

    @Test func studentEditionLeavesEverySolutionOutAndListsTheExercises() throws {
        let course = try TestCourse(files: Self.files(gradient: "3 * A"))
        defer { course.remove() }
        // The wrong gradient is inside a solution: the student's edition does not run it.
        let outcome = try course.build { $0.settings.omitsSolutions = true; $0.singleFile = true }
        #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")
        for page in ["one.html", "two.html", SingleFileCourse.file] {
            let html = try course.read(page)
            #expect(!html.contains("SOLUTION") && !html.contains("<details class=\"nb-solution\""), "\(page)")
        }
        #expect(try course.read("one.html").contains("Add one and one"))
        #expect(try course.read(SingleFileCourse.file).contains("Add one and one"))
        let record = try course.read("build.json")
        #expect(!record.contains("\"answer\"") && !record.contains("\"grad\""))
        let exercises = try course.read(SiteFrame.exercisesPage)
        #expect(exercises.contains("<a href=\"one.html#ex-ex-sum\">Exercise 1.1</a>") || exercises.contains("<a href=\"one.html#ex-ex-sum\">Exercise 1</a>"), "\(exercises)")
        #expect(exercises.contains("two.html#ex-ex-grad"))
        #expect(exercises.contains("The square’s gradient") || exercises.contains("The square&#39;s gradient") || exercises.contains("The square's gradient"))
        // The title is read as inline Markdown: its code shows as code text, not backticks.
        #expect(exercises.contains("grad A") && !exercises.contains("`grad A`"), "\(exercises)")
        #expect(!exercises.contains("with a solution"))
        #expect(try course.read("one.html").contains("href=\"exercises.html\""), "the sidebar links the exercises")
    }

    @Test func instructorEditionFailsAtTheSolutionThatDoesNotHold() throws {
        let course = try TestCourse(files: Self.files(gradient: "3 * A"))
        defer { course.remove() }
        let outcome = try course.build()
        #expect(outcome.failed)
        let failure = outcome.diagnostics.first { $0.message.contains("the solution to exercise 'ex-grad' fails") }
        #expect(failure?.location?.file == "course/two.md" && failure?.location?.line == 13, "\(outcome.diagnostics.map(\.description))")
        // Both solutions are in the instructor's pages.
        #expect(try course.read("one.html").contains("FENCEDSOLUTION"))
        #expect(try course.read("exercises.html").contains("with a solution"))
    }

    @Test func instructorEditionPassesWhenEverySolutionHolds() throws {
        let course = try TestCourse(files: Self.files(gradient: "2 * A"))
        defer { course.remove() }
        let outcome = try course.build()
        #expect(!outcome.failed, "\(outcome.diagnostics.map(\.description))")
        #expect(try course.read("two.html").contains("GATEDSOLUTION"))
    }
}
