extension TeXParser {
    /// Cells of an alignment, row by row, with each row's `\tag`.
    struct Table {
        var rows: [[MathNode]] = []
        var tags: [String?] = []
        var hasTags: Bool { tags.contains { $0 != nil } }
        var isSingleCell: Bool { rows.count == 1 && rows[0].count == 1 }
    }

    /// How the columns of a table are aligned and spaced.
    enum Layout {
        /// Columns centred, or aligned by an `array` column spec (`l`, `c`, `r`).
        case matrix([String])
        /// Pairs of right- and left-aligned columns (`align`, `aligned`).
        case align
        /// One centred column per row (`gather`).
        case gather
        /// Left-aligned columns set apart by 1em (`cases`).
        case cases
    }

    /// Parses `&`/`\\`-separated cells until `\end` (left unconsumed) or the end of input.
    func parseRows(_ stops: Stops, capturesTags: Bool) -> Table {
        var table = Table()
        var cells: [MathNode] = []
        let outerTag = pendingTag
        if capturesTags { pendingTag = nil }
        while true {
            cells.append(MathNode.grouped(parseList(stops)))
            let token = current
            if case .alignment = token.kind {
                pos += 1
                continue
            }
            if case .command(let name) = token.kind, name == "\\" || name == "cr" || name == "newline" {
                pos += 1
                skipRowSpacing()
                table.rows.append(cells)
                table.tags.append(capturesTags ? pendingTag : nil)
                if capturesTags { pendingTag = nil }
                cells = []
                continue
            }
            let trailingEmpty = cells.count == 1 && cells[0].tag == "mrow" && cells[0].children.isEmpty
                && !table.rows.isEmpty && (!capturesTags || pendingTag == nil)
            if !trailingEmpty {
                table.rows.append(cells)
                table.tags.append(capturesTags ? pendingTag : nil)
            }
            if capturesTags { pendingTag = outerTag }
            return table
        }
    }

    /// Skips the `[2pt]` that may follow `\\`.
    private func skipRowSpacing() {
        skipSpaces()
        guard case .char("[") = current.kind else { return }
        var probe = pos + 1
        while probe < tokens.count, probe - pos < 16 {
            switch tokens[probe].kind {
            case .char("]"):
                pos = probe + 1
                return
            case .char, .space: probe += 1
            default: return
            }
        }
    }

    /// Parses `\begin{name} … \end{name}` (the `\begin` is already consumed).
    func environment(offset: Int) -> MathNode {
        guard let name = readRawGroup()?.trimmingSpaces() else {
            warn("missing environment name after \\begin", at: offset)
            return MathNode.error("\\begin")
        }
        let savedDisplay = display
        let savedSingle = singleToken
        singleToken = false
        defer {
            display = savedDisplay
            singleToken = savedSingle
        }
        var layout = Layout.matrix([])
        var fences: (String, String)?
        var capturesTags = false
        var displayStyle = false
        var scriptLevel: String?
        switch name {
        case "matrix": break
        case "pmatrix": fences = ("(", ")")
        case "bmatrix": fences = ("[", "]")
        case "Bmatrix": fences = ("{", "}")
        case "vmatrix": fences = ("|", "|")
        case "Vmatrix": fences = ("‖", "‖")
        case "smallmatrix": scriptLevel = "1"
        case "array", "subarray":
            layout = .matrix(columnAlignments(readRawGroup() ?? ""))
        case "cases": layout = .cases; fences = ("{", "")
        case "dcases": layout = .cases; fences = ("{", ""); displayStyle = true
        case "rcases": layout = .cases; fences = ("", "}")
        case "aligned", "split", "alignedat":
            layout = .align; displayStyle = true
            if name == "alignedat" { _ = readRawGroup() }
        case "align", "align*", "alignat", "alignat*", "eqnarray", "eqnarray*", "flalign", "flalign*":
            layout = .align; displayStyle = true; capturesTags = true
            if name.hasPrefix("alignat") { _ = readRawGroup() }
        case "gathered":
            layout = .gather; displayStyle = true
        case "gather", "gather*", "multline", "multline*", "equation", "equation*", "displaymath", "math":
            layout = .gather; displayStyle = true; capturesTags = true
        default:
            warn("unknown environment \(name)", at: offset)
        }
        display = displayStyle
        let table = parseRows([.table, .end], capturesTags: capturesTags)
        if case .command("end") = current.kind {
            let endOffset = current.offset
            pos += 1
            let endName = readRawGroup()?.trimmingSpaces() ?? ""
            if endName != name {
                warn("\\begin{\(name)} ended by \\end{\(endName)}", at: endOffset)
            }
        } else {
            warn("missing \\end{\(name)}", at: offset)
        }
        if table.isSingleCell && !table.hasTags, case .gather = layout {
            return table.rows[0][0]
        }
        var node = buildTable(table, layout: layout, displayStyle: displayStyle)
        if let scriptLevel { node.setAttribute("scriptlevel", scriptLevel) }
        if let (open, close) = fences {
            var children: [MathNode] = []
            if !open.isEmpty { children.append(fenceNode(open, form: "prefix")) }
            children.append(node)
            if !close.isEmpty { children.append(fenceNode(close, form: "postfix")) }
            node = MathNode.row(children, atom: .inner)
        }
        return node
    }

