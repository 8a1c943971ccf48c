import Foundation

/// The course's exercises in one list (`exercises.html`): every exercise of every page, in
/// reading order, with its number, its title and a link to it. In the student's edition
/// (`--student`) it is the work sheet; in the instructor's, it also says which have a solution.
enum ExercisesPage {
    /// One page's part of the list.
    struct Page {
        var path: String
        var title: String
        var notebook: Notebook
    }

    /// The page's body, and how many exercises the course has.
    static func body(_ pages: [Page], strings: SiteStrings, student: Bool) -> (html: String, count: Int) {
        let root = SiteFrame.exercisesPage
        var html = "<header class=\"nb-header\">\n<h1>\(strings.exercises)</h1>\n</header>\n<main>\n"
        var count = 0
        for page in pages {
            let blocks = page.notebook.blocks
            let exercises = blocks.filter { $0.kind == .exercise && $0.options["hidden"] == nil }
            guard !exercises.isEmpty else { continue }
            let href = CourseTargets.relative(from: root, to: page.path)
            html += "<h2><a href=\"\(HTML.escape(href))\">\(HTML.escape(page.title))</a></h2>\n<ol class=\"nb-exercises\">\n"
            for exercise in exercises {
                count += 1
                let anchor = ProseBlockRenderer.anchor(exercise)
                let name = strings.exercise(exercise.shownNumber)
                let title = exercise.titleText.map { " <span class=\"nb-block-subtitle\">\(HTML.escape($0))</span>" } ?? ""
                let solved = !student && blocks.contains { $0.kind == .solution && $0.argument == exercise.label && exercise.label != nil }
                html += "<li><a href=\"\(HTML.escape(href))#\(HTML.escape(anchor))\">\(HTML.escape(name))</a>\(title)"
                if solved { html += " <span class=\"nb-meta\">· \(strings.withSolution)</span>" }
                html += "</li>\n"
            }
            html += "</ol>\n"
        }
        if count == 0 { html += "<p>\(strings.noExercises)</p>\n" }
        return (html + "</main>\n", count)
    }

    /// Every solution whose cells failed, as a located error at the failing cell naming the
    /// exercise: the instructor's edition must not ship a solution that does not hold.
    static func failedSolutions(_ run: RunResult) -> [Diagnostic] {
        let solutions = run.notebook.blocks.filter { $0.kind == .solution }
        guard !solutions.isEmpty else { return [] }
        var failures: [Diagnostic] = []
        for result in run.cells where result.status == .error {
            let line = result.cell.location.line
            guard let solution = solutions.first(where: { $0.startLine <= line && line <= $0.endLine }) else { continue }
            let exercise = solution.argument.map { "'\($0)'" } ?? ""
            let why = result.error?.headline ?? "the cell failed"
            failures.append(.error("the solution to exercise \(exercise) fails: cell '\(result.cell.label)': \(why)", at: result.cell.location,
                                   hint: "fix the solution (the student's edition, --student, leaves it out)"))
        }
        return failures
    }
}
