/// The YAML block at the top of a notebook: title, author, date, tags and defaults.
///
/// ```yaml
/// ---
/// title: Softmax regression, derived and checked
/// author: A. Teacher
/// date: 2026-11-21
/// tags: [classification, tutorial]
/// math:               # TeX macros for every formula of the page (MyST's `math`)
///   "\\R": "\\mathbb{R}"
/// seed: 0            # any other scalar is a default cells can read
/// data-dir: ./data
/// ---
/// ```
public struct FrontMatter: Sendable, Hashable {
    public var title: String?
    /// One or more authors, as written.
    public var authors: [String] = []
    public var date: String?
    public var tags: [String] = []
    /// The page language (`lang: zh`), `en` when unset.
    public var language: String?
    /// BibTeX files the citations come from (`bibliography: refs.bib` or a list), relative to the
    /// notebook, and where the key is written.
    public var bibliography: [String] = []
    public var bibliographyLocation: SourceLocation?
    /// The `math:` mapping: TeX macros (`\R` → `\mathbb{R}`, `#1` an argument) for every formula, in file order.
    public var mathMacros: [(name: String, body: String)] = []
    /// Every other scalar key, in file order, with the line it was written on.
    public var values: [(key: String, value: String, location: SourceLocation)] = []
    /// The Jupyter kernel the page's code cells run in: `kernelspec: {name: python3}` (Jupyter,
    /// MyST) or `jupyter: python3` (Quarto), with where it was named.
    public var kernel: (name: String, location: SourceLocation)?
    /// Keys nbrun does not read — other tools' settings, lists and mappings — as compact text, kept for the run record.
    public var metadata: [(key: String, value: String, location: SourceLocation)] = []
    /// Lines the front matter occupies, fences included (0 when there is none).
    public var lineCount: Int = 0

    public init() {}

    public static func == (lhs: FrontMatter, rhs: FrontMatter) -> Bool {
        lhs.title == rhs.title && lhs.authors == rhs.authors && lhs.date == rhs.date && lhs.tags == rhs.tags
            && lhs.language == rhs.language && lhs.lineCount == rhs.lineCount && lhs.bibliography == rhs.bibliography
            && lhs.mathMacros.map { "\($0.name)=\($0.body)" } == rhs.mathMacros.map { "\($0.name)=\($0.body)" }
            && lhs.kernel?.name == rhs.kernel?.name && lhs.kernel?.location == rhs.kernel?.location
            && lhs.values.map { "\($0.key)=\($0.value)@\($0.location)" } == rhs.values.map { "\($0.key)=\($0.value)@\($0.location)" }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(title)
        hasher.combine(lineCount)
    }

    /// A warning for each key that is neither nbrun's (`known`: the names front matter sets)
    /// nor another tool's, with the nearest known name: `epochz: 3` → "did you mean 'epochs'?".
    public func unknownKeyWarnings(known: [String]) -> [Diagnostic] {
        let own = ["title", "date", "lang", "language", "author", "authors", "tags"]
        return (values + metadata).filter { !known.contains($0.key) && !Compatibility.frontMatterKeys.contains($0.key) }.map { entry in
            let near = Suggestion.nearest(to: entry.key, in: known + own).map { "did you mean '\($0)'? " } ?? ""
            return .warning("front-matter key '\(entry.key)' is not read by nbrun", at: entry.location,
                            hint: near + "cells read: " + known.joined(separator: ", "))
        }
    }

    /// The values as defaults for cells.
    public var defaults: Defaults {
        var defaults = Defaults()
        for entry in values { defaults.set(entry.key, entry.value, at: entry.location) }
        return defaults
    }
}
