import Foundation

/// `{show} weights` of a convolutional model (its first kernels as small images) and
/// `{show} activations :layer: NAME` (the feature maps a step of the forward pass makes).
extension ShowDirective {
    func showKernels(_ kernels: (name: String, shape: [Int], values: [Float]), of model: DeclaredModel,
                     in context: ExecutionContext) throws -> CellOutputs {
        let (outputs, channels, height, width) = (kernels.shape[0], kernels.shape[1], kernels.shape[2], kernels.shape[3])
        let scaleValue = kernels.values.reduce(Float(0)) { max($0, abs($1)) }
        let zoom = max(scale, min(16, 48 / max(height, width)))
        var figures: [Figure] = []
        for o in 0..<outputs {
            for c in 0..<channels {
                let offset = (o * channels + c) * height * width
                let image = FeatureMapImages.diverging(Array(kernels.values[offset ..< offset + height * width]), width: width, height: height,
                                                       scale: scaleValue)
                let caption = channels == 1 ? "kernel \(o)" : "kernel \(o), channel \(c)"
                figures.append(try Figure(image, shrinkBy: 1, displayScale: zoom, caption: caption,
                                          alt: "\(kernels.name) \(caption) as a \(height)×\(width) image: blue negative, white zero, red positive"))
            }
        }
        var cellOutputs = CellOutputs([.images(figures)])
        cellOutputs.append(.text("The \(outputs * channels) kernels of \(kernels.name) (\(Tensor.describe(kernels.shape))) as \(height)×\(width) images: "
            + "blue negative, white zero, red positive; one scale for all, ±\(NumberText.significant(Double(scaleValue)))."))
        cellOutputs.record("weight_range", Double(scaleValue))
        return cellOutputs
    }

    func showActivations(_ layer: String, split splitName: String?, in context: ExecutionContext) throws -> CellOutputs {
        guard let model = try context.model(named: modelName) as? DeclaredModel else {
            throw Diagnostic.error("{show} activations needs a model declared with {model}", at: location, hint: "name one with :model:")
        }
        let dataset = try context.dataset(named: datasetName)
        let split = try context.split(splitName, of: dataset, purpose: "show")
        try context.checkInputs(of: model, match: split, dataset: dataset)
        let steps = model.definition.forward.compactMap(\.binding)
        guard let position = model.definition.forward.firstIndex(where: { $0.binding == layer }) else {
            let near = Suggestion.nearest(to: layer, in: steps).map { "did you mean '\($0)'? " } ?? ""
            throw Diagnostic.error("model '\(model.name)' has no step '\(layer)'", at: location, hint: near + "its forward pass names " + steps.joined(separator: ", "))
        }
        let indices = try rows(of: split)
        guard indices.count <= 16 else {
            throw Diagnostic.error("{show} activations draws the maps of at most 16 images, :count: asks for \(indices.count)", at: location, hint: "e.g. :count: 3")
        }
        var scope = ExpressionScope(values: split.tensors(rows: indices, classes: model.classes, scale: model.pixelScale))
        scope.limits.memory = context.settings.memoryBudget
        for (name, value) in model.parameterTensors { scope.values[name] = value }
        // Evaluation mode: batchnorms with their running statistics.
        scope.values.merge(model.stateTensors) { $1 }
        var value = Tensor(scalar: 0)
        for statement in model.definition.forward[...position] {
            try context.checkCancelled()
            value = try scope.evaluate(statement)
            if let name = statement.binding { scope.values[name] = value }
        }
        guard value.rank == 4 else {
            throw Diagnostic.error("'\(layer)' is \(value.shapeDescription), not images N×C×H×W", at: location,
                                   hint: "name a step made by conv2d, a pooling or images(X)")
        }
        let (maps, height, width) = (value.shape[1], value.shape[2], value.shape[3])
        let zoom = max(scale, min(16, 84 / max(height, width)))
        var figures: [Figure] = []
        for (n, index) in indices.enumerated() {
            for c in 0..<maps {
                let offset = (n * maps + c) * height * width
                let image = FeatureMapImages.gray(Array(value.data[offset ..< offset + height * width]), width: width, height: height)
                let label = Int(split.labels[index])
                figures.append(try Figure(image, shrinkBy: 1, displayScale: zoom, caption: c == 0 ? "#\(index) \(dataset.className(label)): map 0" : "map \(c)",
                                          alt: "\(layer), map \(c) of \(split.name) image \(index) (\(dataset.className(label))): black lowest, white highest"))
            }
        }
        var outputs = CellOutputs([.images(figures)])
        outputs.append(.text("The \(maps) feature maps of \(layer) (\(height)×\(width) each) for \(indices.count) \(split.name) image\(indices.count == 1 ? "" : "s"), "
            + "each map from black (its lowest value) to white (its highest)."))
        outputs.record("maps_shown", Double(figures.count))
        return outputs
    }
}
