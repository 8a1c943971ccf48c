import Foundation
@testable import NotebookRunner

/// Decodes PNG files with pypng, a PNG implementation independent of `PNGEncoder`.
enum IndependentPNGDecoder {
    static let script = """
        import sys, png
        w, h, rows, info = png.Reader(filename=sys.argv[1]).read_flat()
        if info.get("palette"):  # a palette image: its colours, as RGBA
            w, h, rows, info = png.Reader(filename=sys.argv[1]).asRGBA8()
            rows = [value for row in rows for value in row]
        sys.stdout.write("%d %d %d %d %d\\n" % (w, h, info["planes"], info["bitdepth"], int(info["greyscale"])))
        sys.stdout.write(bytes(rows).hex())
        """

    /// Whether `python3` with the `png` module (PyPI `pypng`) can run.
    static let isAvailable: Bool = (try? python(["-c", "import png"]))?.status == 0

    static let skipMessage = "independent PNG decoder missing: `pip install pypng` (needs python3)"

    /// The decoded bitmap of the PNG `bytes`.
    static func decode(_ bytes: [UInt8]) throws -> Bitmap {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nbrun-png-\(UUID().uuidString).png")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try python(["-c", script, file.path])
        guard result.status == 0 else { throw DecodeError(message: result.output) }
        let lines = result.output.split(separator: "\n", maxSplits: 1).map(String.init)
        let fields = lines[0].split(separator: " ").compactMap { Int($0) }
        guard fields.count == 5, fields[3] == 8 else { throw DecodeError(message: "unexpected header: \(lines[0])") }
        let hex = lines.count > 1 ? Array(lines[1].utf8) : []
        var pixels = [UInt8]()
        pixels.reserveCapacity(hex.count / 2)
        var index = 0
        while index + 1 < hex.count {
            pixels.append(UInt8(String(decoding: hex[index ... index + 1], as: UTF8.self), radix: 16)!)
            index += 2
        }
        return Bitmap(width: fields[0], height: fields[1], channels: Bitmap.Channels(rawValue: fields[2])!, pixels: pixels)
    }

    struct DecodeError: Error, CustomStringConvertible {
        var message: String
        var description: String { "pypng failed: \(message)" }
    }

    private static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
