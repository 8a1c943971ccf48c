extension DirectiveOption where Value == [String] {
    /// `:checks:`: the labels of the equations a check proves (`{gradcheck}`, `{derive}`); their
    /// numbers then show the check's verdict. The labels are resolved at parse time (`EquationTable`).
    public static let checks = DirectiveOption<[String]>(
        "checks", type: "equation label …", default: nil,
        help: "Equations this check proves, by label (one or more); their numbers show ✔ and the error, or ✘.") { text, location in
        let labels = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
        guard !labels.isEmpty else {
            throw Diagnostic.error("option :checks: names no equation", at: location, hint: "e.g. :checks: softmax-gradient")
        }
        return labels
    }
}
