import Foundation

/// What nbrun reads back from the PDF Chromium printed: on which sheet each linked-to id sits.
///
/// Chromium (Skia) writes a named destination for every element a link of the page points to —
/// the catalog's `/Dests` dictionary, `/name [pageRef /XYZ x y zoom]` — and its page tree as
/// plain dictionaries, so the sheet of each chapter (the contents link to each) is found without
/// a PDF library: the page tree gives each page object its number, the destinations give each id
/// its page object. A PDF laid out differently gives no numbers, and the contents go without them.
enum CoursePDF {
    static let file = "course.pdf"

    /// The 1-based sheet of every named destination: id → page number.
    static func firstPages(of pdf: Data) -> [String: Int] {
        let text = String(decoding: pdf, as: Unicode.ASCII.self)
        guard let catalog = object(containing: "/Type /Catalog", in: text),
              let pagesRoot = reference(after: "/Pages", in: catalog),
              let destsObject = reference(after: "/Dests", in: catalog),
              let dests = object(number: destsObject, in: text) else { return [:] }
        var order: [Int] = []
        var visiting: Set<Int> = []
        func flatten(_ number: Int) {
            guard visiting.insert(number).inserted, let node = object(number: number, in: text) else { return }
            if node.contains("/Type /Pages"), let kids = node.range(of: "/Kids") {
                for kid in references(in: node[kids.upperBound...].prefix { $0 != "]" }) { flatten(kid) }
            } else {
                order.append(number)
            }
        }
        flatten(pagesRoot)
        let pageNumber = Dictionary(order.enumerated().map { ($1, $0 + 1) }) { first, _ in first }
        var result: [String: Int] = [:]
        var rest = dests[...]
        while let slash = rest.firstIndex(of: "/") {
            rest = rest[rest.index(after: slash)...]
            let name = rest.prefix { !$0.isWhitespace && !"[/<(".contains($0) }
            rest = rest[name.endIndex...]
            let value = rest.drop { $0.isWhitespace }
            guard value.hasPrefix("["), let close = value.firstIndex(of: "]") else { continue }
            if let page = references(in: value[value.index(after: value.startIndex)..<close]).first, let number = pageNumber[page] {
                result[decodeName(name)] = number
            }
            rest = value[close...]
        }
        return result
    }

    /// The text of object `number` (`N 0 obj … endobj`).
    private static func object(number: Int, in text: String) -> Substring? {
        for marker in ["\n\(number) 0 obj", "\r\(number) 0 obj"] {
            if let start = text.range(of: marker), let end = text.range(of: "endobj", range: start.upperBound..<text.endIndex) {
                return text[start.upperBound..<end.lowerBound]
            }
        }
        return nil
    }

    /// The first object whose dictionary holds `key`.
    private static func object(containing key: String, in text: String) -> Substring? {
        guard let hit = text.range(of: key),
              let start = text.range(of: " 0 obj", options: .backwards, range: text.startIndex..<hit.lowerBound),
              let end = text.range(of: "endobj", range: hit.upperBound..<text.endIndex) else { return nil }
        return text[start.upperBound..<end.lowerBound]
    }

    /// The object number of the reference after `key` (`/Pages 16 0 R` → 16).
    private static func reference(after key: String, in dictionary: Substring) -> Int? {
        var rest = dictionary[...]
        while let hit = rest.range(of: key) {
            rest = rest[hit.upperBound...]
            // `/Pages` must not be the start of a longer name (`/PagesX`).
            guard let next = rest.first, next.isWhitespace else { continue }
            return references(in: rest.prefix(24)).first
        }
        return nil
    }

    /// Every `N G R` reference in `text`, in order.
    private static func references(in text: Substring) -> [Int] {
        let words = text.split(whereSeparator: { $0.isWhitespace || "[]<>/".contains($0) })
        var numbers: [Int] = []
        var index = 0
        while index + 2 < words.count {
            if words[index + 2] == "R", let number = Int(words[index]), Int(words[index + 1]) != nil {
                numbers.append(number)
                index += 3
            } else {
                index += 1
            }
        }
        return numbers
    }

    /// A PDF name with its `#XX` escapes decoded (`b#2Fx` → `b/x`), as UTF-8.
    static func decodeName(_ name: Substring) -> String {
        var bytes: [UInt8] = []
        var index = name.startIndex
        while index < name.endIndex {
            if name[index] == "#", let end = name.index(index, offsetBy: 3, limitedBy: name.endIndex),
               let byte = UInt8(name[name.index(after: index)..<end], radix: 16) {
                bytes.append(byte)
                index = end
            } else {
                bytes += Array(String(name[index]).utf8)
                index = name.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
