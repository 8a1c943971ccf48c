/// Options several directives accept with the same meaning, declared once.
extension DirectiveOption where Value == String {
    /// `:dataset:`: a data set loaded earlier, by name.
    public static let dataset = DirectiveOption.text("dataset", type: "name",
                                            help: "A data set loaded earlier by name (default: the last one loaded).")
    /// `:model:`: a model trained earlier, by the label of the cell that trained it.
    public static let model = DirectiveOption.text("model", type: "label",
                                          help: "A model by the :label: of the cell that trained it (default: the latest).")
}

extension DirectiveOption where Value == Int {
    /// `:seed:` of cells that draw random numbers; front matter's `seed` sets it for all.
    public static func seed(help: String) -> DirectiveOption<Int> {
        .integer("seed", in: 0...Int.max, default: 0, inherits: true, help: help)
    }
}

extension DirectiveOption where Value == ExpressionBindings.Split {
    /// `:split:` of `{eval}` and `{gradcheck}`: the split X, y, Y and N are drawn from.
    public static let bindingSplit = DirectiveOption.cases("split", default: .train,
                                                           help: "The split X, y, Y and N are drawn from (train or test).")
}
