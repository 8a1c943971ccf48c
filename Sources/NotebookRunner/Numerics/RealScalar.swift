import Foundation

/// A floating-point type with the exponential and logarithm softmax needs: `Float` or `Double`.
public protocol RealScalar: BinaryFloatingPoint & Sendable {
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
}

extension Float: RealScalar {
    public static func exponential(_ x: Float) -> Float { Foundation.exp(x) }
    public static func logarithm(_ x: Float) -> Float { Foundation.log(x) }
}

extension Double: RealScalar {
    public static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
    public static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
}
