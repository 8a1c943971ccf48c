/// The BibTeX entries a page cites from, by key, and how a citation of them reads.
public struct Bibliography: Sendable {
    public private(set) var entries: [String: BibEntry] = [:]
    /// The files read, in order (for messages).
    public var files: [String] = []

    public init() {}

    /// Adds the entries of one file; a key already present keeps its first entry.
    public mutating func add(_ reader: BibTeXReader, file: String) {
        files.append(file)
        for entry in reader.entries where entries[entry.key] == nil { entries[entry.key] = entry }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// "Goodfellow et al.", "Smith and Jones", or every surname with `full`.
    public static func authorText(_ entry: BibEntry, full: Bool = false) -> String {
        let names = entry.authors
        let surnames = names.filter { !$0.isOthers }.map(\.surname)
        let others = names.contains { $0.isOthers }
        if surnames.isEmpty { return entry.text("title").map { String($0.prefix(40)) } ?? entry.key }
        if full {
            let listed = others ? surnames + ["others"] : surnames
            return listed.count <= 2 ? listed.joined(separator: " and ")
                : listed.dropLast().joined(separator: ", ") + ", and " + listed.last!
        }
        if surnames.count >= 3 || others { return surnames[0] + " et al." }
        return surnames.joined(separator: " and ")
    }

    /// The reference-list line of `entry`, as HTML: "Goodfellow, I., Bengio, Y., & Courville, A. (2016).
    /// <em>Deep Learning</em>. MIT Press."
    /// `year` replaces the entry's (with a letter: "2016a").
    public static func referenceHTML(_ entry: BibEntry, year: String? = nil) -> String {
        let names = entry.authors.filter { !$0.isOthers }.map(\.listed)
        var authors = names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + ", & " + names.last!
        if entry.authors.contains(where: \.isOthers) { authors += " et al." }
        var html = authors.isEmpty ? "" : HTML.escape(authors) + " "
        html += "(\(HTML.escape(year ?? entry.year))). "
        let title = entry.text("title") ?? entry.key
        let container = entry.text("journal") ?? entry.text("booktitle") ?? entry.text("journaltitle")
        if container == nil {
            html += "<em>\(HTML.escape(title))</em>."
        } else {
            html += HTML.escape(title) + "."
        }
        if let container {
            html += " <em>\(HTML.escape(container))</em>"
            if let volume = entry.text("volume") {
                html += ", " + HTML.escape(volume) + (entry.text("number").map { "(\(HTML.escape($0)))" } ?? "")
            }
            if let pages = entry.text("pages") { html += ", " + HTML.escape(pages) }
            html += "."
        }
        if let publisher = entry.text("publisher") ?? entry.text("institution") ?? entry.text("school") {
            html += " " + HTML.escape(publisher) + "."
        }
        if let doi = entry.text("doi") {
            let address = doi.hasPrefix("http") ? doi : "https://doi.org/" + doi
            html += " <a href=\"\(HTML.escape(address))\">\(HTML.escape(address))</a>"
        } else if let url = entry.text("url"), url.hasPrefix("http") {
            html += " <a href=\"\(HTML.escape(url))\">\(HTML.escape(url))</a>"
        }
        return html
    }

    /// The sort order of the reference list: first author's surname, year, title.
    public static func sortKey(_ entry: BibEntry) -> String {
        (entry.authors.first?.last ?? entry.text("title") ?? entry.key).lowercased() + " " + entry.year + " " + (entry.text("title") ?? "")
    }
}
