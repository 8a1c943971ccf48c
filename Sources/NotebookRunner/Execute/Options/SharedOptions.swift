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

extension DirectiveOption where Value == Double {
    /// The largest `:tol:` a check takes: a relative error of 1% already lets a formula off by
    /// a factor 1.01 pass, and past 1 any formula of the right shape would.
    public static let largestTolerance = 0.01

    /// `:tol:` of `{gradcheck}` and `{derive}`: the largest relative error that passes.
    public static func tolerance(help: String) -> DirectiveOption<Double> {
        .number("tol", .above(0, upTo: largestTolerance), default: 1e-6, inherits: true, help: help)
    }
}
