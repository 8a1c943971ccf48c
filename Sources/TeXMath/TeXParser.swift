/// Recursive-descent parser from TeX math tokens to a MathML tree.
///
/// It never fails: bad input becomes `<merror>` nodes plus warnings, recursion is capped at
/// `maxDepth` nesting levels, and every loop consumes at least one token, so time stays linear.
final class TeXParser {
    /// Where `parseList` stops: the caller consumes the terminator.
    struct Stops: OptionSet {
        let rawValue: UInt8
        static let brace = Stops(rawValue: 1)
        static let bracket = Stops(rawValue: 2)
        static let right = Stops(rawValue: 4)
        static let table = Stops(rawValue: 8)
        static let end = Stops(rawValue: 16)
    }

    /// Nesting levels allowed; a braced group costs two (the atom and its list).
    static let maxDepth = 200

    let tokens: [TeXToken]
    var pos = 0
    var warnings: [MathWarning] = []
    /// Whether the current style is display style (limits go under/over).
    var display: Bool
    /// Alphabet selected by `\mathbf` and friends, if any.
    var alphabet: MathAlphabet?
    /// Read the next atom as a single token (arguments like `\frac12`, scripts like `x^12`).
    var singleToken = false
    /// The `\tag` of the row being parsed.
    var pendingTag: String?
    /// Set once a table with a `\tag` is built: the `<math>` element must then be positioned.
    var hasTaggedRows = false
    private var depth = 0
    private var reportedDepth = false

    init(tokens: [TeXToken], display: Bool) {
        self.tokens = tokens
        self.display = display
    }

    var current: TeXToken { tokens[pos] }

    func warn(_ message: String, at offset: Int) {
        warnings.append(MathWarning(message: message, offset: offset))
    }

    func skipSpaces() {
        while case .space = tokens[pos].kind { pos += 1 }
    }

    // MARK: - Depth guard

    /// Enters one nesting level; false (after one warning) when the cap is reached.
    func enter() -> Bool {
        if depth >= TeXParser.maxDepth {
            if !reportedDepth {
                reportedDepth = true
                warn("formula nested too deeply (more than \(TeXParser.maxDepth / 2) groups)", at: current.offset)
            }
            return false
        }
        depth += 1
        return true
    }

    func leave() { depth -= 1 }

    /// Skips, without recursion, to the next terminator in `stops` outside any group.
    func skipToStop(_ stops: Stops) {
        var level = 0
        while true {
            let token = current
            switch token.kind {
            case .end: return
            case .beginGroup: level += 1
            case .endGroup:
                if level == 0 { if stops.contains(.brace) { return } } else { level -= 1 }
            case .alignment where level == 0 && stops.contains(.table): return
            case .command(let name) where level == 0:
                if stops.contains(.table), name == "\\" || name == "cr" { return }
                if stops.contains(.right), name == "right" || name == "middle" { return }
                if stops.contains(.end), name == "end" { return }
            case .char("]") where level == 0 && stops.contains(.bracket): return
            default: break
            }
            pos += 1
        }
    }

    /// Skips one token, or one balanced group, without recursion.
    func skipOneArgument() {
        if case .beginGroup = current.kind {
            pos += 1
            skipToStop(.brace)
            if case .endGroup = current.kind { pos += 1 }
        } else if case .end = current.kind {
            return
        } else {
            pos += 1
        }
    }

    // MARK: - Lists

    /// Parses atoms until a terminator in `stops` (left unconsumed) or the end of input.
    func parseList(_ stops: Stops) -> [MathNode] {
        guard enter() else {
            skipToStop(stops)
            return [MathNode.error("…")]
        }
        defer { leave() }
        var items: [MathNode] = []
        loop: while true {
            let token = current
            switch token.kind {
            case .end:
                break loop
            case .space:
                pos += 1
            case .endGroup:
                if stops.contains(.brace) { break loop }
                warn("unmatched }", at: token.offset)
                pos += 1
            case .alignment:
                if stops.contains(.table) { break loop }
                warn("& outside an alignment", at: token.offset)
                pos += 1
            case .char("]") where stops.contains(.bracket):
                break loop
            case .command(let name):
                if handleListCommand(name, token: token, stops: stops, items: &items) == .stop {
                    break loop
                }
            default:
                let atom = parseAtom()
                items.append(parseScripts(atom))
            }
        }
        return applySpacing(items)
    }

    enum ListAction { case stop, next }

