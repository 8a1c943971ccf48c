import Foundation

/// `{train}`'s validation options: rows held out of the training split, early stopping.
extension TrainDirective {
    static let validation = DirectiveOption.integer(
        "validation", in: 1...Int(Int32.max), inherits: true,
        help: "Holds this many rows out of the training split (drawn by :seed:, the same rows every run) and measures the model's loss and accuracy on them after every epoch: in the table, the curves and the record (history[K].validation_loss, history[K].validation_accuracy). Trains on the engine.")
    static let earlyStopping = DirectiveOption.integer(
        "early-stopping", in: 1...maxEpochs, inherits: true,
        help: "Stops when the validation loss has not improved for this many epochs, and keeps the parameters (and optimiser state) of the epoch where it was lowest: that epoch is best_epoch in the record, the one training stopped after stopped_epoch. Needs :validation:.")

    static var validationDeclarations: [OptionDeclaration] { [validation.declaration, earlyStopping.declaration] }

    /// `:validation:` and `:early-stopping:` of the cell (early stopping only with validation).
    static func validationSettings(_ options: OptionValues, cell: Cell) throws -> (rows: Int?, patience: Int?) {
        let rows = try options.given(Self.validation)
        let patience = try options.given(Self.earlyStopping)
        if patience != nil, rows == nil {
            throw Diagnostic.error(":early-stopping: needs rows to watch: add :validation: N", at: options.location(of: Self.earlyStopping),
                                   hint: "e.g. :validation: 5000 holds 5,000 training rows out and stops on their loss")
        }
        return (rows, patience)
    }

    /// The training rows and the rows held out for validation (nil without `:validation:`).
    func holdingOut(_ train: DataSplit) throws -> (train: DataSplit, validation: DataSplit?) {
        guard let rows = validationRows else { return (train, nil) }
        guard rows < train.count else {
            throw Diagnostic.error(":validation: \(NumberText.grouped(rows)) would hold out every row of the \(NumberText.grouped(train.count)) training rows",
                                   at: location, hint: "hold out fewer rows than the training split has, e.g. a tenth: :validation: \(max(1, train.count / 10))")
        }
        let (kept, held) = train.holdingOut(rows, seed: configuration.seed)
        return (kept, held)
    }
}
