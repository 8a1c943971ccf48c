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
