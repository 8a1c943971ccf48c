extension TensorFormatter {
    /// The cell outputs for one `{eval}` result: a text line for a scalar, a table otherwise.
    public func outputs(label: String, _ tensor: Tensor) -> [CellOutput] {
        let integers = Self.isIntegerValued(tensor)
        if tensor.isScalar {
            return [.text("\(label) = \(format(tensor.data[0], integers: integers))")]
        }
        let rows = tensor.rows, cols = tensor.cols
        let shownRows = min(rows, maxRows), shownCols = min(cols, maxColumns)
        var caption = "\(label)  \(tensor.shapeDescription)"
        if shownRows < rows || shownCols < cols {
            caption += tensor.rank == 1 ? ", first \(shownCols) of \(cols)" : ", rows 0–\(shownRows - 1) of \(rows), columns 0–\(shownCols - 1) of \(cols)"
        }
        var header = (tensor.rank >= 2 ? [""] : []) + (0..<shownCols).map(String.init)
        if shownCols < cols { header.append("…") }
        var body: [[String]] = []
        for r in 0..<shownRows {
            var row = tensor.rank >= 2 ? [String(r)] : []
            for c in 0..<shownCols { row.append(format(tensor.data[r * cols + c], integers: integers)) }
            if shownCols < cols { row.append("…") }
            body.append(row)
        }
        if shownRows < rows { body.append(["…"] + [String](repeating: "", count: header.count - 1)) }
        let alignments: [Table.Alignment] = (tensor.rank >= 2 ? [.right] : []) + [Table.Alignment](repeating: .right, count: header.count - (tensor.rank >= 2 ? 1 : 0))
        return [.table(Table(caption: caption, header: header, rows: body, alignments: alignments))]
    }
}
