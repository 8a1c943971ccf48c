extension GivenTensors {
    /// "A: 8×10, normal(σ = 2); y: 8, labels 0…9", for the cell's caption, in the page's language.
    func description(words: CellStrings = CellStrings(language: "en")) -> String {
        declarations.map { declaration in
            let shape = declaration.shape.isEmpty ? words.scalar : declaration.shape.map(String.init).joined(separator: "×")
            let distribution: String
            switch declaration.distribution {
            case .normal(let sd): distribution = words.normal(NumberText.plain(sd))
            case .uniform(let low, let high): distribution = words.uniform(NumberText.plain(low), NumberText.plain(high))
            case .labels(let classes): distribution = words.labels(upTo: classes - 1)
            }
            return "\(declaration.name): \(shape), \(distribution)"
        }.joined(separator: words.separator)
    }
}