    /// Commands that act on the list itself (terminators, style switches, `\over`, `\tag`).
    private func handleListCommand(_ name: String, token: TeXToken, stops: Stops,
                                   items: inout [MathNode]) -> ListAction {
        switch name {
        case "\\", "cr", "newline":
            if stops.contains(.table) { return .stop }
            warn("line break \\\(name) outside an alignment", at: token.offset)
            pos += 1
        case "right", "middle":
            if stops.contains(.right) { return .stop }
            warn("\\\(name) without \\left", at: token.offset)
            pos += 1
            _ = parseDelimiter(after: name, offset: token.offset)
        case "end":
            if stops.contains(.end) { return .stop }
            pos += 1
            let env = readRawGroup() ?? ""
            warn("\\end{\(env)} without \\begin", at: token.offset)
        case "displaystyle", "textstyle", "scriptstyle", "scriptscriptstyle":
            pos += 1
            let saved = display
            display = name == "displaystyle"
            let rest = parseList(stops)
            display = saved
            let level = name == "scriptstyle" ? "1" : name == "scriptscriptstyle" ? "2" : "0"
            items.append(MathNode("mstyle", [("displaystyle", name == "displaystyle" ? "true" : "false"),
                                             ("scriptlevel", level)], children: rest))
        case "rm", "bf", "it", "sf", "tt", "cal", "mit", "boldmath":
            pos += 1
            let saved = alphabet
            alphabet = [
                "rm": .upright, "bf": .bold, "it": .italic, "sf": .sansSerif, "tt": .monospace,
                "cal": .script, "boldmath": .boldItalic,
            ][name] ?? nil
            let rest = parseList(stops)
            alphabet = saved
            items.append(contentsOf: rest)
        case "color":
            pos += 1
            let color = readColor(offset: token.offset)
            let rest = parseList(stops)
            items.append(MathNode("mstyle", color.map { [("mathcolor", $0)] } ?? [], children: rest))
        case "over", "choose", "atop", "brack", "brace":
            pos += 1
            let numerator = MathNode.grouped(items)
            let denominator = MathNode.grouped(parseList(stops))
            var fraction = MathNode("mfrac", children: [numerator, denominator])
            if name != "over" { fraction.setAttribute("linethickness", "0") }
            let fences = ["choose": ("(", ")"), "brack": ("[", "]"), "brace": ("{", "}")][name]
            if let (open, close) = fences {
                items = [MathNode.row([fenceNode(open, form: "prefix"), fraction, fenceNode(close, form: "postfix")], atom: .inner)]
            } else {
                items = [fraction]
            }
        case "tag":
            pos += 1
            parseTag(offset: token.offset)
        case "notag", "nonumber", "hline", "hdashline", "allowbreak", "nobreak", "strut",
             "mathstrut", "limits", "nolimits", "displaylimits", "centering", "relax":
            pos += 1
        case "label":
            pos += 1
            _ = readRawGroup()
        default:
            let atom = parseAtom()
            items.append(parseScripts(atom))
        }
        return .next
    }

    func fenceNode(_ symbol: String, form: String) -> MathNode {
        MathNode("mo", [("fence", "true"), ("form", form), ("stretchy", "true")], text: symbol,
                 atom: form == "prefix" ? .open : .close)
    }

    private func parseTag(offset: Int) {
        var starred = false
        if case .char("*") = current.kind { starred = true; pos += 1 }
        skipSpaces()
        guard case .beginGroup = current.kind else {
            warn("missing argument for \\tag", at: offset)
            return
        }
        let text = parseTextGroup(offset: offset)
        if pendingTag != nil { warn("multiple \\tag in one line", at: offset) }
        pendingTag = starred ? text : "(\(text))"
    }

    // MARK: - Spacing

    /// Applies the TeX spacing rules MathML leaves out: unary minus, thin spaces around `\sin`, `\lim`.
    func applySpacing(_ items: [MathNode]) -> [MathNode] {
        var out: [MathNode] = []
        out.reserveCapacity(items.count)
        var previous: MathNode.AtomClass?
        var previousNamed = false
        for var node in items {
            if node.atom == .bin {
                switch previous {
                case nil, .bin?, .op?, .rel?, .open?, .punct?:
                    node.atom = .ord
                    if node.tag == "mo" { node.setAttribute("form", "prefix") }
                default: break
                }
            }
            if let previous, node.atom != .none {
                let thinBefore = node.isNamedOperator
                    && (previous == .ord || previous == .close || previous == .inner || (previous == .op && previousNamed))
                let thinAfter = previousNamed
                    && (node.atom == .ord || node.atom == .inner || (node.atom == .op && node.isNamedOperator))
                if thinBefore || thinAfter {
                    out.append(MathNode.space("0.1667em"))
                }
            }
            if node.atom != .none {
                previous = node.atom
                previousNamed = node.isNamedOperator
            }
            out.append(node)
        }
        return out
    }

    // MARK: - Scripts

