extension ExecutionContext {
    /// Throws unless the standard expression names fit in the run's memory budget before they
    /// are built: `X` (`samples` rows of the current data set as Float64) and random `W`
    /// (pixels × classes). Images of 4096×4096 make each of them gigabytes; this fails at
    /// the cell instead.
    public func checkBindingsFit(samples: Int) throws {
        guard let dataset = state.dataset else { return }
        let budget = settings.memoryBudget
        for split in dataset.splits {
            let rows = min(samples, split.count), pixels = split.pixelCount
            let classes = max(dataset.classNames.count, 1)
            do {
                try budget.check(count: MemoryBudget.byteCount([rows, pixels], elementSize: 8) ?? .max, elementSize: 1,
                                 for: "X, \(rows) rows of \(dataset.name) \(split.name) as a \(rows)×\(pixels) tensor,",
                                 hint: "bind fewer rows with :samples:, or use smaller images")
                try budget.check(count: MemoryBudget.byteCount([pixels, classes], elementSize: 8) ?? .max, elementSize: 1,
                                 for: "W, the \(pixels)×\(classes) weights for \(split.rows)×\(split.cols) images,",
                                 hint: "use smaller images")
            } catch let diagnostic as Diagnostic {
                throw diagnostic.located(at: cell.directiveLocation)
            }
        }
    }
}

extension ExecutionContext {
    /// Throws unless training the built-in softmax regression on `split` fits in the run's
    /// memory budget before it starts: its `pixels × classes` weights as Float64, three times
    /// over (the weights, their gradient and the step's working copy). Images of 4096×4096
    /// make that gigabytes; this fails at the cell instead of running out of memory.
    public func checkSoftmaxTrainingFits(_ split: DataSplit, classes: Int) throws {
        let bytes = MemoryBudget.byteCount([split.pixelCount, max(classes, 1), 3], elementSize: 8) ?? .max
        do {
            try settings.memoryBudget.check(bytes, for: "training softmax regression on \(split.rows)×\(split.cols) images (\(NumberText.grouped(split.pixelCount)) × \(classes) weights, with their gradient and a working copy)",
                                            hint: "use smaller images")
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: cell.directiveLocation)
        }
    }
}

extension ExecutionContext {
    /// What `{model}` holds at once for each parameter value: the Float32 value the model keeps
    /// (4 bytes) and, while the cell's cache entry is written, its payload, the entry's bytes and
    /// the `Data` written (4 each) — more than the Float64 copy (8) the interpreter checks the
    /// declaration with, which is gone by then.
    static let bytesPerParameter = 16

    /// Throws unless a declared model's parameters of `shapes` fit in the run's memory budget
    /// before they are drawn: `bytesPerParameter` a value. A `param W1: inputs×256` on
    /// 4096×4096 images is 4.3 billion values; this fails at the cell instead of aborting the process.
    public func checkParametersFit(_ shapes: [String: [Int]], for what: String) throws {
        var total = 0
        for shape in shapes.values {
            let (sum, overflow) = total.addingReportingOverflow(MemoryBudget.byteCount(shape, elementSize: Self.bytesPerParameter) ?? .max)
            total = overflow ? .max : sum
        }
        let values = shapes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.map(String.init).joined(separator: "×"))" }
        do {
            try settings.memoryBudget.check(total, for: "\(what), parameters \(values.joined(separator: ", ")) (with the copies declaring it makes),",
                                            hint: "use smaller images or fewer hidden units")
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: cell.directiveLocation)
        }
    }
}

extension ExecutionContext {
    /// What keeping one value of a bound tensor may cost at most: the Float64 itself, and the
    /// cell cache's JSON of it — Foundation's encoder holds about 36 bytes per number in its
    /// tree while it writes up to 24 bytes of text.
    public static let bytesPerKeptValue = 68

    /// Throws, located at `location`, unless `value` can be bound to `name` for later cells:
    /// kept in the state and written to the cell cache within the run's memory budget. A
    /// tensor the evaluation may make (each one is checked against the budget) can still be
    /// far too large to keep: `onehot([3], 30000).T + onehot([3], 30000)` is 7.2 GB, its
    /// cache entry tens of gigabytes.
    public func checkKept(_ value: Tensor, as name: String, at location: SourceLocation) throws {
        let bytes = MemoryBudget.byteCount(value.shape + [Self.bytesPerKeptValue], elementSize: 1) ?? .max
        do {
            try settings.memoryBudget.check(bytes, for: "keeping \(name), a \(value.shapeDescription) tensor of \(NumberText.grouped(value.count)) values, for later cells and the cell cache",
                                            hint: "bind a smaller value, or leave out '\(name) =' to show it without keeping it")
        } catch let diagnostic as Diagnostic {
            throw diagnostic.located(at: location)
        }
    }
}
