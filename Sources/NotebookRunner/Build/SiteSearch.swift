import Foundation

/// Search that works offline: the index of every section's text is written into the search page
/// itself as a script (no `fetch`, which a browser refuses from `file://`), and a small script of
/// ours, allowed by its hash in the page's policy, lists the sections holding every word of the
/// query (`?q=`), each with the sentence that matches and a link to the section.
enum SiteSearch {
    /// One searchable section: where it is, its heading, its text.
    struct Section: Codable, Hashable {
        /// The link from the site's root: `ch1/sgd.html#momentum`.
        var href: String
        /// "Page title › Section heading".
        var title: String
        var text: String
    }

    /// The sections of a page's body (`path` is its output path): the text before the first
    /// `<h2>` under the page's title, then one section per `<h2>`/`<h3>` with an `id`.
    static func sections(ofBody body: String, path: String, title: String) -> [Section] {
        var sections: [Section] = []
        var current = Section(href: path, title: title, text: "")
        var text = ""
        var index = body.startIndex
        func flush() {
            current.text = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if !current.text.isEmpty { sections.append(current) }
            text = ""
        }
        let skipped = ["math", "style", "script", "svg", "header", "nav", "footer", "annotation"]
        while index < body.endIndex {
            guard body[index] == "<" else {
                let next = body[index...].firstIndex(of: "<") ?? body.endIndex
                text += HTML.unescape(String(body[index..<next]))
                index = next
                continue
            }
            guard let close = body[index...].firstIndex(of: ">") else { break }
            let tag = body[body.index(after: index)..<close]
            let name = String(tag.prefix { $0.isLetter || $0.isNumber }).lowercased()
            index = body.index(after: close)
            if skipped.contains(name), !tag.hasSuffix("/") {
                // Leave out the element with what it holds (a formula's annotation, the page's own header).
                var depth = 1
                // (Searched in Swift: Foundation's range(of:) copies the rest of the page on every call.)
                while depth > 0, let open = body[index...].firstIndex(of: "<") {
                    let after = body.index(after: open)
                    let start = body[after...].prefix(name.count + 1).lowercased()
                    if start.hasPrefix("/" + name) { depth -= 1 } else if start.hasPrefix(name) { depth += 1 }
                    index = body[after...].firstIndex(of: ">").map { body.index(after: $0) } ?? body.endIndex
                }
                text += " "
                continue
            }
            if (name == "h2" || name == "h3"), let id = attribute("id", in: tag) {
                flush()
                let end = body[index...].firstRange(of: "</\(name)>")?.lowerBound ?? index
                let heading = HTML.unescape(String(body[index..<end]).replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression))
                current = Section(href: path + "#" + id, title: title + " › " + heading.split(whereSeparator: \.isWhitespace).joined(separator: " "), text: "")
            }
            if ["p", "li", "div", "section", "td", "th", "br", "pre", "h1", "h2", "h3", "h4", "tr", "figcaption"].contains(name) { text += " " }
        }
        flush()
        return sections
    }

    private static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let range = tag.range(of: " \(name)=\"") else { return nil }
        let value = tag[range.upperBound...].prefix { $0 != "\"" }
        return value.isEmpty ? nil : HTML.unescape(String(value))
    }

    /// The base64 SHA-256 of a script, as a policy names it (`'sha256-…'`).
    static func hash(_ script: String) -> String {
        var digest = SHA256()
        digest.update(script)
        return Data(digest.finalize()).base64EncodedString()
    }

    /// The search page's script: the index (JSON, with `<` escaped so no text ends the script)
    /// and the code that reads `?q=` and lists the matches with DOM calls (no HTML is parsed).
    static func script(_ sections: [Section], root: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: (try? encoder.encode(sections)) ?? Data("[]".utf8), as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
        return """
        "use strict";
        const NBRUN_INDEX = \(json);
        (function () {
          const query = (new URLSearchParams(location.search).get("q") || "").trim();
          const input = document.getElementById("nb-search-query");
          const list = document.getElementById("nb-search-results");
          const status = document.getElementById("nb-search-status");
          input.value = query;
          const words = query.toLowerCase().split(/\\s+/).filter(w => w.length > 0);
          if (words.length === 0) { status.textContent = status.dataset.empty; return; }
          const hits = [];
          for (const section of NBRUN_INDEX) {
            const lower = section.text.toLowerCase();
            if (!words.every(w => lower.includes(w))) continue;
            const sentences = section.text.split(/(?<=[.!?。！？])\\s+/);
            const sentence = sentences.find(s => s.toLowerCase().includes(words[0])) || sentences[0];
            let score = 0;
            for (const w of words) { let at = lower.indexOf(w); while (at >= 0) { score++; at = lower.indexOf(w, at + w.length); } }
            if (section.title.toLowerCase().includes(words[0])) score += 10;
            hits.push({ section, sentence, score });
          }
          hits.sort((a, b) => b.score - a.score);
          status.textContent = hits.length + " " + (hits.length === 1 ? status.dataset.one : status.dataset.many);
          for (const hit of hits.slice(0, 50)) {
            const item = document.createElement("li");
            const link = document.createElement("a");
            link.href = "\(root)" + hit.section.href;
            link.textContent = hit.section.title;
            item.appendChild(link);
            const text = document.createElement("p");
            const lower = hit.sentence.toLowerCase();
            let at = 0;
            while (at < hit.sentence.length) {
              let next = -1, word = "";
              for (const w of words) { const i = lower.indexOf(w, at); if (i >= 0 && (next < 0 || i < next)) { next = i; word = w; } }
              if (next < 0) { text.appendChild(document.createTextNode(hit.sentence.slice(at))); break; }
              text.appendChild(document.createTextNode(hit.sentence.slice(at, next)));
              const mark = document.createElement("mark");
              mark.textContent = hit.sentence.slice(next, next + word.length);
              text.appendChild(mark);
              at = next + word.length;
            }
            item.appendChild(text);
            list.appendChild(item);
          }
        })();
        """
    }

    /// The search page's body (the script fills the list).
    static func body(strings: SiteStrings) -> String {
        let chinese = strings.chinese
        return """
        <header class="nb-header"><h1>\(strings.search)</h1></header>
        <main>
        <form action="" role="search" class="nb-search"><input type="search" name="q" id="nb-search-query" aria-label="\(strings.searchCourse)"><button type="submit">\(strings.search)</button></form>
        <p id="nb-search-status" data-empty="\(chinese ? "输入要查找的词。" : "Type the words to look for.")" data-one="\(chinese ? "个结果" : "section")" data-many="\(chinese ? "个结果" : "sections")"><noscript>\(chinese ? "搜索需要 JavaScript；目录无需。" : "Search needs JavaScript; the contents do not.")</noscript></p>
        <ol class="nb-results" id="nb-search-results"></ol>
        </main>

        """
    }
}
