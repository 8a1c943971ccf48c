/// |a − b| / max(|b|, floor): the relative error of `a` against the reference `b`.
func relativeError(_ a: Double, _ b: Double, floor: Double = 1e-6) -> Double {
    abs(a - b) / max(abs(b), floor)
}

/// The largest relative error over matching elements.
func maxRelativeError<A: BinaryFloatingPoint, B: BinaryFloatingPoint>(_ a: [A], _ b: [B], floor: Double = 1e-6) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { relativeError(Double($0), Double($1), floor: floor) }.max() ?? 0
}
