import Foundation
import Testing
@testable import NotebookRunner

/// The `.npy` reader and writer against files NumPy itself writes and reads.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs python3"))
struct NPYArrayTests {
    /// Runs `script` with the system's Python (NumPy) in `folder`; returns what it printed.
    static func python(_ script: String, in folder: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    @Test func readsTheNumberTypesAndOrdersNumPyWrites() throws {
        let folder = try DataFixtures.temporaryDirectory("npy")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try Self.python("""
            import numpy as np
            m = np.arange(6).reshape(2, 3)
            np.save("i8.npy", m)
            np.save("u1.npy", m.astype(np.uint8))
            np.save("i2.npy", -m.astype(np.int16))
            np.save("f4be.npy", (m / 4).astype(">f4"))
            np.save("fortran.npy", np.asfortranarray(m.astype(float)))
            np.save("bool.npy", m > 2)
            np.save("scalar.npy", np.float64(2.5))
            np.save("complex.npy", m.astype(complex))
            """, in: folder)
        func read(_ name: String) throws -> NPYArray {
            try NPYArray.read(Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
        let expected = [0.0, 1, 2, 3, 4, 5]
        #expect(try read("i8.npy") == NPYArray(shape: [2, 3], values: expected, dtype: "<i8"))
        #expect(try read("u1.npy").values == expected)
        #expect(try read("i2.npy").values == expected.map { -$0 })
        #expect(try read("f4be.npy").values == expected.map { $0 / 4 })
        #expect(try read("fortran.npy") == NPYArray(shape: [2, 3], values: expected, dtype: "<f8"))
        #expect(try read("bool.npy").values == [0, 0, 0, 1, 1, 1])
        #expect(try read("scalar.npy") == NPYArray(shape: [], values: [2.5], dtype: "<f8"))
        #expect(throws: NPYArray.ReadError.unsupportedType("<c16")) { try read("complex.npy") }
        let bytes = Array(try Data(contentsOf: folder.appendingPathComponent("i8.npy")))
        #expect(throws: NPYArray.ReadError.self) { try NPYArray.read(Array(bytes.dropLast(8))) }
        #expect(throws: NPYArray.ReadError.self) { try NPYArray.read(bytes, maxValues: 5) }
    }

    @Test func numPyReadsWhatItWrites() throws {
        let folder = try DataFixtures.temporaryDirectory("npy")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, array) in [("m", NPYArray(shape: [2, 3], values: [1, -2.5, 3e-300, 4, .pi, 6])),
                              ("v", NPYArray(shape: [4], values: [1, 2, 3, 4])), ("s", NPYArray(shape: [], values: [7]))] {
            try Data(array.bytes()).write(to: folder.appendingPathComponent("\(name).npy"))
        }
        let printed = try Self.python("""
            import numpy as np
            for name in "mvs":
                a = np.load(name + ".npy")
                print(name, a.dtype, a.shape, repr(a.reshape(-1).tolist()))
            """, in: folder)
        #expect(printed == """
            m float64 (2, 3) [1.0, -2.5, 3e-300, 4.0, 3.141592653589793, 6.0]
            v float64 (4,) [1.0, 2.0, 3.0, 4.0]
            s float64 () [7.0]

            """)
    }
}
