import Foundation
import Testing
@testable import NotebookRunner

/// Targets and references MyST pages write in less usual places: an `{index}` entry's name, a link
/// inside a footnote, a label before a block with no title or number.
struct ReferenceClassTests {
    @Test func anIndexEntryWithANameIsATargetTitledByTheEntry() throws {
        let page = try ReferencePage("""
            # Index

            ````{example}
            ```{index} Index names
            :name: index-names
            ```
            ````

            - {ref}`See index names <index-names>`
            - [See index names](index-names)
            - {ref}`index-names`
            """)
        #expect(page.warnings.allSatisfy { !$0.contains("label") }, "\(page.warnings)")
        #expect(page.main.contains("id=\"index-names\""))
        #expect(page.main.contains("href=\"#index-names\">See index names</a>"))
        #expect(page.main.contains("href=\"#index-names\">Index names</a>"))
    }
}

extension ReferenceClassTests {
    @Test func referencesInAFootnoteLinkToTheirTargets() throws {
        let page = try ReferencePage("""
            # Notes

            Text with a note[^colon] here.

            (example-fence)=
            ::::{tab-set}
            :::{tab-item} A
            x
            :::
            ::::

            [^colon]: See an [example](#example-fence), [](#example-fence) and {ref}`the tabs <example-fence>`.
            """)
        #expect(page.warnings.allSatisfy { !$0.contains("label") }, "\(page.warnings)")
        let note = try #require(page.main.range(of: "<li id=\"fn-colon\">").map { String(page.main[$0.lowerBound...]) })
        #expect(note.contains("href=\"#example-fence\">example</a>"))
        #expect(note.contains("href=\"#example-fence\">the tabs</a>"))
    }
}

extension ReferenceClassTests {
    /// A colon fence's title may hold code (`` `numbering` ``): the fence still closes where its
    /// closing line is, so a code block inside it does not run on over the labels below.
    @Test func aColonFenceTitledWithCodeKeepsTheLabelsAfterIt() throws {
        let page = try ReferencePage("""
            # Fences

            See [](#header-numbering) and [](#field-behavior).

            ::::{note} Using `jupytext` or a notebook?
            :::{tip} How to turn on heading `numbering`
            :class: dropdown

            ````{code}
            :linenos:
            ---
            title: x
            ---
            ````
            :::
            ::::

            % a comment

            (header-numbering)=

            ## Header Numbering

            (field-behavior)=

            ## How fields interact
            """)
        #expect(page.warnings.allSatisfy { !$0.contains("label") }, "\(page.warnings)")
        #expect(page.main.contains("href=\"#header-numbering\">Header Numbering</a>"))
        #expect(page.main.contains("href=\"#field-behavior\">How fields interact</a>"))
        #expect(page.main.contains("<details class=\"nb-admonition nb-tip nb-dropdown\">"))
    }
}

extension ReferenceClassTests {
    /// MyST's `@label` (and `{ref}`) to a label before a block with no title or number: a link
    /// shown by the definition list's term, else by the label.
    @Test func aLabelBeforeADefinitionListIsShownByItsTerm() throws {
        let page = try ReferencePage("""
            # Roles

            Use the @ref-role role, {ref}`ref-role` or @plain.

            (ref-role)=

            ref
            : The ref role brings the title in line.

            (plain)=

            Just a paragraph.
            """)
        #expect(page.warnings.allSatisfy { !$0.contains("label") && !$0.contains("number") }, "\(page.warnings)")
        #expect(page.main.contains("id=\"ref-role\""))
        #expect(page.main.contains("href=\"#ref-role\">ref</a> role"))
        #expect(page.main.contains("href=\"#ref-role\">ref</a> or"))
        #expect(page.main.contains("href=\"#plain\">plain</a>."))
    }
}
