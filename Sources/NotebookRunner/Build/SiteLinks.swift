import Foundation

/// Markdown links from one page of a course to another's source — `[text](other.md)`,
/// `[](other.md#label)` — turned into links to the other page's `.html` and the target's id;
/// an empty link shows the target's number or title ("(3.2)", "Figure 4.1"), any link to a
/// target has it as its tooltip ("Equation (3.2)"). A link to a page
/// the course does not build, or to a label the page lacks, is a located warning.
enum SiteLinks {
    static let sourceExtensions: Set<String> = ["md", "markdown", "ipynb"]

    static func rewrite(_ body: String, page index: Int, paths: [String], pages: [CourseManifest.Page], targets: CourseTargets,
                        notebook: Notebook, folder: URL, warnings: inout [Diagnostic]) -> String {
        guard body.contains("<a href=\"") else { return body }
        let pageIndex = Dictionary(pages.indices.map { (pages[$0].file, $0) }) { first, _ in first }
        let here = (pages[index].file as NSString).deletingLastPathComponent
        var result = ""
        var rest = body[...]
        var lines: [String]? = nil
        func location(of written: String) -> SourceLocation {
            if lines == nil {
                let url = folder.appendingPathComponent(pages[index].file)
                lines = ((try? SourceText(contentsOf: url, file: notebook.file))?.lines) ?? []
            }
            for (number, line) in lines!.enumerated() {
                if let range = line.range(of: "](" + written) {
                    return SourceLocation(file: notebook.file, line: number + 1, column: line.distance(from: line.startIndex, to: range.lowerBound) + 3)
                }
            }
            return SourceLocation(file: notebook.file, line: 1)
        }
        while let open = rest.range(of: "<a href=\"") {
            result += rest[..<open.upperBound]
            rest = rest[open.upperBound...]
            guard let quote = rest.firstIndex(of: "\"") else { break }
            let written = HTML.unescape(String(rest[..<quote]))
            let (path, fragment) = split(written)
            guard !path.isEmpty, !path.contains(":"), sourceExtensions.contains((path as NSString).pathExtension.lowercased()) else { continue }
            let joined = here.isEmpty ? path : here + "/" + path
            let normalized = URL(fileURLWithPath: "/" + joined).standardizedFileURL.path.dropFirst()
            guard let target = pageIndex[String(normalized)] else {
                warnings.append(.warning("link to '\(path)', which is not a page of the course", at: location(of: written),
                                         hint: "add it to the table of contents, or link to a page the course builds"))
                continue
            }
            var href = CourseTargets.relative(from: paths[index], to: paths[target])
            var filler: String? = nil
            var tooltip = ""
            if let fragment {
                if let resolved = targets.resolve(fragment, onPage: target) {
                    href += "#" + resolved.anchor
                    filler = resolved.text
                    tooltip = resolved.tooltip
                } else {
                    href += "#" + fragment
                    warnings.append(.warning("\(pages[target].file) has no label '\(fragment)'", at: location(of: written),
                                             hint: targets.nearest(fragment, onPage: target).map { "did you mean '\($0)'?" }
                                                ?? "label a target with (\(fragment))= on the line before it"))
                }
            }
            result += HTML.escape(href) + (tooltip.isEmpty ? "" : "\" title=\"" + HTML.escape(tooltip))
            rest = rest[quote...]
            // An empty link shows the target's number or title.
            if let filler, let end = rest.firstIndex(of: ">"), rest[rest.index(after: end)...].hasPrefix("</a>") {
                result += rest[...end] + HTML.escape(filler)
                rest = rest[rest.index(after: end)...]
            }
        }
        return result + rest
    }

    private static func split(_ href: String) -> (path: String, fragment: String?) {
        guard let hash = href.firstIndex(of: "#") else { return (href, nil) }
        let fragment = String(href[href.index(after: hash)...])
        return (String(href[..<hash]), fragment.isEmpty ? nil : fragment)
    }
}
