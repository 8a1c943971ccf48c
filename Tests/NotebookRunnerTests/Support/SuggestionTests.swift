import Testing
@testable import NotebookRunner

@Test func suggestsNearestDirective() {
    #expect(Suggestion.nearest(to: "laod", in: ["load", "show", "train"]) == "load")
    #expect(Suggestion.nearest(to: "zzzzzz", in: ["load", "show"]) == nil)
}