    private func columnAlignments(_ spec: String) -> [String] {
        var result: [String] = []
        var level = 0
        for scalar in spec.unicodeScalars {
            switch scalar {
            case "{": level += 1
            case "}": level -= 1
            case "l" where level == 0: result.append("left")
            case "c" where level == 0: result.append("center")
            case "r" where level == 0: result.append("right")
            default: break
            }
        }
        return result
    }

    /// Lays out parsed rows as an `mtable`; a tagged row gets an extra cell positioned at the right edge.
    func buildTable(_ table: Table, layout: Layout, displayStyle: Bool) -> MathNode {
        let columns = table.rows.map(\.count).max() ?? 0
        var rows: [MathNode] = []
        for (index, cells) in table.rows.enumerated() {
            var tds: [MathNode] = []
            for column in 0..<columns {
                var cell = column < cells.count ? cells[column] : MathNode.row([])
                var attributes: [(String, String)] = []
                switch layout {
                case .align:
                    if column % 2 == 0 {
                        attributes = [("columnalign", "right"),
                                      ("style", "text-align:right;padding-right:0" + (column > 0 ? ";padding-left:2em" : ""))]
                    } else {
                        attributes = [("columnalign", "left"), ("style", "text-align:left;padding-left:0")]
                        cell = binaryAtStart(cell)
                    }
                case .cases:
                    attributes = [("columnalign", "left"),
                                  ("style", "text-align:left" + (column > 0 ? ";padding-left:1em" : ";padding-left:0"))]
                case .matrix(let alignments):
                    if column < alignments.count, alignments[column] != "center" {
                        attributes = [("columnalign", alignments[column]), ("style", "text-align:\(alignments[column])")]
                    }
                case .gather:
                    break
                }
                tds.append(MathNode("mtd", attributes, children: [cell]))
            }
            if let tag = table.tags[index] {
                // Out of flow at the right edge of the <math> box, level with its row.
                tds.append(MathNode("mtd", [("style", "padding:0;position:absolute;right:0")],
                                    children: [MathNode("mtext", text: tag)]))
                hasTaggedRows = true
            }
            rows.append(MathNode("mtr", children: tds))
        }
        var attributes: [(String, String)] = []
        if displayStyle { attributes.append(("displaystyle", "true")) }
        return MathNode("mtable", attributes, children: rows, atom: .inner)
    }

    /// In `align`'s right-hand columns an operator after `&` is binary, as if `{}` stood before it.
    private func binaryAtStart(_ cell: MathNode) -> MathNode {
        func fix(_ node: inout MathNode) {
            if node.tag == "mo", node.attribute("form") == "prefix", node.attribute("fence") == nil {
                node.setAttribute("form", "infix")
            }
        }
        var cell = cell
        if cell.tag == "mrow", !cell.children.isEmpty {
            fix(&cell.children[0])
        } else {
            fix(&cell)
        }
        return cell
    }
}
