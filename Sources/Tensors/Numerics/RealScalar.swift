import Foundation

/// A floating-point type with the exponential and logarithm softmax needs: `Float` or `Double`.
protocol RealScalar: BinaryFloatingPoint & Sendable {
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
}

extension Float: RealScalar {
    static func exponential(_ x: Float) -> Float { Foundation.exp(x) }
    static func logarithm(_ x: Float) -> Float { Foundation.log(x) }
}

extension Double: RealScalar {
    static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
    static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
}
