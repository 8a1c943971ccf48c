@testable import NotebookRunner

extension Directive {
    /// Builds the directive as a run does: the cell is checked against the spec, then read.
    init(cell: Cell, defaults: Defaults) throws {
        self = try DirectiveRegistry.build(Self.self, from: cell, defaults: defaults)
    }
}

extension NotebookState {
    /// The latest model, as the softmax regression the built-in {train} trains.
    var softmaxModel: SoftmaxModel? { model as? SoftmaxModel }
}
