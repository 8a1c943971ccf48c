extension TeXParser {
    /// Parses one atom (character, group or command) without its scripts.
    func parseAtom() -> MathNode {
        guard enter() else {
            skipOneArgument()
            return MathNode.error("…")
        }
        defer { leave() }
        let token = current
        switch token.kind {
        case .beginGroup:
            pos += 1
            let saved = singleToken
            singleToken = false
            let items = parseList(.brace)
            singleToken = saved
            if case .endGroup = current.kind {
                pos += 1
            } else {
                warn("missing } for the { here", at: token.offset)
            }
            var node = MathNode.grouped(items)
            if items.count != 1 || node.atom == .bin || node.atom == .rel || node.atom == .punct {
                if items.count == 1 { node = MathNode.row(items) }
                node.atom = .ord
            }
            return node
        case .superscript, .subscript:
            return MathNode.row([])
        case .char(let c):
            return parseCharacter(c)
        case .command(let name):
            pos += 1
            return parseCommand(name, offset: token.offset)
        case .space, .endGroup, .alignment:
            pos += 1
            return MathNode.row([])
        case .end:
            return MathNode.row([])
        }
    }

    // MARK: - Characters

    private static let digits: ClosedRange<Unicode.Scalar> = "0"..."9"

    func parseCharacter(_ c: Unicode.Scalar) -> MathNode {
        pos += 1
        if TeXParser.digits.contains(c) || (c == "." && nextIsDigit()) {
            var number = String.UnicodeScalarView()
            number.append(c)
            if !singleToken {
                while case .char(let d) = current.kind,
                      TeXParser.digits.contains(d) || (d == "." && !number.contains(".") && nextIsDigit(after: 1)) {
                    number.append(d)
                    pos += 1
                }
            }
            return MathNode("mn", text: styled(String(number)))
        }
        if TeXTokenizer.isLetter(c) {
            if alphabet == .upright {
                var word = String.UnicodeScalarView()
                word.append(c)
                if !singleToken {
                    while case .char(let d) = current.kind, TeXTokenizer.isLetter(d) {
                        word.append(d)
                        pos += 1
                    }
                }
                return identifier(String(word), upright: true)
            }
            return identifier(styled(String(Character(c))), upright: false)
        }
        switch c {
        case "+": return MathNode("mo", text: "+", atom: .bin)
        case "-": return MathNode("mo", text: "−", atom: .bin)
        case "*": return MathNode("mo", text: "∗", atom: .bin)
        case "=", "<", ">": return MathNode("mo", text: String(Character(c)), atom: .rel)
        case ":": return MathNode("mo", text: ":", atom: .rel)
        case ",", ";": return MathNode("mo", text: String(Character(c)), atom: .punct)
        case "!", "?": return MathNode("mo", text: String(Character(c)), atom: .close)
        case "(", "[": return MathNode("mo", [("stretchy", "false")], text: String(Character(c)), atom: .open)
        case ")", "]": return MathNode("mo", [("stretchy", "false")], text: String(Character(c)), atom: .close)
        case "|": return MathNode("mo", [("stretchy", "false"), ("lspace", "0"), ("rspace", "0")], text: "|", atom: .ord)
        case "/": return MathNode("mo", [("lspace", "0"), ("rspace", "0")], text: "/", atom: .ord)
        case ".": return MathNode("mo", [("lspace", "0"), ("rspace", "0")], text: ".", atom: .ord)
        case "~": return MathNode("mtext", text: "\u{A0}", atom: .none)
        case "'": return MathNode("mo", text: "′", atom: .ord)
        case "\"", "@", "#", "$", "`": return MathNode("mi", text: String(Character(c)))
        default:
            if c.properties.isAlphabetic {
                if c.properties.isIdeographic || (c.value >= 0x3040 && c.value <= 0x30FF) || (c.value >= 0xAC00 && c.value <= 0xD7AF) {
                    return MathNode("mtext", text: String(Character(c)))
                }
                return MathNode("mi", text: styled(String(Character(c))))
            }
            if c.properties.numericType != nil {
                return MathNode("mn", text: String(Character(c)))
            }
            return MathNode("mo", text: String(Character(c)))
        }
    }

    /// Whether the token `distance` after the current one is a digit.
    private func nextIsDigit(after distance: Int = 0) -> Bool {
        if pos + distance < tokens.count, case .char(let d) = tokens[pos + distance].kind { return TeXParser.digits.contains(d) }
        return false
    }

    /// Applies the current alphabet to letters and digits.
    func styled(_ text: String) -> String {
        guard let alphabet, alphabet != .upright else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(alphabet.map(scalar) ?? scalar)
        }
        return String(out)
    }

    /// An `mi`; one-character names set upright get `mathvariant="normal"`.
    func identifier(_ text: String, upright: Bool) -> MathNode {
        if upright && text.unicodeScalars.count == 1 {
            return MathNode("mi", [("mathvariant", "normal")], text: text)
        }
        return MathNode("mi", text: text)
    }

    // MARK: - Commands

    func parseCommand(_ name: String, offset: Int) -> MathNode {
        if let letter = SymbolTable.greekLower[name] {
            return greek(letter, upper: false)
        }
        if let letter = SymbolTable.greekUpper[name] {
            return greek(letter, upper: true)
        }
        if let symbol = SymbolTable.ordinary[name] {
            return identifier(styled(symbol), upright: true)
        }
        if let (symbol, atom) = SymbolTable.operators[name] {
            var node = MathNode("mo", text: symbol, atom: atom)
            if atom == .open || atom == .close || symbol == "|" || symbol == "‖" {
                node.setAttribute("stretchy", "false")
            }
            if symbol == "|" || symbol == "‖" {
                // The operator dictionary would space a bar in the middle of a row like a relation.
                switch atom {
                case .open: node.setAttribute("form", "prefix")
                case .close: node.setAttribute("form", "postfix")
                default: node.attributes += [("lspace", "0"), ("rspace", "0")]
                }
            }
            return node
        }
        if let (symbol, limits) = SymbolTable.largeOperators[name] {
            var node = MathNode("mo", text: symbol, atom: .op)
            node.limits = limits
            return node
        }
        if let (text, limits) = SymbolTable.namedOperators[name] {
            return namedOperator(text, limits: limits)
        }
        if let width = SymbolTable.spaces[name] {
            return MathNode.space(width)
        }
        if let (mark, stretchy) = SymbolTable.accents[name] {
            return accent(mark, stretchy: stretchy, command: name, offset: offset)
        }
        if let alphabet = TeXParser.fontCommands[name] {
            return withAlphabet(alphabet, command: name, offset: offset)
        }
        switch name {
        case "frac", "dfrac", "tfrac", "cfrac", "binom", "dbinom", "tbinom":
            return fraction(name, offset: offset)
        case "sqrt":
            return squareRoot(offset: offset)
        case "left":
            return leftRight(offset: offset)
        case "big", "Big", "bigg", "Bigg", "bigl", "Bigl", "biggl", "Biggl",
             "bigr", "Bigr", "biggr", "Biggr", "bigm", "Bigm", "biggm", "Biggm":
            return bigDelimiter(name, offset: offset)
        case "text", "textrm", "textnormal", "mbox", "hbox", "textup", "textbf", "textit", "textsf",
             "texttt", "emph", "textmd":
            return text(name, offset: offset)
        case "operatorname":
            var starred = false
            if case .char("*") = current.kind { starred = true; pos += 1 }
            let text = parseTextGroup(offset: offset).trimmingSpaces()
            return namedOperator(text, limits: starred ? .display : .never)
        case "mathop":
            var node = parseArgument(for: name, offset: offset)
            if node.tag == "mi" || node.tag == "mtext" || node.tag == "mrow" { node.isNamedOperator = node.tag != "mrow" }
            node.atom = .op
            node.limits = .display
            return node
        case "mathrel", "mathbin", "mathord", "mathopen", "mathclose", "mathpunct", "mathinner":
            var node = parseArgument(for: name, offset: offset)
            let classes: [String: MathNode.AtomClass] = [
                "mathrel": .rel, "mathbin": .bin, "mathord": .ord, "mathopen": .open,
                "mathclose": .close, "mathpunct": .punct, "mathinner": .inner,
            ]
            node.atom = classes[name] ?? .ord
            return node
        case "overline", "underline":
            // Latin Modern Math has no stretchy overline glyph that Chromium uses; a border is exact.
            let base = parseArgument(for: name, offset: offset)
            let style = name == "overline" ? "border-top:0.06em solid;padding-top:0.08em"
                : "border-bottom:0.06em solid;padding-bottom:0.08em"
            return MathNode("mrow", [("style", style)], children: [base])
        case "overbrace", "underbrace", "overbracket", "underbracket":
            let base = parseArgument(for: name, offset: offset)
            let over = name.hasPrefix("over")
            let symbol = ["overbrace": "⏞", "underbrace": "⏟", "overbracket": "⎴", "underbracket": "⎵"][name] ?? "⏞"
            let brace = MathNode("mo", [("stretchy", "true")], text: symbol)
            var node = MathNode(over ? "mover" : "munder", children: [base, brace])
            node.limits = .always
            return node
        case "overset", "underset", "stackrel":
            let script = scriptStyle { parseArgument(for: name, offset: offset) }
            let base = parseArgument(for: name, offset: offset)
            var node = MathNode(name == "underset" ? "munder" : "mover", children: [base, script])
            node.atom = base.atom == .rel || name == "stackrel" ? .rel : base.atom
            return node
        case "xrightarrow", "xleftarrow", "xRightarrow", "xLeftarrow", "xleftrightarrow", "xmapsto":
            return extensibleArrow(name, offset: offset)
        case "not":
            return negation(offset: offset)
        case "boxed", "fbox":
            let content = name == "fbox" ? text("fbox", offset: offset) : parseArgument(for: name, offset: offset)
            return MathNode("mrow", [("style", "border:0.06em solid;padding:0.2em 0.3em")], children: [content])
        case "smash":
            return smash(offset: offset)
        case "TeX", "LaTeX":
            return logo(name)
        case "phantom", "vphantom", "hphantom":
            let content = parseArgument(for: name, offset: offset)
            return MathNode("mphantom", children: [content], atom: .ord)
        case "textcolor":
            let color = readColor(offset: offset)
            let content = parseArgument(for: name, offset: offset)
            return MathNode("mstyle", color.map { [("mathcolor", $0)] } ?? [], children: [content])
        case "hspace", "kern", "mkern", "mspace", "hskip":
            return explicitSpace(name, offset: offset)
        case "mod", "bmod", "pmod", "pod":
            return modulo(name, offset: offset)
        case "begin":
            return environment(offset: offset)
        case "substack":
            return substack(offset: offset)
        case "":
            warn("stray \\ at the end", at: offset)
            return MathNode.error("\\")
        default:
            warn("unknown command \\\(name)", at: offset)
            return MathNode.error("\\" + name)
        }
    }

    /// `\smash{x}`: `x` with no height and depth (`[t]`: no height, `[b]`: no depth).
    private func smash(offset: Int) -> MathNode {
        var edge = "tb"
        skipSpaces()
        if case .char("[") = current.kind {
            pos += 1
            var option = ""
            while case .char(let c) = current.kind, c != "]" {
                option.unicodeScalars.append(c)
                pos += 1
            }
            if case .char("]") = current.kind { pos += 1 } else { warn("missing ] after \\smash[", at: offset) }
            edge = option.trimmingSpaces()
            if edge != "t" && edge != "b" && edge != "tb" && edge != "bt" {
                warn("\\smash takes [t] or [b], not [\(edge)]", at: offset)
                edge = "tb"
            }
        }
        let content = parseArgument(for: "smash", offset: offset)
        var attributes: [(String, String)] = []
        if edge.contains("t") { attributes.append(("height", "0")) }
        if edge.contains("b") { attributes.append(("depth", "0")) }
        return MathNode("mpadded", attributes, children: [content])
    }

    /// The TeX and LaTeX logos, kerned and with the lowered E (and the raised small A) of `\TeX` and `\LaTeX`.
    private func logo(_ name: String) -> MathNode {
        func letter(_ text: String) -> MathNode { MathNode("mi", [("mathvariant", "normal")], text: text) }
        var parts: [MathNode] = []
        if name == "LaTeX" {
            let a = MathNode("mstyle", [("scriptlevel", "1"), ("displaystyle", "false")], children: [letter("A")])
            parts += [letter("L"), MathNode.space("-0.36em"), MathNode("mpadded", [("voffset", "0.21em")], children: [a]),
                      MathNode.space("-0.15em")]
        }
        parts += [letter("T"), MathNode.space("-0.1667em"), MathNode("mpadded", [("voffset", "-0.5ex")], children: [letter("E")]),
                  MathNode.space("-0.125em"), letter("X")]
        return MathNode.row(parts)
    }

    static let fontCommands: [String: MathAlphabet] = [
        "mathbf": .bold, "mathrm": .upright, "mathit": .italic, "mathbb": .doubleStruck,
        "mathcal": .script, "mathscr": .script, "mathfrak": .fraktur, "mathsf": .sansSerif,
        "mathtt": .monospace, "boldsymbol": .boldItalic, "bm": .boldItalic, "pmb": .boldItalic,
        "mathbfit": .boldItalic, "mathnormal": .italic, "Bbb": .doubleStruck, "mathbfcal": .boldScript,
    ]

    private func greek(_ letter: String, upper: Bool) -> MathNode {
        if let alphabet, alphabet != .upright {
            var chosen = alphabet
            if upper && alphabet == .boldItalic { chosen = .bold }
            if !upper && alphabet == .bold { chosen = .boldItalic }
            if let scalar = letter.unicodeScalars.first, let mapped = chosen.map(scalar) {
                return MathNode("mi", text: String(Character(mapped)))
            }
        }
        return identifier(letter, upright: upper || alphabet == .upright)
    }

    func namedOperator(_ text: String, limits: MathNode.Limits) -> MathNode {
        var node = MathNode("mi", text: text, atom: .op)
        if text.unicodeScalars.count == 1 { node.setAttribute("mathvariant", "normal") }
        node.limits = limits
        node.isNamedOperator = true
        return node
    }

    func scriptStyle(_ body: () -> MathNode) -> MathNode {
        let saved = display
        display = false
        defer { display = saved }
        return body()
    }

    private func withAlphabet(_ alphabet: MathAlphabet, command: String, offset: Int) -> MathNode {
        let saved = self.alphabet
        self.alphabet = alphabet
        defer { self.alphabet = saved }
        return parseArgument(for: command, offset: offset)
    }

    // MARK: - Fractions and roots

    private func fraction(_ name: String, offset: Int) -> MathNode {
        let saved = display
        let style: Bool?
        switch name {
        case "dfrac", "dbinom", "cfrac": style = true
        case "tfrac", "tbinom": style = false
        default: style = nil
        }
        display = false
        if style == true { display = true }
        var numerator = parseArgument(for: name, offset: offset)
        var denominator = parseArgument(for: name, offset: offset)
        display = saved
        var attributes: [(String, String)] = []
        if name.hasSuffix("binom") { attributes.append(("linethickness", "0")) }
        if let style {
            attributes.append(("displaystyle", style ? "true" : "false"))
            if style {
                numerator = MathNode("mstyle", [("displaystyle", "true"), ("scriptlevel", "0")], children: [numerator])
                denominator = MathNode("mstyle", [("displaystyle", "true"), ("scriptlevel", "0")], children: [denominator])
            }
        }
        let node = MathNode("mfrac", attributes, children: [numerator, denominator])
        if name.hasSuffix("binom") {
            return MathNode.row([fenceNode("(", form: "prefix"), node, fenceNode(")", form: "postfix")], atom: .inner)
        }
        return node
    }

    private func squareRoot(offset: Int) -> MathNode {
        skipSpaces()
        if case .char("[") = current.kind {
            let open = current.offset
            pos += 1
            let index = scriptStyle { MathNode.grouped(parseList(.bracket)) }
            if case .char("]") = current.kind {
                pos += 1
            } else {
                warn("missing ] for \\sqrt", at: open)
            }
            let radicand = parseArgument(for: "sqrt", offset: offset)
            return MathNode("mroot", children: [radicand, index])
        }
        let radicand = parseArgument(for: "sqrt", offset: offset)
        return MathNode("msqrt", children: [radicand])
    }

    // MARK: - Delimiters

    /// Reads the delimiter after `\left`, `\right`, `\big`…: its character, "" for `.`, nil if missing.
    func parseDelimiter(after command: String, offset: Int) -> String? {
        skipSpaces()
        let token = current
        switch token.kind {
        case .char(let c):
            pos += 1
            switch c {
            case ".": return ""
            case "(", ")", "[", "]", "|", "/", "<", ">":
                return c == "<" ? "⟨" : c == ">" ? "⟩" : String(Character(c))
            default:
                warn("\(String(Character(c))) is not a delimiter after \\\(command)", at: token.offset)
                return String(Character(c))
            }
        case .command(let name):
            if let symbol = SymbolTable.delimiters[name] {
                pos += 1
                return symbol
            }
            warn("\\\(name) is not a delimiter after \\\(command)", at: token.offset)
            if name == "right" || name == "end" || name == "\\" { return nil }
            pos += 1
            return nil
        default:
            warn("missing delimiter after \\\(command)", at: offset)
            return nil
        }
    }

    private func leftRight(offset: Int) -> MathNode {
        var children: [MathNode] = []
        if let open = parseDelimiter(after: "left", offset: offset), !open.isEmpty {
            children.append(fenceNode(open, form: "prefix"))
        }
        while true {
            children.append(contentsOf: parseList(.right))
            let token = current
            if case .command("middle") = token.kind {
                pos += 1
                if let middle = parseDelimiter(after: "middle", offset: token.offset), !middle.isEmpty {
                    children.append(MathNode("mo", [("fence", "true"), ("stretchy", "true"),
                                                     ("lspace", "0.05em"), ("rspace", "0.05em")],
                                             text: middle, atom: .rel))
                }
                continue
            }
            if case .command("right") = token.kind {
                pos += 1
                if let close = parseDelimiter(after: "right", offset: token.offset), !close.isEmpty {
                    children.append(fenceNode(close, form: "postfix"))
                }
            } else {
                warn("missing \\right for the \\left here", at: offset)
            }
            break
        }
        return MathNode.row(children, atom: .inner)
    }

    private func bigDelimiter(_ name: String, offset: Int) -> MathNode {
        let sizes = ["big": "1.2em", "Big": "1.623em", "bigg": "2.047em", "Bigg": "2.470em"]
        var base = name
        var atom = MathNode.AtomClass.ord
        if let last = name.last, "lrm".contains(last) {
            base = String(name.dropLast())
            atom = last == "l" ? .open : last == "r" ? .close : .rel
        }
        let size = sizes[base] ?? "1.2em"
        guard let symbol = parseDelimiter(after: name, offset: offset) else { return MathNode.row([]) }
        if symbol.isEmpty { return MathNode.space("0.1em") }
        return MathNode("mo", [("fence", "false"), ("stretchy", "true"), ("symmetric", "true"),
                               ("minsize", size), ("maxsize", size)], text: symbol, atom: atom)
    }

    // MARK: - Text, accents and friends

    func text(_ name: String, offset: Int) -> MathNode {
        let content = parseTextGroup(offset: offset)
        let visible = content.replacingSpaces()
        var attributes: [(String, String)] = []
        switch name {
        case "textbf": attributes.append(("style", "font-weight:bold"))
        case "textit", "emph": attributes.append(("style", "font-style:italic"))
        case "texttt": attributes.append(("style", "font-family:monospace"))
        case "textsf": attributes.append(("style", "font-family:sans-serif"))
        default: break
        }
        return MathNode("mtext", attributes, text: visible)
    }

    private func accent(_ mark: String, stretchy: Bool, command: String, offset: Int) -> MathNode {
        let base = parseArgument(for: command, offset: offset)
        let accent = MathNode("mo", [("stretchy", stretchy ? "true" : "false")], text: mark)
        var node = MathNode("mover", [("accent", "true")], children: [base, accent])
        node.atom = base.atom == .op ? .op : .ord
        return node
    }

    private func extensibleArrow(_ name: String, offset: Int) -> MathNode {
        let arrows = ["xrightarrow": "→", "xleftarrow": "←", "xRightarrow": "⇒", "xLeftarrow": "⇐",
                      "xleftrightarrow": "↔", "xmapsto": "↦"]
        var below: MathNode?
        skipSpaces()
        if case .char("[") = current.kind {
            pos += 1
            below = scriptStyle { MathNode.grouped(parseList(.bracket)) }
            if case .char("]") = current.kind { pos += 1 }
        }
        let above = scriptStyle { parseArgument(for: name, offset: offset) }
        let arrow = MathNode("mo", [("stretchy", "true")], text: arrows[name] ?? "→", atom: .rel)
        // The arrow stretches to the widest label; pad labels so it overhangs them a little.
        func padded(_ label: MathNode) -> MathNode {
            MathNode.row([MathNode.space("0.4em"), label, MathNode.space("0.4em")])
        }
        var node: MathNode
        if let below {
            node = MathNode("munderover", children: [arrow, padded(below), padded(above)])
        } else {
            node = MathNode("mover", children: [arrow, padded(above)])
        }
        node.atom = .rel
        return node
    }

    private func negation(offset: Int) -> MathNode {
        skipSpaces()
        let negated: [String: String] = [
            "=": "≠", "<": "≮", ">": "≯", "in": "∉", "leq": "≰", "le": "≰", "geq": "≱", "ge": "≱",
            "subset": "⊄", "supset": "⊅", "subseteq": "⊈", "supseteq": "⊉", "equiv": "≢", "sim": "≁",
            "approx": "≉", "cong": "≇", "mid": "∤", "parallel": "∦", "ni": "∌", "exists": "∄",
        ]
        let token = current
        var key: String?
        if case .char(let c) = token.kind { key = String(Character(c)) }
        if case .command(let name) = token.kind { key = name }
        if let key, let symbol = negated[key] {
            pos += 1
            return MathNode("mo", text: symbol, atom: .rel)
        }
        let next = parseAtom()
        if var text = next.text, next.tag == "mo" || next.tag == "mi" {
            text += "\u{338}"
            var node = next
            node.text = text
            return node
        }
        warn("\\not applied to something that is not a symbol", at: offset)
        return next
    }

    private func explicitSpace(_ name: String, offset: Int) -> MathNode {
        let raw = (readRawGroup() ?? readUnbracedLength()).trimmingSpaces().removingSpaces()
        var number = ""
        var unit = ""
        for scalar in raw.unicodeScalars {
            if (scalar >= "0" && scalar <= "9") || scalar == "." || (scalar == "-" && number.isEmpty && unit.isEmpty) {
                if !unit.isEmpty { break }
                number.unicodeScalars.append(scalar)
            } else {
                unit.unicodeScalars.append(scalar)
            }
        }
        let factors: [String: Double] = ["em": 1, "ex": 0.43, "mu": 1.0 / 18, "pt": 0.1, "px": 0.0625,
                                         "cm": 2.845, "mm": 0.2845, "in": 7.227]
        guard let value = Double(number), let factor = factors[unit] else {
            warn("invalid length {\(raw)} for \\\(name)", at: offset)
            return MathNode.row([])
        }
        let em = (value * factor * 10000).rounded() / 10000
        return MathNode.space("\(em)em")
    }

    /// Reads a length written without braces, as in `\kern2pt` or `\mkern-3mu`.
    private func readUnbracedLength() -> String {
        var text = ""
        while case .char(let c) = current.kind, (c >= "0" && c <= "9") || c == "." || c == "-" {
            text.unicodeScalars.append(c)
            pos += 1
        }
        var unit = ""
        while unit.unicodeScalars.count < 2, case .char(let c) = current.kind, TeXTokenizer.isLetter(c) {
            unit.unicodeScalars.append(c)
            pos += 1
        }
        return text + unit
    }

    private func modulo(_ name: String, offset: Int) -> MathNode {
        let word = MathNode("mi", text: "mod")
        switch name {
        case "bmod":
            var node = MathNode("mo", [("lspace", "0.2222em"), ("rspace", "0.2222em")], text: "mod", atom: .bin)
            node.atom = .ord
            return node
        case "pmod", "pod":
            let argument = parseArgument(for: name, offset: offset)
            var children = [MathNode.space("1em"), MathNode("mo", [("stretchy", "false")], text: "(", atom: .open)]
            if name == "pmod" { children += [word, MathNode.space("0.3333em")] }
            children += [argument, MathNode("mo", [("stretchy", "false")], text: ")", atom: .close)]
            return MathNode.row(children)
        default:
            return MathNode.row([MathNode.space("1em"), word, MathNode.space("0.3333em")])
        }
    }

    private func substack(offset: Int) -> MathNode {
        skipSpaces()
        guard case .beginGroup = current.kind else {
            warn("missing argument for \\substack", at: offset)
            return MathNode.row([])
        }
        let open = current.offset
        pos += 1
        var rows: [MathNode] = []
        while true {
            let items = parseList([.brace, .table])
            rows.append(MathNode("mtr", children: [MathNode("mtd", children: items)]))
            if case .command(let name) = current.kind, name == "\\" || name == "cr" {
                pos += 1
                continue
            }
            if case .alignment = current.kind {
                warn("& inside \\substack", at: current.offset)
                pos += 1
                continue
            }
            if case .endGroup = current.kind { pos += 1 } else { warn("missing } for \\substack", at: open) }
            break
        }
        return MathNode("mtable", [("rowspacing", "0")], children: rows)
    }
}

extension String {
    /// Spaces as no-break spaces, so text keeps its leading and trailing blanks.
    func replacingSpaces() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == " " ? "\u{A0}" : $0 }))
    }

    /// The text without its spaces (`1 em` → `1em`).
    func removingSpaces() -> String {
        String(String.UnicodeScalarView(unicodeScalars.filter { $0 != " " }))
    }
}
