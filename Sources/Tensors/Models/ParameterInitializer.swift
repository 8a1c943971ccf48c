/// Draws a declared model's first parameter values, deterministically from a seed.
public enum ParameterInitializer {
    /// Values of every parameter (row-major), and the running statistics of its batchnorms, for data with
    /// `inputs` pixels and `classes` classes. Each parameter draws from its own stream
    /// (the seed and its position), so adding a parameter does not change the others.
    public static func values(of definition: ModelDefinition, inputs: Int, classes: Int, seed: UInt64) -> [String: [Double]] {
        values(of: definition, inputs: inputs, classes: classes, seed: seed, as: Double.self)
    }

    /// The same values drawn in Float64 and stored as `T` (Float32 for the engine: no Float64 copy).
    public static func values<T: BinaryFloatingPoint>(of definition: ModelDefinition, inputs: Int, classes: Int, seed: UInt64,
                                                      as type: T.Type) -> [String: [T]] {
        var values: [String: [T]] = [:]
        for (position, parameter) in definition.parameters.enumerated() {
            let shape = parameter.shape.map { $0.resolve(inputs: inputs, classes: classes) }
            let count = shape.reduce(1, *)
            // fan_in: rows of a matrix (inputs to a unit); fan_out: its columns. Convolution
            // kernels OUT×IN×KH×KW: IN·KH·KW and OUT·KH·KW (as PyTorch counts them).
            var fanIn = Double(shape.count == 2 ? shape[0] : 1), fanOut = Double(shape.last ?? 1)
            if shape.count == 4 { (fanIn, fanOut) = (Double(shape[1...].reduce(1, *)), Double(shape[0] * shape[2] * shape[3])) }
            var generator = Xoshiro256StarStar(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(position + 1))
            switch parameter.initializer {
            case .zeros:
                values[parameter.name] = [T](repeating: 0, count: count)
            case .constant(let value):
                values[parameter.name] = [T](repeating: T(value), count: count)
            case .normal(let deviation):
                values[parameter.name] = (0..<count).map { _ in T(generator.normal() * deviation) }
            case .uniform(let limit):
                values[parameter.name] = (0..<count).map { _ in T((generator.unit() * 2 - 1) * limit) }
            case .rand(let scale):
                values[parameter.name] = (0..<count).map { _ in T(generator.unit() * scale) }
            case .xavier:
                let limit = (6 / (fanIn + fanOut)).squareRoot()
                values[parameter.name] = (0..<count).map { _ in T((generator.unit() * 2 - 1) * limit) }
            case .he:
                let deviation = (2 / fanIn).squareRoot()
                values[parameter.name] = (0..<count).map { _ in T(generator.normal() * deviation) }
            }
        }
        // The running statistics of batchnorms start at mean 0 and variance 1.
        values.merge(definition.initialState(inputs: inputs, classes: classes, as: T.self)) { $1 }
        return values
    }
}
