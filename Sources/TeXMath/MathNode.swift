/// One MathML element in the tree the parser builds, with the TeX spacing class it stands for.
struct MathNode {
    /// TeX's atom classes, used for the few spacing rules MathML's operator dictionary does not cover.
    enum AtomClass {
        case ord, op, bin, rel, open, close, punct, inner
        /// Spacing and other nodes that are transparent to spacing rules.
        case none
    }

    /// Where a big operator's scripts go.
    enum Limits {
        /// Always beside the operator (`\int`, ordinary atoms).
        case never
        /// Under/over in display style, beside otherwise (`\sum`, `\lim`).
        case display
        /// Always under/over (`\limits`, `\underbrace`).
        case always
    }

    var tag: String
    var attributes: [(String, String)] = []
    /// Character content of a token element (`mi`, `mn`, `mo`, `mtext`); nil for containers.
    var text: String?
    var children: [MathNode] = []
    var atom: AtomClass = .ord
    var limits: Limits = .never
    /// A named operator set as an identifier (`\sin`, `\lim`) that needs explicit thin spaces.
    var isNamedOperator = false

    init(_ tag: String, _ attributes: [(String, String)] = [], text: String? = nil,
         children: [MathNode] = [], atom: AtomClass = .ord) {
        self.tag = tag
        self.attributes = attributes
        self.text = text
        self.children = children
        self.atom = atom
    }

    static func row(_ children: [MathNode], atom: AtomClass = .ord) -> MathNode {
        MathNode("mrow", children: children, atom: atom)
    }

    /// A row unless it holds exactly one node, which is returned as is.
    static func grouped(_ children: [MathNode]) -> MathNode {
        if children.count == 1 { return children[0] }
        return row(children)
    }

    static func space(_ width: String) -> MathNode {
        if width.hasPrefix("-") {
            return MathNode("mspace", [("style", "margin-left:\(width)")], atom: .none)
        }
        return MathNode("mspace", [("width", width)], atom: .none)
    }

    static func error(_ text: String) -> MathNode {
        MathNode("merror", children: [MathNode("mtext", text: text)])
    }

    func attribute(_ name: String) -> String? {
        attributes.first { $0.0 == name }?.1
    }

    mutating func setAttribute(_ name: String, _ value: String) {
        if let i = attributes.firstIndex(where: { $0.0 == name }) {
            attributes[i].1 = value
        } else {
            attributes.append((name, value))
        }
    }

    /// Deepest element nesting written; deeper subtrees become `…` (HTML parsers flatten very deep trees).
    static let maxWriteDepth = 240

    /// Appends this element as HTML-escaped markup; sets `truncated` if a subtree was cut at `maxWriteDepth`.
    func write(to out: inout String, depth: Int = 0, truncated: inout Bool) {
        if depth >= MathNode.maxWriteDepth {
            out += "<mtext>…</mtext>"
            truncated = true
            return
        }
        out += "<"
        out += tag
        for (name, value) in attributes {
            out += " "
            out += name
            out += "=\""
            MathNode.escape(value, into: &out)
            out += "\""
        }
        if text == nil && children.isEmpty && MathNode.voidTags.contains(tag) {
            out += "/>"
            return
        }
        out += ">"
        if let text {
            MathNode.escape(text, into: &out)
        }
        for child in children {
            child.write(to: &out, depth: depth + 1, truncated: &truncated)
        }
        out += "</"
        out += tag
        out += ">"
    }

    private static let voidTags: Set<String> = ["mspace"]

    /// Escapes text for HTML content or a quoted attribute; control characters become U+FFFD.
    static func escape(_ text: String, into out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || (v >= 0x7F && v < 0xA0) || (v >= 0xFDD0 && v <= 0xFDEF) || (v & 0xFFFE) == 0xFFFE {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
    }
}
