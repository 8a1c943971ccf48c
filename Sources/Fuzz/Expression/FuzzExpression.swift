import NotebookRunner

/// The names every input may use: a small batch and parameters, as `{eval}` binds them.
nonisolated(unsafe) let standardNames: [String: Tensor] = [
    "X": Tensor(rows: 4, cols: 3, data: (0 ..< 12).map { Double($0) / 11 }),
    "y": Tensor(vector: [0, 1, 2, 1]),
    "Y": Tensor(rows: 4, cols: 3, data: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0]),
    "N": Tensor(scalar: 4),
    "W": Tensor(rows: 3, cols: 3, data: (0 ..< 9).map { Double($0) / 10 - 0.4 }),
    "b": Tensor(vector: [0.1, -0.2, 0.05]),
]

/// libFuzzer entry: any bytes (as UTF-8) as `{eval}` lines — `name = expr` statements and
/// expressions — parsed and evaluated in order under a 64 MB tensor budget.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var scope = ExpressionScope(values: standardNames)
    scope.limits = EvaluationLimits(memory: MemoryBudget(bytes: 64 << 20))
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let location = SourceLocation(file: "fuzz.md", line: index + 1)
        guard let statement = try? ExpressionParser.parseStatement(String(line), at: location),
              let value = try? scope.evaluate(statement) else { continue }
        if let name = statement.binding { scope.values[name] = value }
    }
    return 0
}
