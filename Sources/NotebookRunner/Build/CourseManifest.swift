import Foundation

/// A course's table of contents and settings, read from a Jupyter Book 2 `myst.yml` or a
/// Jupyter Book 1 `_toc.yml` (+ `_config.yml`) by `ManifestReader`.
///
/// The tree keeps the manifest's shape: parts (a caption with children and no page) and pages
/// (a file, with sections below it). `pages` is the reading order every navigation follows.
public struct CourseManifest: Sendable {
    /// How numbered things (equations, figures, tables, exercises, sections) are numbered across pages.
    public enum Numbering: String, Sendable, Codable {
        /// Each chapter's numbers carry its chapter number: equation (3.2), Figure 4.1.
        case chapter
        /// One counter per kind through the whole course: equation (17), Figure 9.
        case continuous
        /// Numbers restart on every page, with no prefix (a page as `render` shows it).
        case page
    }

    /// Jupyter Book 1's `execute.execute_notebooks`: whether pages' cells run.
    public enum Execution: String, Sendable, Codable {
        /// Run, reusing the per-cell cache (`auto`, `cache`: nbrun's cache is always per cell).
        case cache
        /// Run every cell, neither reading nor writing the cache.
        case force
        /// Run nothing: cells are shown, not executed.
        case off
    }

    /// One entry of the table of contents.
    public struct Entry: Sendable {
        /// A part's caption, or the title the manifest gives a page (else the page's own).
        public var title: String?
        /// The page's path relative to the course folder (nil: a part).
        public var file: String?
        public var children: [Entry]
        /// Where the entry is written in the manifest.
        public var location: SourceLocation
    }

    /// One page, in reading order.
    public struct Page: Sendable, Hashable {
        /// The path relative to the course folder, as found: `intro.md`, `ch1/sgd.md`.
        public var file: String
        /// The title the manifest gives it, if any.
        public var title: String?
        /// The chapter number (1, 2, …) a numbered course prefixes its numbers with; nil for the
        /// front page of a Jupyter Book 1 course (its `root`) and for unnumbered courses.
        public var chapter: Int?
        /// 0 for a chapter, 1 for its sections, …
        public var depth: Int
        /// Where the manifest names it.
        public var location: SourceLocation
    }

    /// The manifest file, as diagnostics name it (`course/myst.yml`).
    public var file: String
    /// The course folder.
    public var folder: URL
    public var title: String
    public var authors: [String]
    public var numbering: Numbering
    public var execution: Execution
    /// BibTeX files the pages' citations come from (`bibtex_bibfiles`, `project.bibliography`).
    public var bibliography: [String]
    public var entries: [Entry]
    public var pages: [Page]

    /// The output path of a page: its source path with `.html` (`ch1/sgd.md` → `ch1/sgd.html`).
    public static func htmlPath(of file: String) -> String {
        let url = URL(fileURLWithPath: file)
        let stem = url.deletingPathExtension().lastPathComponent
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? stem + ".html" : folder + "/" + stem + ".html"
    }
}