    /// Attaches any following `^`, `_`, primes and `\limits` to `base`.
    func parseScripts(_ base: MathNode) -> MathNode {
        var sub: MathNode?
        var sup: MathNode?
        var primes = 0
        var limits = base.limits
        loop: while true {
            let token = current
            switch token.kind {
            case .space:
                pos += 1
            case .superscript:
                pos += 1
                if sup != nil { warn("double superscript", at: token.offset) }
                sup = parseScriptArgument(offset: token.offset)
            case .subscript:
                pos += 1
                if sub != nil { warn("double subscript", at: token.offset) }
                sub = parseScriptArgument(offset: token.offset)
            case .char("'"):
                pos += 1
                primes += 1
            case .command("limits"):
                pos += 1
                if base.atom == .op { limits = .always }
            case .command("nolimits"):
                pos += 1
                limits = .never
            case .command("displaylimits"):
                pos += 1
                limits = .display
            default:
                break loop
            }
        }
        var core = base
        if primes > 0 {
            // The font's prime is already raised: set at full size beside the base, it looks like TeX's f′.
            let marks = ["′", "″", "‴", "⁗"]
            let text = primes <= 4 ? marks[primes - 1] : String(repeating: "′", count: primes)
            let prime = MathNode("mo", [("lspace", "0"), ("rspace", "0")], text: text)
            core = MathNode.row([base, prime])
            core.atom = base.atom
            core.isNamedOperator = base.isNamedOperator
        }
        if sub == nil && sup == nil { return core }
        let under = limits == .always || (limits == .display && display)
        if core.tag == "mo", under {
            core.setAttribute("movablelimits", "false")
        }
        var result: MathNode
        switch (sub, sup) {
        case let (sub?, sup?):
            result = MathNode(under ? "munderover" : "msubsup", children: [core, sub, sup])
        case let (sub?, nil):
            result = MathNode(under ? "munder" : "msub", children: [core, sub])
        case let (nil, sup?):
            result = MathNode(under ? "mover" : "msup", children: [core, sup])
        default:
            return base
        }
        result.atom = base.atom
        result.isNamedOperator = base.isNamedOperator
        return result
    }

    private func parseScriptArgument(offset: Int) -> MathNode {
        let saved = display
        display = false
        defer { display = saved }
        return parseArgument(for: "^/_", offset: offset, scriptName: true)
    }

    // MARK: - Arguments

    /// Parses one macro argument: a braced group or a single token.
    func parseArgument(for command: String, offset: Int, scriptName: Bool = false) -> MathNode {
        skipSpaces()
        let token = current
        let missing: Bool
        switch token.kind {
        case .end, .endGroup, .alignment, .superscript, .subscript:
            missing = true
        case .command(let name):
            missing = ["\\", "right", "middle", "end", "cr"].contains(name)
        default:
            missing = false
        }
        if missing {
            warn(scriptName ? "missing script after ^ or _" : "missing argument for \\\(command)", at: offset)
            return MathNode.row([])
        }
        if case .beginGroup = token.kind { return parseAtom() }
        singleToken = true
        defer { singleToken = false }
        return parseAtom()
    }

    /// Reads the raw characters of a braced group (environment names, colours), or nil.
    func readRawGroup() -> String? {
        skipSpaces()
        guard case .beginGroup = current.kind else { return nil }
        pos += 1
        var text = ""
        while true {
            let token = current
            switch token.kind {
            case .char(let c): text.unicodeScalars.append(c)
            case .command(let name): text += "\\" + name
            case .space: text += " "
            case .endGroup:
                pos += 1
                return text
            case .end:
                return text
            default: break
            }
            pos += 1
        }
    }

    /// Reads a `{colour}` argument; only names and `#hex` values are passed through.
    func readColor(offset: Int) -> String? {
        guard let raw = readRawGroup() else {
            warn("missing colour for \\color", at: offset)
            return nil
        }
        let color = raw.trimmingSpaces()
        let valid = !color.isEmpty && color.unicodeScalars.allSatisfy {
            TeXTokenizer.isLetter($0) || ($0 >= "0" && $0 <= "9") || $0 == "#"
        }
        if !valid {
            warn("invalid colour \(color)", at: offset)
            return nil
        }
        return color
    }

    /// Parses a `{text}` group in text mode (spaces kept, a few escapes), returning plain text.
    func parseTextGroup(offset: Int) -> String {
        var text = ""
        skipSpaces()
        guard case .beginGroup = current.kind else {
            // A single token argument, as in `\text x`.
            let token = current
            switch token.kind {
            case .char(let c): text.unicodeScalars.append(c); pos += 1
            case .command(let name):
                pos += 1
                text += SymbolTable.textSymbol(name) ?? "\\" + name
            default: warn("missing text argument", at: offset)
            }
            return text
        }
        let open = current.offset
        pos += 1
        var level = 0
        while true {
            let token = current
            switch token.kind {
            case .char("~"): text += "\u{A0}"
            case .char(let c): text.unicodeScalars.append(c)
            case .space: text += " "
            case .superscript: text += "^"
            case .subscript: text += "_"
            case .alignment: text += "&"
            case .beginGroup: level += 1
            case .endGroup:
                if level == 0 {
                    pos += 1
                    return text
                }
                level -= 1
            case .end:
                warn("missing } to close the text", at: open)
                return text
            case .command(let name):
                if let symbol = SymbolTable.textSymbol(name) {
                    text += symbol
                } else if ["textbf", "textit", "textrm", "textsf", "texttt", "text", "emph", "mbox"].contains(name) {
                    // Style switches inside text keep their content plain.
                } else {
                    warn("unknown command \\\(name) in text", at: token.offset)
                    text += "\\" + name
                }
            }
            pos += 1
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, TeXTokenizer.isSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, TeXTokenizer.isSpace(last) { scalars.removeLast() }
        return String(scalars)
    }
}
