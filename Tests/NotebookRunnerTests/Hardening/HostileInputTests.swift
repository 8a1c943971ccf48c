import Foundation
import Testing
@testable import NotebookRunner
import ZlibBindings

/// Hostile and careless inputs, each run through the built `nbrun` as a user would run it.
///
/// Every case must: exit 1 (2 for a usage error) with the error located at `file:line:col`
/// or naming the file; end by itself, not by a signal, within a minute; peak under 1 GB
/// (measured by `/usr/bin/time`); write both the report and the run record, agreeing on
/// the outcome; and write nothing outside `-o` — every file outside it is as before, the
/// target of a link planted inside it included. Inputs are built in a fresh folder per case.
@Suite(.serialized) struct HostileInputTests {
    /// One row: files to create, a notebook, the command line, and what stderr must say.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var notebook: String
        var expected: String
        var status: Int32 = 1
        var arguments: [String] = []
        /// Builds input files in the case's folder (the notebook's folder `nb/`).
        var prepare: @Sendable (URL) throws -> Void = { _ in }
        var testDescription: String { name }
    }

    static let smallData: @Sendable (URL) throws -> Void = { folder in
        _ = try DataFixtures.write(DataFixtures.imagesFile(count: 40), to: folder.appendingPathComponent("images"))
        _ = try DataFixtures.write(DataFixtures.labelsFile((0..<40).map { UInt8($0 % 10) }), to: folder.appendingPathComponent("labels"))
    }

    static func load(images: String, labels: String = "labels", extra: String = "") -> String {
        "```{load}\n:images: \(images)\n:labels: \(labels)\n\(extra)```\n"
    }

    /// A multi-member gzip: the IDX `header` and 64 MiB of zeros, then `members - 1` more
    /// members of 64 MiB of zeros — `members` × 64 MiB when inflated, ~1 KB per 1 MiB.
    static func bomb(header: [UInt8], members: Int) throws -> [UInt8] {
        let zeros = [UInt8](repeating: 0, count: 64 << 20)
        var bytes = try Zlib.deflate(header + zeros, format: .gzip, level: 9)
        let member = try Zlib.deflate(zeros, format: .gzip, level: 9)
        for _ in 1 ..< members { bytes += member }
        return bytes
    }

    static let cases: [Case] = [
        Case(name: "images from /dev/zero", notebook: load(images: "/dev/zero"),
             expected: "nb.md:2:10: error: images file '/dev/zero' is a character device, not a regular file", prepare: smallData),
        Case(name: "images from /dev/urandom", notebook: load(images: "/dev/urandom"),
             expected: "nb.md:2:10: error: images file '/dev/urandom' is a character device", prepare: smallData),
        Case(name: "images from a FIFO", notebook: load(images: "fifo"),
             expected: "nb.md:2:10: error: images file 'fifo' is a FIFO (named pipe), not a regular file",
             prepare: { folder in try smallData(folder); _ = mkfifo(folder.appendingPathComponent("fifo").path, 0o600) }),
        Case(name: "a prose image from /dev/zero", notebook: "# Post\n\n![zero](/dev/zero)\n",
             expected: "nb.md:3:1: error: image '/dev/zero' is a character device, not a regular file"),
        Case(name: "a prose image from a FIFO", notebook: "See ![pipe](pipe.png).\n",
             expected: "nb.md:1:5: error: image 'pipe.png' is a FIFO (named pipe), not a regular file",
             prepare: { folder in _ = mkfifo(folder.appendingPathComponent("pipe.png").path, 0o600) }),
        Case(name: "a 20 MB prose image", notebook: "![big](big.png)\n",
             expected: "nb.md:1:1: error: image 'big.png' is 20,000,000 bytes (20.0 MB), more than the 10.0 MB one embedded image may take",
             prepare: { folder in
                 let big = folder.appendingPathComponent("big.png")
                 FileManager.default.createFile(atPath: big.path, contents: Data(PNGEncoder.signature))
                 let handle = try FileHandle(forWritingTo: big)
                 try handle.truncate(atOffset: 20_000_000)
                 try handle.close()
             }),
        Case(name: "images from a folder", notebook: load(images: "folder"),
             expected: "nb.md:2:10: error: images file 'folder' is a folder, not a file",
             prepare: { folder in
                 try smallData(folder)
                 try FileManager.default.createDirectory(at: folder.appendingPathComponent("folder"), withIntermediateDirectories: true)
             }),
        Case(name: "4.5 GiB images bomb declaring 100 images", notebook: load(images: "bomb.gz"),
             expected: "nb.md:2:10: error: images file 'bomb.gz' expands to more bytes than the 100 images of 28×28 its header announces",
             prepare: { folder in
                 try smallData(folder)
                 _ = try DataFixtures.write(try bomb(header: DataFixtures.idx(dimensions: [100, 28, 28], values: []), members: 72),
                                            to: folder.appendingPathComponent("bomb.gz"))
             }),
        Case(name: "4.5 GiB labels bomb", notebook: load(images: "images", labels: "bomb.gz"),
             expected: "nb.md:2:10: error: labels file 'bomb.gz' expands to more bytes than the 40 labels its header announces",
             prepare: { folder in
                 try smallData(folder)
                 _ = try DataFixtures.write(try bomb(header: DataFixtures.idx(dimensions: [40], values: []), members: 72),
                                            to: folder.appendingPathComponent("bomb.gz"))
             }),
        Case(name: "header declaring a terabyte", notebook: load(images: "huge.gz"),
             expected: "nb.md:2:10: error: images file 'huge.gz' declares 60000 images of 4096×4096, which needs 1,006,632,960,016 bytes (1.0 TB), more than the memory budget",
             prepare: { folder in
                 try smallData(folder)
                 _ = try DataFixtures.write(try Zlib.deflate(DataFixtures.idx(dimensions: [60000, 4096, 4096], values: [0]), format: .gzip),
                                            to: folder.appendingPathComponent("huge.gz"))
             }),
        Case(name: "ten 4096×4096 images, then a gradient check", notebook: load(images: "big.gz", labels: "big-labels")
                + "\n```{show}\n:count: 10\n```\n\n```{gradcheck} softmax-regression\n:samples: 10\n```\n",
             expected: "nb.md:10:4: error:", arguments: ["--memory-limit", "400M"],
             prepare: { folder in
                 var pixels = [UInt8](repeating: 0, count: 10 * 4096 * 4096)
                 for index in stride(from: 0, to: pixels.count, by: 4099) { pixels[index] = UInt8(truncatingIfNeeded: index) }
                 _ = try DataFixtures.write(try Zlib.deflate(DataFixtures.idx(dimensions: [10, 4096, 4096], values: pixels), format: .gzip, level: 1),
                                            to: folder.appendingPathComponent("big.gz"))
                 _ = try DataFixtures.write(DataFixtures.labelsFile(Array(0 ..< 10)), to: folder.appendingPathComponent("big-labels"))
             }),
        Case(name: "a data set name that climbs out of -o", notebook: load(images: "images", extra: ":name: ../../outside/x\n") + "\n```{show}\n```\n",
             expected: "nb.md:4:8: error: option :name: '../../outside/x' is not a plain name", prepare: smallData),
        Case(name: "{show} :start: Int.max", notebook: load(images: "images") + "\n```{show}\n:start: 9223372036854775807\n```\n",
             expected: "nb.md:7:9: error: option :start: is 9223372036854775807, outside", prepare: smallData),
        Case(name: "{show} predictions :start: Int.max",
             notebook: load(images: "images") + "\n```{train} softmax\n:epochs: 1\n```\n\n```{show} predictions\n:start: 9223372036854775807\n:only: wrong\n```\n",
             expected: "nb.md:11:9: error: option :start: is 9223372036854775807, outside", prepare: smallData),
        Case(name: "a duplicate option line", notebook: "```{show}\n:count: 2\n:count: 3\n```\n",
             expected: "nb.md:3:1: error: option :count: is given twice"),
        Case(name: "max of an empty slice", notebook: "```{eval}\nmax([1, 2, 3][3:1])\n```\n",
             expected: "nb.md:2:1: error: max() of an empty tensor is undefined"),
        Case(name: "8,000 nested parentheses", notebook: "```{eval}\n" + String(repeating: "(", count: 8000) + "1" + String(repeating: ")", count: 8000) + "\n```\n",
             expected: "nb.md:2:101: error: the expression nests more than 100 levels deep"),
        Case(name: "a UTF-16LE notebook without BOM", notebook: "", expected: "nb.md:1:2: error: the notebook contains a NUL byte",
             prepare: { folder in
                 try Data("# Title\n\nHello.\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
                     .write(to: folder.appendingPathComponent("nb.md"))
             }),
        Case(name: "--timeout inf", notebook: "# T\n", expected: "--timeout inf must be a number of seconds", status: 2, arguments: ["--timeout", "inf"]),
        Case(name: "--memory-limit nonsense", notebook: "# T\n", expected: "--memory-limit expects a size such as 2G", status: 2,
             arguments: ["--memory-limit", "lots"]),
    ]

    /// What one run did.
    struct Run {
        var status: Int32
        var stderr: String
        var peakKilobytes: Int
        var seconds: Double
        var signal: String?
    }

    /// Runs `nbrun` under `/usr/bin/time` (peak memory) and `timeout` (a minute).
    static func run(_ arguments: [String], in folder: URL) throws -> Run {
        let timing = folder.appendingPathComponent("time.txt")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "%M %e", "-o", timing.path, "timeout", "-s", "KILL", "60", NBRunProcess.binary.path] + arguments
        process.currentDirectoryURL = folder.appendingPathComponent("nb")
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = try String(contentsOf: timing, encoding: .utf8).split(separator: "\n")
        try FileManager.default.removeItem(at: timing)
        let numbers = lines.last.map { $0.split(separator: " ") } ?? []
        return Run(status: process.terminationStatus, stderr: stderr,
                   peakKilobytes: numbers.first.flatMap { Int($0) } ?? -1, seconds: numbers.count > 1 ? Double(numbers[1]) ?? -1 : -1,
                   signal: lines.first { $0.contains("signal") }.map(String.init))
    }

    /// Every regular file under `folder` (links not followed) with its bytes' digest.
    static func snapshot(_ folder: URL, skipping skipped: String? = nil) -> [String: String] {
        var files: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return files }
        while let path = walker.nextObject() as? String {
            if let skipped, path == skipped || path.hasPrefix(skipped + "/") { continue }
            let url = folder.appendingPathComponent(path)
            var info = stat()
            guard lstat(url.path, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFREG {
                var hasher = SHA256()
                hasher.update((try? Data(contentsOf: url)) ?? Data())
                files[path] = hasher.hexDigest()
            } else if (info.st_mode & S_IFMT) == S_IFLNK {
                files[path] = "link → " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) ?? "?")
            }
        }
        return files
    }

    @Test(arguments: cases)
    func failsCleanlyWithinBounds(_ hostile: Case) throws {
        let folder = try DataFixtures.temporaryDirectory("hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebookFolder = folder.appendingPathComponent("nb")
        let outside = folder.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: notebookFolder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try "precious".write(to: outside.appendingPathComponent("precious.txt"), atomically: true, encoding: .utf8)
        if !hostile.notebook.isEmpty {
            try hostile.notebook.write(to: notebookFolder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        }
        try hostile.prepare(notebookFolder)
        let before = Self.snapshot(folder)

        let run = try Self.run(["render", "nb.md", "-o", "../out", "-q"] + hostile.arguments, in: folder)
        #expect(run.signal == nil, "\(hostile.name): \(run.signal ?? "")")
        #expect(run.status == hostile.status, "\(hostile.name): exit \(run.status), stderr: \(run.stderr.prefix(600))")
        #expect(run.stderr.contains(hostile.expected), "\(hostile.name): stderr: \(run.stderr.prefix(600))")
        #expect(run.seconds >= 0 && run.seconds < 60, "\(hostile.name): \(run.seconds) s")
        #expect(run.peakKilobytes > 0 && run.peakKilobytes < 1_000_000, "\(hostile.name): peak \(run.peakKilobytes) KB")

        let report = folder.appendingPathComponent("out/nb.html"), record = folder.appendingPathComponent("out/nb.json")
        if hostile.status == 1 {
            let html = try String(contentsOf: report, encoding: .utf8)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: record)) as? [String: Any]
            #expect(json?["status"] as? String == "error", "\(hostile.name): record \(String(describing: json?["status"]))")
            // The error the terminal shows is the one at its place in the report.
            let message = hostile.expected.components(separatedBy: "error: ").last!
            let escaped = message.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "'", with: "&#39;")
                .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            #expect(message.isEmpty || html.contains(message) || html.contains(escaped), "\(hostile.name): report lacks '\(message)'")
        }
        // What was written is bounded: the report a few MB, the files cells wrote (capped image
        // files) < 100 MB. (The cache keeps a copy of what {load} read, by design.)
        let written = FileManager.default.enumerator(atPath: folder.appendingPathComponent("out").path)?.allObjects.compactMap { path -> Int? in
            guard let path = path as? String, !path.hasPrefix(".nbrun-cache") else { return nil }
            return (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("out/\(path)").path)[.size]) as? Int
        }.reduce(0, +) ?? 0
        let reportSize = (try? FileManager.default.attributesOfItem(atPath: report.path)[.size] as? Int) ?? 0
        #expect(reportSize < 8_000_000 && written < 100_000_000, "\(hostile.name): report \(reportSize) bytes, \(written) bytes under -o")
        // Nothing outside -o changed, and nothing new appeared there.
        #expect(Self.snapshot(folder, skipping: "out") == before, "\(hostile.name): files outside -o changed")
    }

    /// A link planted where an image file goes is replaced; its target outside `-o` is untouched.
    @Test func aLinkAtAnImageDestinationIsNotFollowed() throws {
        let folder = try DataFixtures.temporaryDirectory("hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebookFolder = folder.appendingPathComponent("nb")
        try FileManager.default.createDirectory(at: notebookFolder, withIntermediateDirectories: true)
        try Self.smallData(notebookFolder)
        try (Self.load(images: "images", extra: ":split: train\n") + "\n```{show}\n:count: 2\n```\n")
            .write(to: notebookFolder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let precious = folder.appendingPathComponent("outside/precious.txt")
        try FileManager.default.createDirectory(at: precious.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "precious".write(to: precious, atomically: true, encoding: .utf8)
        let planted = folder.appendingPathComponent("out/nb/data/0-train-0000.pgm")
        try FileManager.default.createDirectory(at: planted.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: planted, withDestinationURL: precious)
        let before = Self.snapshot(folder, skipping: "out")

        let run = try Self.run(["render", "nb.md", "-o", "../out", "-q"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOf: precious, encoding: .utf8) == "precious")
        #expect(try NetpbmReader.decode([UInt8](Data(contentsOf: planted))).width == 3)
        #expect(Self.snapshot(folder, skipping: "out") == before)
    }
}
