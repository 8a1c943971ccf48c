import Foundation
import Testing
@testable import NotebookRunner
import ZlibBindings

/// Hostile and careless inputs, each run through the built `nbrun` as a user would run it.
///
/// Every case must: exit as it says (1 for an error, 2 for a usage error, 0 where nbrun
/// works and warns) with the error located at `file:line:col` or naming the file; end by
/// itself, not by a signal, within a minute; peak under 1 GB (measured by `/usr/bin/time`);
/// write both the report and the run record, agreeing on the outcome (a bad option value
/// writes both, saying so; a usage error with no sound notebook or folder, and `nbrun
/// check`, write neither: nothing under `-o` changes); and write nothing outside
/// `-o`. The last is checked over everything a case can reach: its whole folder (the
/// notebook's folder, `-o`, a folder beside them, `HOME` and `TMPDIR` pointed into it) is
/// hashed before and after, and links planted inside `-o` where nbrun writes (the report,
/// the record, the asset and cache folders) point at files outside it that must not change.
/// The big-allocation cases run with `--memory-limit 1G`, the bound the suite holds nbrun
/// to, so they fail by the budget at once instead of running.
@Suite(.serialized) struct HostileInputTests {
    /// One row: files to create, a notebook, the command line, and what must be said.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var notebook: String
        /// What stderr must contain.
        var expected: String
        var status: Int32 = 1
        /// How long the run may take (a minute, less where a timeout must act promptly).
        var seconds: Double = 60
        /// Appended to `render nb.md -o ../out -q`.
        var arguments: [String] = []
        /// The whole command line instead, run in the notebook's folder `nb/`.
        var command: [String]? = nil
        /// Text the report must contain besides the error message.
        var inReport: [String] = []
        /// A notebook rendered first, successfully, into the same `-o`.
        var previous: String? = nil
        /// Builds input files in the case's folder (the notebook's folder `nb/`).
        var prepare: @Sendable (URL) throws -> Void = { _ in }
        /// Changes input files after the previous render.
        var change: @Sendable (URL) throws -> Void = { _ in }
        /// A usage error naming a value the run cannot take (the notebook and `-o` being sound):
        /// the report and the record say it.
        var reportsUsage = false
        var testDescription: String { name }

        var arguments_: [String] { command ?? ["render", "nb.md", "-o", "../out", "-q"] + arguments }
        /// Whether this run writes a report and a record (a render whose notebook and folder are sound).
        var writesReport: Bool { (status != 2 || reportsUsage) && arguments_.first == "render" }
    }

    static let smallData: @Sendable (URL) throws -> Void = { folder in
        _ = try DataFixtures.write(DataFixtures.imagesFile(count: 40), to: folder.appendingPathComponent("images"))
        _ = try DataFixtures.write(DataFixtures.labelsFile((0..<40).map { UInt8($0 % 10) }), to: folder.appendingPathComponent("labels"))
    }

    /// `count` images of `size`×`size` with their labels, as `images` and `labels`.
    static func data(count: Int, size: Int = 28) -> @Sendable (URL) throws -> Void {
        { folder in
            _ = try DataFixtures.write(DataFixtures.imagesFile(count: count, rows: size, cols: size), to: folder.appendingPathComponent("images"))
            _ = try DataFixtures.write(DataFixtures.labelsFile((0..<count).map { UInt8($0 % 10) }), to: folder.appendingPathComponent("labels"))
        }
    }

    static func load(images: String, labels: String = "labels", extra: String = "") -> String {
        "```{load}\n:images: \(images)\n:labels: \(labels)\n\(extra)```\n"
    }

    static func eval(_ lines: String, options: String = "") -> String {
        "```{eval}\n\(options)\(lines)\n```\n"
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

    /// Ten 4096×4096 images in a 650 KB gzip, as `big.gz` and `big-labels`.
    static let bigImages: @Sendable (URL) throws -> Void = { folder in
        var pixels = [UInt8](repeating: 0, count: 10 * 4096 * 4096)
        for index in stride(from: 0, to: pixels.count, by: 4099) { pixels[index] = UInt8(truncatingIfNeeded: index) }
        _ = try DataFixtures.write(try Zlib.deflate(DataFixtures.idx(dimensions: [10, 4096, 4096], values: pixels), format: .gzip, level: 1),
                                   to: folder.appendingPathComponent("big.gz"))
        _ = try DataFixtures.write(DataFixtures.labelsFile(Array(0 ..< 10)), to: folder.appendingPathComponent("big-labels"))
    }

    static let parens = String(repeating: "(", count: 8000) + "1" + String(repeating: ")", count: 8000)
    static let fine = "# Fine\n\nNothing to run.\n"
    static let oneGigabyte = ["--memory-limit", "1G"]

    static let cases: [Case] = [
        // Empty reductions.
        Case(name: "max of an empty slice", notebook: eval("max([1, 2, 3][3:1])"),
             expected: "nb.md:2:1: error: max() of an empty tensor is undefined"),
        Case(name: "min of an empty slice with axis=", notebook: eval("A = onehot([0, 1], 3)\nmin(A[:, 2:1], axis=1)"),
             expected: "nb.md:3:21: error: min() of an empty tensor is undefined"),
        Case(name: "min of an empty slice in an inline role", notebook: "# T\n\nThe least is {eval}`min([1, 2][2:])`.\n",
             expected: "nb.md:3:21: error: min() of an empty tensor is undefined"),
        Case(name: "argmax of an empty slice", notebook: eval("argmax([5, 6][1:1])"),
             expected: "nb.md:2:1: error: argmax() of an empty tensor is undefined"),
        // Deep nesting and long flat chains.
        Case(name: "8,000 nested parentheses", notebook: eval(parens),
             expected: "nb.md:2:101: error: the expression nests more than 100 levels deep"),
        Case(name: "8,000 nested parentheses in nbrun check", notebook: eval(parens),
             expected: "nb.md:2:101: error: the expression nests more than 100 levels deep", command: ["check", "nb.md"]),
        Case(name: "20,000 chained minus signs", notebook: eval("m = " + String(repeating: "- ", count: 20_001) + "3"),
             expected: "", status: 0, inReport: [" = -3</pre>"]),
        Case(name: "20,000 chained .T", notebook: eval("A = onehot([0, 1], 3)\nB = A" + String(repeating: ".T", count: 20_000) + "\nsum(B * A)"),
             expected: "", status: 0, inReport: ["sum(B * A) = 2</pre>"]),
        Case(name: "20,000 chained [0]", notebook: eval("v = [1, 2]\nv" + String(repeating: "[0]", count: 20_000)),
             expected: "nb.md:3:5: error: 1 subscripts for a scalar"),
        Case(name: "a flat sum of 20,000 terms", notebook: eval("s = " + Array(repeating: "1", count: 20_000).joined(separator: " + ")),
             expected: "", status: 0, inReport: [" = 20000</pre>"]),
        // Tensors over the budget fail at the operator, before allocating.
        Case(name: "onehot([1], 60000) then a.T @ a", notebook: eval("a = onehot([1], 60000)\na.T @ a"),
             expected: "nb.md:3:5: error: '@' would create a tensor of shape (60000×60000)", arguments: oneGigabyte),
        Case(name: "a 20000×20000 broadcast", notebook: eval("b = onehot([0], 20000)\nb.T + b"),
             expected: "nb.md:3:5: error: '+' would create a tensor of shape (20000×20000)", arguments: oneGigabyte),
        // A tensor the evaluation may make can still be far too large to keep for later cells and the cache.
        Case(name: "a bound 3000×3000 broadcast", notebook: eval("a = onehot([3], 3000)\nc = a.T + a"),
             expected: "nb.md:3:1: error: keeping c, a (3000×3000) tensor of 9,000,000 values, for later cells and the cell cache needs 612,000,000 bytes (612 MB), more than the memory budget of 400 MB",
             arguments: ["--memory-limit", "400M"]),
        Case(name: "the same broadcast shown, not bound", notebook: eval("a = onehot([3], 3000)\nsum(a.T + a)"),
             expected: "", status: 0, arguments: ["--memory-limit", "400M"], inReport: ["sum(a.T + a) = 6000</pre>"]),
        Case(name: "onehot(…, 5e7)", notebook: eval("onehot([1, 2, 3], 5e7)"),
             expected: "nb.md:2:19: error: onehot() would create a tensor of shape (3×50000000)", arguments: oneGigabyte),
        Case(name: "X @ X.T over 20,000 rows", notebook: load(images: "images", extra: ":split: train\n") + "\n" + eval("X @ X.T", options: ":samples: 20000\n"),
             expected: "nb.md:9:3: error: '@' would create a tensor of shape (20000×20000)", arguments: oneGigabyte,
             prepare: data(count: 20_000)),
        Case(name: "a long product stopped by the cell's timeout",
             notebook: load(images: "images", extra: ":split: train\n") + "\n```{eval}\n:label: slow\n:samples: 3000\n:timeout: 1\nG = X @ X.T\nG @ G @ G @ G @ G\n```\n",
             expected: "nb.md:7:1: error: cell 'slow' timed out after 1 s (:timeout: 1)", seconds: 45, prepare: data(count: 3000)),
        Case(name: "a long product stopped by --timeout",
             notebook: load(images: "images", extra: ":split: train\n") + "\n```{eval}\n:samples: 3000\nG = X @ X.T\nG @ G @ G @ G @ G\n```\n",
             expected: "error: the run timed out after 2 s (--timeout 2)", seconds: 45, arguments: ["--timeout", "2"], prepare: data(count: 3000)),
        // Command-line numbers.
        Case(name: "--timeout inf after a good render", notebook: fine, expected: "--timeout inf must be a number of seconds", status: 2,
             arguments: ["--timeout", "inf"], previous: fine, reportsUsage: true),
        Case(name: "--timeout 1e18", notebook: fine, expected: "--timeout 1e+18 must be a number of seconds", status: 2, arguments: ["--timeout", "1e18"], reportsUsage: true),
        Case(name: "--timeout 1e300", notebook: fine, expected: "--timeout 1e+300 must be a number of seconds", status: 2, arguments: ["--timeout", "1e300"], reportsUsage: true),
        Case(name: "--timeout -1", notebook: fine, expected: "--timeout -1.0 must be a number of seconds above 0", status: 2, arguments: ["--timeout", "-1"], reportsUsage: true),
        // -p values are checked against their options' declarations before any cell runs,
        // whether or not a cell of the notebook reads them.
        Case(name: "-p lr=abc on a notebook without {train}", notebook: fine,
             expected: "invalid parameter -p lr=abc: option :lr: expects a number, got 'abc'", status: 2,
             arguments: ["-p", "lr=abc"], previous: fine, reportsUsage: true),
        Case(name: "-p count=0 on a notebook without {show}", notebook: fine,
             expected: "invalid parameter -p count=0: option :count: is 0, outside 1…1000", status: 2,
             arguments: ["-p", "count=0"], reportsUsage: true),
        Case(name: "-p epochs=abc before a {load} and {train}",
             notebook: load(images: "images", extra: ":split: train\n") + "\n```{train} softmax\n```\n",
             expected: "invalid parameter -p epochs=abc: option :epochs: expects an integer, got 'abc'", status: 2,
             arguments: ["-p", "epochs=abc"], prepare: smallData, reportsUsage: true),
        Case(name: "-p normalize=maybe", notebook: fine,
             expected: "invalid parameter -p normalize=maybe: option :normalize: expects true or false", status: 2,
             arguments: ["-p", "normalize=maybe"], reportsUsage: true),
        Case(name: "-p format=jpg", notebook: fine,
             expected: "invalid parameter -p format=jpg: option :format: expects one of pgm, ppm", status: 2,
             arguments: ["-p", "format=jpg"], reportsUsage: true),
        Case(name: "-p seed=-1", notebook: fine, expected: "invalid parameter -p seed=-1: option :seed: is -1, outside", status: 2,
             arguments: ["-p", "seed=-1"], reportsUsage: true),
        Case(name: "--memory-limit nonsense", notebook: fine, expected: "--memory-limit expects a size such as 2G", status: 2,
             arguments: ["--memory-limit", "lots"], reportsUsage: true),
        // Integers from the notebook.
        Case(name: "{show} :start: Int.max", notebook: load(images: "images") + "\n```{show}\n:start: 9223372036854775807\n```\n",
             expected: "nb.md:7:9: error: option :start: is 9223372036854775807, outside", prepare: smallData),
        Case(name: "{show} predictions :start: Int.max",
             notebook: load(images: "images") + "\n```{train} softmax\n:epochs: 1\n```\n\n```{show} predictions\n:start: 9223372036854775807\n:only: wrong\n```\n",
             expected: "nb.md:11:9: error: option :start: is 9223372036854775807, outside", prepare: smallData),
        // Files that are not regular files, and decompression bombs.
        Case(name: "images from /dev/zero", notebook: load(images: "/dev/zero"),
             expected: "nb.md:2:10: error: images file '/dev/zero' is a character device, not a regular file", prepare: smallData),
        Case(name: "images from /dev/urandom", notebook: load(images: "/dev/urandom"),
             expected: "nb.md:2:10: error: images file '/dev/urandom' is a character device", prepare: smallData),
        Case(name: "images from a FIFO", notebook: load(images: "fifo"),
             expected: "nb.md:2:10: error: images file 'fifo' is a FIFO (named pipe), not a regular file",
             prepare: { folder in try smallData(folder); _ = mkfifo(folder.appendingPathComponent("fifo").path, 0o600) }),
        Case(name: "a prose image linked to /dev/zero", notebook: "# Post\n\n![zero](zero.png)\n",
             expected: "nb.md:3:1: error: image 'zero.png' is a character device, not a regular file",
             prepare: { folder in try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("zero.png").path, withDestinationPath: "/dev/zero") }),
        Case(name: "a prose image from /dev/zero", notebook: "# Post\n\n![zero](/dev/zero)\n",
             expected: "nb.md:3:1: error: image '/dev/zero' starts at the project's folder, and the page is in no project"),
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
             inReport: ["The images are 4096×4096 pixels; the report shows them shrunk"], prepare: bigImages),
        Case(name: "ten 4096×4096 images, then training and {show} weights", notebook: load(images: "big.gz", labels: "big-labels", extra: ":split: train\n")
                + "\n```{train} softmax\n:epochs: 1\n```\n\n```{show} weights\n```\n",
             expected: "nb.md:7:4: error: training softmax regression on 4096×4096 images (16,777,216 × 10 weights, with their gradient and a working copy) needs",
             arguments: oneGigabyte, prepare: bigImages),
        Case(name: "ten 4096×4096 images, then a declared model", notebook: load(images: "big.gz", labels: "big-labels", extra: ":split: train\n")
                + "\n```{model}\n:label: mlp\nparam W1: inputs×256 normal(0.01)\nparam b1: 256 zeros\nparam W2: 256×classes normal(0.01)\n"
                + "param b2: classes zeros\nH = relu(X @ W1 + b1)\nP = softmax(H @ W2 + b2)\nloss: -mean(sum(Y * log(P), axis=1))\n```\n"
                + "\n```{train}\n:model: mlp\n:epochs: 1\n```\n",
             expected: "nb.md:7:4: error: the model 'mlp', parameters W1 16777216×256, W2 256×10, b1 256, b2 10 (with the copies declaring it makes), needs",
             arguments: oneGigabyte, prepare: bigImages),
        // Names from the notebook that climb out of -o.
        Case(name: "a data set name that climbs out of -o", notebook: load(images: "images", extra: ":name: ../../outside/x\n") + "\n```{show}\n```\n",
             expected: "nb.md:4:8: error: option :name: '../../outside/x' is not a plain name", prepare: smallData),
        Case(name: "a data set name that climbs to /tmp", notebook: load(images: "images", extra: ":name: ../../../../tmp/x\n") + "\n```{show}\n```\n",
             expected: "nb.md:4:8: error: option :name: '../../../../tmp/x' is not a plain name", prepare: smallData),
        // Notebooks that cannot be read or parsed, after a good render: both files replaced.
        Case(name: "a duplicate label after a good render", notebook: "```{eval}\n:label: a\n1\n```\n\n```{eval}\n:label: a\n2\n```\n",
             expected: "nb.md:7:9: error: label 'a' is already used", previous: fine),
        Case(name: "bad UTF-8 after a good render", notebook: "", expected: "nb.md:3:3: error: the notebook is not valid UTF-8", previous: fine,
             change: { folder in
                 try Data(Array("# Title\n\nna".utf8) + [0xEF, 0xBB] + Array("x\n".utf8)).write(to: folder.appendingPathComponent("nb.md"))
             }),
        Case(name: "UTF-16 with a byte-order mark after a good render", notebook: "",
             expected: "nb.md:1:1: error: the notebook is UTF-16LE text", previous: fine,
             change: { folder in
                 try Data([0xFF, 0xFE] + "# Title\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: folder.appendingPathComponent("nb.md"))
             }),
        Case(name: "a YAML error after a good render", notebook: "---\ntitle: [unclosed\n---\n\n# Body\n", expected: "nb.md:3:1: error: invalid YAML in the front matter", previous: fine),
        Case(name: "an empty notebook after a good render", notebook: "", expected: "nb.md:1:1: error: the notebook is empty", previous: fine,
             change: { folder in try Data().write(to: folder.appendingPathComponent("nb.md")) }),
        Case(name: "a UTF-16LE notebook without BOM", notebook: "", expected: "nb.md:1:2: error: the notebook contains a NUL byte",
             prepare: { folder in
                 try Data("# Title\n\nHello.\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
                     .write(to: folder.appendingPathComponent("nb.md"))
             }),
        // A data file rewritten in place, its size and modification time put back: read again.
        Case(name: "a data file changed in place with its size and time kept",
             notebook: load(images: "images", extra: ":split: train\n") + "\n" + eval("total = sum(y)", options: ":samples: 40\n"),
             expected: "", status: 0, inReport: ["total = sum(y) = 0</pre>"],
             previous: load(images: "images", extra: ":split: train\n") + "\n" + eval("total = sum(y)", options: ":samples: 40\n"),
             prepare: smallData,
             change: { folder in
                 let labels = folder.appendingPathComponent("labels"), reference = folder.appendingPathComponent("labels-times")
                 try FileManager.default.copyItem(at: labels, to: reference)
                 #expect(try touch(["-r", labels.path, reference.path]) == 0)
                 let before = try FileManager.default.attributesOfItem(atPath: labels.path)
                 // The same size, other bytes (every label 0), written into the same inode.
                 let handle = try FileHandle(forWritingTo: labels)
                 try handle.seek(toOffset: 8)
                 try handle.write(contentsOf: Data(repeating: 0, count: 40))
                 try handle.close()
                 #expect(try touch(["-r", reference.path, labels.path]) == 0)
                 let after = try FileManager.default.attributesOfItem(atPath: labels.path)
                 #expect(after[.size] as? Int == before[.size] as? Int)
                 #expect(after[.modificationDate] as? Date == before[.modificationDate] as? Date)
                 #expect(after[.systemFileNumber] as? Int == before[.systemFileNumber] as? Int)
                 try FileManager.default.removeItem(at: reference)
             }),
        // Command-line mistakes.
        Case(name: "a misspelt subcommand", notebook: fine, expected: "unknown subcommand 'chekc'; did you mean 'check'?", status: 2,
             command: ["chekc", "nb.md"]),
        Case(name: "-o naming a file", notebook: fine, expected: "-o taken.txt: ", status: 2,
             command: ["render", "nb.md", "-o", "taken.txt"],
             prepare: { folder in try "not a folder".write(to: folder.appendingPathComponent("taken.txt"), atomically: true, encoding: .utf8) }),
        Case(name: "a folder as the notebook", notebook: fine, expected: "folder is a folder, not a notebook", status: 2,
             command: ["render", "folder", "-o", "../out"],
             prepare: { folder in try FileManager.default.createDirectory(at: folder.appendingPathComponent("folder"), withIntermediateDirectories: true) }),
        Case(name: "a FIFO as the notebook", notebook: fine, expected: "pipe.md is a FIFO (named pipe), not a regular file", status: 2,
             command: ["render", "pipe.md", "-o", "../out"],
             prepare: { folder in _ = mkfifo(folder.appendingPathComponent("pipe.md").path, 0o600) }),
        Case(name: "a FIFO as the notebook of nbrun check", notebook: fine, expected: "pipe.md is a FIFO (named pipe), not a regular file",
             status: 2, command: ["check", "pipe.md"],
             prepare: { folder in _ = mkfifo(folder.appendingPathComponent("pipe.md").path, 0o600) }),
        Case(name: "/dev/null as the notebook", notebook: fine, expected: "/dev/null is a character device, not a regular file", status: 2,
             command: ["render", "/dev/null", "-o", "../out"]),
        Case(name: "a socket as the notebook", notebook: fine, expected: "socket.md is a socket, not a regular file", status: 2,
             command: ["render", "socket.md", "-o", "../out"],
             prepare: { folder in try bindSocket(at: folder.appendingPathComponent("socket.md")) }),
        Case(name: "-o ''", notebook: fine, expected: "-o/--output needs a folder name, got an empty string", status: 2,
             command: ["render", "nb.md", "-o", ""]),
        Case(name: "two notebooks with one base name", notebook: fine,
             expected: "a/nb.md and b/nb.md would both be written to nb.html and nb.json", status: 2,
             command: ["render", "a/nb.md", "b/nb.md", "-o", "../out"],
             prepare: { folder in
                 for name in ["a", "b"] {
                     try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
                     try fine.write(to: folder.appendingPathComponent("\(name)/nb.md"), atomically: true, encoding: .utf8)
                 }
             }),
        // What nbrun changed or suspects is said.
        Case(name: ":lr: 1e9", notebook: load(images: "images", extra: ":split: train\n") + "\n```{train} softmax\n:lr: 1e9\n:epochs: 3\n:batch: 100\n```\n",
             expected: "nb.md:7:4: warning: the training loss reached ", status: 0, inReport: ["far above its first value", "in epoch "],
             prepare: smallData),
        Case(name: ":samples: 12000 on 10,000 rows",
             notebook: load(images: "images", extra: ":split: train\n") + "\n" + eval("sum(y)", options: ":samples: 12000\n"),
             expected: "", status: 0, inReport: ["10000 rows of data train — all of them: :samples: asked for 12,000"],
             prepare: data(count: 10_000, size: 4)),
        Case(name: "a second {load}", notebook: load(images: "images") + "\n" + load(images: "images", extra: ":name: again\n"),
             expected: "", status: 0, inReport: ["Later cells now use &#39;again&#39; instead of &#39;data&#39;"], prepare: smallData),
        Case(name: "a duplicate option line", notebook: "```{show}\n:count: 2\n:count: 3\n```\n",
             expected: "nb.md:3:1: error: option :count: is given twice"),
        Case(name: "raw HTML <form>, <meta http-equiv=refresh> and <base>",
             notebook: "# T\n\n<form action=\"https://example.com/x\"><button>go</button></form>\n\n"
                + "<meta http-equiv=\"refresh\" content=\"0; url=https://example.com/\">\n\n<base href=\"https://example.com/\">\n",
             expected: "", status: 0,
             inReport: ["form-action 'none'; base-uri 'none'", "&lt;meta http-equiv=\"refresh\""]),
    ]

    /// What one run did.
    struct Run {
        var status: Int32
        var stderr: String
        var peakKilobytes: Int
        var seconds: Double
        var signal: String?
        /// Every path nbrun created, wrote, renamed, linked or removed, as its system calls
        /// name them (nil without `strace`).
        var changedPaths: [String]?
    }

    /// `strace`, which lists the file system calls of a run, when it can trace here.
    static let strace: URL? = {
        let url = URL(fileURLWithPath: "/usr/bin/strace")
        guard FileManager.default.isExecutableFile(atPath: url.path),
              let process = try? Process.run(url, arguments: ["-qq", "-o", "/dev/null", "/bin/true"]) else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? url : nil
    }()

    /// The system calls that change the file system, and the `O_` flags that make an open one of them.
    static let changingCalls = "creat,open,openat,openat2,rename,renameat,renameat2,link,linkat,symlink,symlinkat,unlink,unlinkat,mkdir,mkdirat,rmdir,truncate,chmod,fchmodat,chown,fchownat,lchown,utimensat,mknod,mknodat"
    static let writingFlags = ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]

    /// The paths a successful changing call in `strace -y` output names, made absolute
    /// against the working directory `directory`.
    static func changedPaths(inTrace trace: String, directory: URL) -> [String] {
        var paths: [String] = []
        for line in trace.split(separator: "\n") {
            // A call another thread interrupted is listed `<unfinished ...>`, its result later:
            // counted whatever the result.
            guard let open = line.firstIndex(of: "("),
                  let end = line.range(of: " <unfinished ...>")?.lowerBound ?? line.range(of: ") = ", options: .backwards).flatMap({
                      line[$0.upperBound...].hasPrefix("-1") ? nil : $0.lowerBound
                  }) else { continue }
            let call = line[..<open].split(separator: " ").last.map(String.init) ?? ""
            let arguments = String(line[line.index(after: open) ..< end])
            if call.hasPrefix("open"), !writingFlags.contains(where: arguments.contains) { continue }
            // Each path: an optional directory descriptor `N</dir>`, then a quoted string.
            let pattern = #/(?:(?:AT_FDCWD|\d+<(?<folder>[^>]*)>), )?"(?<path>(?:[^"\\]|\\.)*)"/#
            for match in arguments.matches(of: pattern) {
                let path = String(match.output.path)
                let base = match.output.folder.map { URL(fileURLWithPath: String($0), isDirectory: true) } ?? directory
                paths.append(path.hasPrefix("/") ? URL(fileURLWithPath: path).standardizedFileURL.path
                                                 : base.appendingPathComponent(path).standardizedFileURL.path)
            }
        }
        return paths
    }

    /// Runs `nbrun` in `nb/` under `/usr/bin/time` (peak memory) and `timeout` (a minute),
    /// with `HOME` and `TMPDIR` inside `folder`; sends `signal` to it once stderr contains
    /// `trigger`.
    static func run(_ arguments: [String], in folder: URL, signal: (number: Int32, trigger: String)? = nil) throws -> Run {
        let timing = folder.appendingPathComponent("time.txt"), trace = folder.appendingPathComponent("trace.txt")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        let tracing = strace.map { [$0.path, "-f", "-qq", "-y", "-s", "4096", "-e", "trace=" + changingCalls, "-o", trace.path] } ?? []
        process.arguments = ["-f", "%M %e", "-o", timing.path] + tracing + ["timeout", "-s", "KILL", "60", NBRunProcess.binary.path] + arguments
        process.currentDirectoryURL = folder.appendingPathComponent("nb")
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["HOME": folder.appendingPathComponent("outside/home").path, "TMPDIR": folder.appendingPathComponent("outside/tmp").path]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var stderrData = Data()
        var sent = false
        while true {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            stderrData.append(chunk)
            if let signal, !sent, String(decoding: stderrData, as: UTF8.self).contains(signal.trigger) {
                // To nbrun itself, below `time` (and `strace` and `timeout`, which may have the
                // signal blocked, as inherited from the test runner).
                func read(_ path: String) -> String {
                    FileHandle(forReadingAtPath: path).map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
                }
                var pid = process.processIdentifier
                for _ in 0 ..< 4 {
                    guard let child = read("/proc/\(pid)/task/\(pid)/children").split(separator: " ").first.flatMap({ Int32($0) }) else { break }
                    pid = child
                    if read("/proc/\(pid)/cmdline").hasPrefix(NBRunProcess.binary.path) {
                        kill(pid, signal.number)
                        sent = true
                        break
                    }
                }
            }
        }
        process.waitUntilExit()
        let stderr = String(decoding: stderrData, as: UTF8.self)
        let lines = try String(contentsOf: timing, encoding: .utf8).split(separator: "\n")
        try FileManager.default.removeItem(at: timing)
        let numbers = lines.last.map { $0.split(separator: " ") } ?? []
        var changed: [String]?
        if strace != nil {
            changed = changedPaths(inTrace: try String(contentsOf: trace, encoding: .utf8), directory: process.currentDirectoryURL!)
            try FileManager.default.removeItem(at: trace)
        }
        return Run(status: process.terminationStatus, stderr: stderr,
                   peakKilobytes: numbers.first.flatMap { Int($0) } ?? -1, seconds: numbers.count > 1 ? Double(numbers[1]) ?? -1 : -1,
                   signal: lines.first { $0.contains("signal") }.map(String.init), changedPaths: changed)
    }

    /// Leaves a Unix-domain socket at `url` (bound, then closed: the file stays).
    static func bindSocket(at url: URL) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(url.path.utf8CString)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.prefix(buffer.count - 1).enumerated() { buffer[index] = UInt8(bitPattern: byte) }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0, "bind \(url.path): \(String(cString: strerror(errno)))")
    }

    /// Runs `touch` (which copies times to the nanosecond with `-r`).
    static func touch(_ arguments: [String]) throws -> Int32 {
        let process = try Process.run(URL(fileURLWithPath: "/usr/bin/touch"), arguments: arguments)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Every regular file under `folder` (links not followed) with its bytes' digest, every
    /// link with its target.
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

    /// A case's folder: `nb/` (the notebook's, the working directory), `out/` (`-o`) and
    /// `outside/` with files that must stay as they are — among them the targets of links
    /// planted in `out/`, and the `HOME` and `TMPDIR` of the runs.
    static func workspace() throws -> URL {
        let folder = try DataFixtures.temporaryDirectory("hostile")
        let outside = folder.appendingPathComponent("outside")
        for path in ["nb", "out", "outside/home", "outside/tmp", "outside/planted-assets", "outside/planted-cache/nb"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(path), withIntermediateDirectories: true)
        }
        for path in ["precious.txt", "planted-report.html", "planted-record.json", "planted-assets/precious.txt",
                     "planted-cache/file-digests.json", "planted-cache/nb/precious.entry"] {
            try "precious".write(to: outside.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// Links in `out/` where nbrun writes, each to a file or folder outside it; a path
    /// that already holds something (from a previous render) is left as it is.
    static func plantLinks(in folder: URL) throws {
        let links = ["nb.html": "planted-report.html", "nb.json": "planted-record.json", "nb": "planted-assets", ".nbrun-cache": "planted-cache"]
        for (name, target) in links {
            let link = folder.appendingPathComponent("out/\(name)")
            var info = stat()
            guard lstat(link.path, &info) != 0 else { continue }
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "../outside/\(target)")
        }
    }

    /// Every string in a decoded JSON value.
    static func strings(in json: Any?) -> [String] {
        switch json {
        case let text as String: [text]
        case let array as [Any]: array.flatMap { strings(in: $0) }
        case let object as [String: Any]: object.values.flatMap { strings(in: $0) }
        default: []
        }
    }

    /// The checks every run must pass: no signal, the exit status, what stderr says, the
    /// time and memory bounds, the report and the record (written, regular files, agreeing),
    /// the size of what was written, and nothing changed outside `-o`.
    static func verify(_ run: Run, _ hostile: Case, in folder: URL, before: [String: String], record expectedRecord: [String: String] = [:]) throws {
        let name = hostile.name
        #expect(run.signal == nil, "\(name): \(run.signal ?? "")")
        #expect(run.status == hostile.status, "\(name): exit \(run.status), stderr: \(run.stderr.prefix(600))")
        #expect(hostile.expected.isEmpty || run.stderr.contains(hostile.expected), "\(name): stderr: \(run.stderr.prefix(600))")
        #expect(run.seconds >= 0 && run.seconds < hostile.seconds, "\(name): \(run.seconds) s")
        #expect(run.peakKilobytes > 0 && run.peakKilobytes < 1_000_000, "\(name): peak \(run.peakKilobytes) KB")

        let report = folder.appendingPathComponent("out/nb.html"), record = folder.appendingPathComponent("out/nb.json")
        if hostile.writesReport && hostile.arguments_.contains("nb.md") {
            for file in [report, record] {
                let type = try FileManager.default.attributesOfItem(atPath: file.path)[.type] as? FileAttributeType
                #expect(type == .typeRegular, "\(name): \(file.lastPathComponent) is \(String(describing: type))")
            }
            let html = try String(contentsOf: report, encoding: .utf8)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: record)) as? [String: Any]
            let status = hostile.status == 0 ? "ok" : "error"
            #expect(json?["status"] as? String == status, "\(name): record \(String(describing: json?["status"]))")
            for (key, value) in expectedRecord {
                #expect(json?[key] as? String == value, "\(name): record \(key) is \(String(describing: json?[key]))")
            }
            // The error the terminal shows is the one in the report and in the record.
            if hostile.status != 0, let message = hostile.expected.components(separatedBy: "error: ").last, !message.isEmpty {
                #expect(html.contains(message) || html.contains(HTML.escape(message)), "\(name): report lacks '\(message)'")
                #expect(strings(in: json).contains { $0.contains(message) }, "\(name): record lacks '\(message)'")
            }
            for text in hostile.inReport {
                #expect(html.contains(text), "\(name): report lacks '\(text)'")
            }
        }
        // What was written is bounded: the report a few MB, the files cells wrote (capped image
        // files) < 100 MB. (The cache keeps a copy of what {load} read, by design.)
        let written = FileManager.default.enumerator(atPath: folder.appendingPathComponent("out").path)?.allObjects.compactMap { path -> Int? in
            guard let path = path as? String, !path.hasPrefix(".nbrun-cache") else { return nil }
            return (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("out/\(path)").path)[.size]) as? Int
        }.reduce(0, +) ?? 0
        let reportSize = (try? FileManager.default.attributesOfItem(atPath: report.path)[.size] as? Int) ?? 0
        #expect(reportSize < 8_000_000 && written < 100_000_000, "\(name): report \(reportSize) bytes, \(written) bytes under -o")
        // Every path nbrun's system calls created, wrote, renamed or removed is inside -o.
        let output = folder.appendingPathComponent("out").standardizedFileURL.path + "/"
        let outsideChanges = (run.changedPaths ?? []).filter { !$0.hasPrefix(output) }
        #expect(outsideChanges.isEmpty, "\(name): changed outside -o: \(outsideChanges.prefix(5))")
        #expect(hostile.writesReport == run.changedPaths.map { !$0.isEmpty } ?? hostile.writesReport,
                "\(name): \(run.changedPaths?.count ?? 0) paths changed")
        // Nothing outside -o changed and nothing new appeared there (the planted links' targets
        // included); a run that writes no report changed nothing under -o either.
        if hostile.writesReport {
            #expect(snapshot(folder, skipping: "out") == before.filter { !$0.key.hasPrefix("out/") }, "\(name): files outside -o changed")
        } else {
            #expect(snapshot(folder) == before, "\(name): files changed")
        }
    }

    @Test(arguments: cases)
    func failsCleanlyWithinBounds(_ hostile: Case) throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebookFolder = folder.appendingPathComponent("nb")
        try hostile.prepare(notebookFolder)
        if let previous = hostile.previous {
            try previous.write(to: notebookFolder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
            let first = try Self.run(["render", "nb.md", "-o", "../out", "-q"], in: folder)
            #expect(first.status == 0, "\(hostile.name): the previous render: \(first.stderr)")
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/nb.json"))) as? [String: Any]
            #expect(record?["status"] as? String == "ok")
        }
        if !hostile.notebook.isEmpty {
            try hostile.notebook.write(to: notebookFolder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        }
        try hostile.change(notebookFolder)
        try Self.plantLinks(in: folder)
        let before = Self.snapshot(folder)

        let run = try Self.run(hostile.arguments_, in: folder)
        try Self.verify(run, hostile, in: folder, before: before)
    }

    /// The trace reading behind "every path changed is inside -o" finds what it must.
    @Test func theTraceNamesEveryChangedPath() {
        let trace = """
            101 openat(AT_FDCWD, "/w/nb/images", O_RDONLY|O_CLOEXEC) = 3</w/nb/images>
            101 openat(AT_FDCWD, "/w/out/.nb.html.1-2.tmp", O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0644) = 8</w/out/.nb.html.1-2.tmp>
            101 rename("/w/out/.nb.html.1-2.tmp", "/w/out/nb.html") = 0
            101 mkdir("/w/out", 0777) = -1 EEXIST (File exists)
            102 openat(AT_FDCWD, "../outside/x.pgm", O_WRONLY|O_CREAT|O_TRUNC, 0666 <unfinished ...>
            101 unlinkat(5</w/outside>, "precious.txt", 0) = 0
            102 <... openat resumed>) = 9
            """
        #expect(Self.changedPaths(inTrace: trace, directory: URL(fileURLWithPath: "/w/nb"))
                == ["/w/out/.nb.html.1-2.tmp", "/w/out/.nb.html.1-2.tmp", "/w/out/nb.html", "/w/outside/x.pgm", "/w/outside/precious.txt"])
    }

    /// SIGTERM (what `timeout`, CI runners and `docker stop` send) and SIGHUP during a long
    /// training run: the partial report and record are written, exit status 128 + N.
    @Test(arguments: [(SIGTERM, "SIGTERM", Int32(143)), (SIGHUP, "SIGHUP", Int32(129))])
    func terminationSignalsLeaveAPartialReportAndRecord(signal: Int32, name: String, status: Int32) throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hostile = Case(name: name, notebook: Self.load(images: "images", extra: ":split: train\n")
                                + "\n```{train} softmax\n:label: long\n:epochs: 5000\n```\n\nAccuracy {eval}`long.test_accuracy:.1%`.\n",
                           expected: "nb.md:7:1: error: interrupted (\(name)): the run was stopped", status: status,
                           inReport: ["interrupted (\(name))"], prepare: Self.data(count: 2000))
        try hostile.prepare(folder.appendingPathComponent("nb"))
        try hostile.notebook.write(to: folder.appendingPathComponent("nb/nb.md"), atomically: true, encoding: .utf8)
        try Self.plantLinks(in: folder)
        let before = Self.snapshot(folder)
        let run = try Self.run(["render", "nb.md", "-o", "../out"], in: folder, signal: (signal, "{train} long"))
        try Self.verify(run, hostile, in: folder, before: before, record: ["stop": "interrupted", "signal": name])
    }

    /// SIGTERM after the last cell, while the page is being built (3,000 formulas): the run
    /// finished, and the exit status, the page and the record all say so.
    @Test func terminationWhileThePageIsBuiltAgreesWithTheRecord() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let formulas = (0 ..< 3000).map { "Formula $\\sum_{n=1}^{N} \\frac{e^{a_{\($0)}}}{\\sqrt{x_n^2 + \($0)}}$ and $\\int_0^1 f(t)\\,dt$.\n" }
        let hostile = Case(name: "SIGTERM while the page is built", notebook: "# Slow page\n\n```{eval}\n:label: quick\n1 + 1\n```\n\n"
                               + formulas.joined(separator: "\n"), expected: "", status: 0, inReport: ["1 + 1 = 2</pre>"])
        try hostile.notebook.write(to: folder.appendingPathComponent("nb/nb.md"), atomically: true, encoding: .utf8)
        try Self.plantLinks(in: folder)
        let before = Self.snapshot(folder)
        let run = try Self.run(["render", "nb.md", "-o", "../out", "--no-cache"], in: folder, signal: (SIGTERM, "{eval} quick ok"))
        try Self.verify(run, hostile, in: folder, before: before, record: ["stop": "finished"])
    }

    /// A link planted where an image file goes is replaced; its target outside `-o` is untouched.
    @Test func aLinkAtAnImageDestinationIsNotFollowed() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebookFolder = folder.appendingPathComponent("nb")
        try Self.smallData(notebookFolder)
        try (Self.load(images: "images", extra: ":split: train\n") + "\n```{show}\n:count: 2\n```\n\n```{train} softmax\n:epochs: 1\n```\n\n```{show} weights\n```\n")
            .write(to: notebookFolder.appendingPathComponent("nb.md"), atomically: true, encoding: .utf8)
        let precious = folder.appendingPathComponent("outside/precious.txt")
        let planted = [folder.appendingPathComponent("out/nb/data/0-train-0000.pgm"), folder.appendingPathComponent("out/nb/weights/0-0.ppm")]
        for link in planted {
            try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: precious)
        }
        let before = Self.snapshot(folder)

        let run = try Self.run(["render", "nb.md", "-o", "../out", "-q"], in: folder)
        try Self.verify(run, Case(name: "links at PGM and PPM destinations", notebook: "", expected: "", status: 0), in: folder, before: before)
        #expect(try NetpbmReader.decode([UInt8](Data(contentsOf: planted[0]))).width == 3)
        #expect(try NetpbmReader.decode([UInt8](Data(contentsOf: planted[1]))).width == 3)
    }

    /// `{show} weights` of a model trained on large images: the report shows them shrunk
    /// and stays small; the PPM files keep the full size, within the per-cell cap.
    @Test func weightsOfLargeImagesKeepTheReportSmall() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hostile = Case(name: "{show} weights of 660×660 images",
                           notebook: Self.load(images: "images", extra: ":split: train\n") + "\n```{train} softmax\n:epochs: 1\n:batch: 10\n```\n\n```{show} weights\n```\n",
                           expected: "", status: 0, seconds: 180, inReport: ["The images are 660×660 pixels; the report shows them shrunk"],
                           prepare: Self.data(count: 10, size: 660))
        try hostile.prepare(folder.appendingPathComponent("nb"))
        try hostile.notebook.write(to: folder.appendingPathComponent("nb/nb.md"), atomically: true, encoding: .utf8)
        try Self.plantLinks(in: folder)
        let before = Self.snapshot(folder)
        let run = try Self.run(["render", "nb.md", "-o", "../out", "-q"], in: folder)
        try Self.verify(run, hostile, in: folder, before: before)
    }

    /// A PNG of exactly `bytes` bytes: a real 6×4 image padded with an ancillary chunk (a
    /// browser shows it; nbrun embeds its bytes as they are).
    static func paddedPNG(bytes: Int, seed: UInt8 = 0) -> [UInt8] {
        let image = ProseImageTests.png
        let end = Array(image.suffix(12)) // the IEND chunk
        let padding = bytes - image.count - 12
        var chunk: [UInt8] = [UInt8(padding >> 24 & 0xFF), UInt8(padding >> 16 & 0xFF), UInt8(padding >> 8 & 0xFF), UInt8(padding & 0xFF)]
        chunk += Array("zzPd".utf8) + [UInt8](repeating: seed, count: padding) + [0, 0, 0, 0]
        return Array(image.dropLast(12)) + chunk + end
    }

    /// A 10 MB PNG cited 100 times in the prose (and in raw HTML): embedded once, so the page is
    /// one image's size, nbrun's memory stays a few times that, and the report and record are written.
    @Test func anImageCitedAHundredTimesIsEmbeddedOnce() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let png = Self.paddedPNG(bytes: DisplaySize.maxEmbeddedImageBytes)
        try Data(png).write(to: folder.appendingPathComponent("nb/big.png"))
        let citations = (1...100).map { "Figure \($0): ![figure \($0)](big.png)\n" }.joined(separator: "\n")
        try ("# Figures\n\n" + citations + "\n<img src=\"./big.png\" width=\"120\" alt=\"again\">\n")
            .write(to: folder.appendingPathComponent("nb/nb.md"), atomically: true, encoding: .utf8)
        let run = try Self.run(["render", "nb.md", "-o", "../out", "-q"], in: folder)
        #expect(run.signal == nil && run.status == 0, "exit \(run.status): \(run.stderr.prefix(600))")
        let html = try String(contentsOf: folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/nb.json"))) as? [String: Any]
        #expect(record?["status"] as? String == "ok")
        let encoded = Data(png).base64EncodedString()
        #expect(html.components(separatedBy: encoded).count == 2, "the image's bytes are in the page once")
        #expect(html.utf8.count < encoded.utf8.count + 100_000, "page of \(html.utf8.count) bytes")
        #expect(html.components(separatedBy: "<img data-nb-image=\"0\" alt=\"figure ").count == 101)
        #expect(html.contains("<img data-nb-image=\"0\" width=\"120\" alt=\"again\">"))
        #expect(run.peakKilobytes > 0 && run.peakKilobytes < 400_000, "peak \(run.peakKilobytes) KB")
    }

    /// Distinct images past the page's budget: the one that passes it is an error at its line,
    /// shown in its place; the others are embedded; the report and the record say so.
    @Test func distinctImagesPastThePageBudgetAreALocatedError() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let count = DisplaySize.maxEmbeddedPageImageBytes / 7_000_000 + 1
        for index in 0..<count {
            try Data(Self.paddedPNG(bytes: 5_000_000, seed: UInt8(index + 1))).write(to: folder.appendingPathComponent("nb/\(index).png"))
        }
        try ("# Figures\n\n" + (0..<count).map { "![figure \($0)](\($0).png)\n" }.joined(separator: "\n") + "\nAgain ![first](0.png).\n")
            .write(to: folder.appendingPathComponent("nb/nb.md"), atomically: true, encoding: .utf8)
        let run = try Self.run(["render", "nb.md", "-o", "../out", "-q"], in: folder)
        let line = 3 + 2 * (count - 1)
        let expected = "nb.md:\(line):1: error: image '\(count - 1).png' would bring the page's embedded images to "
        #expect(run.status == 1 && run.stderr.contains(expected), "exit \(run.status): \(run.stderr.prefix(600))")
        #expect(run.stderr.contains("more than the \(MemoryBudget.describe(bytes: Double(DisplaySize.maxEmbeddedPageImageBytes))) one page may embed"))
        let html = try String(contentsOf: folder.appendingPathComponent("out/nb.html"), encoding: .utf8)
        #expect(html.utf8.count < DisplaySize.maxEmbeddedPageImageBytes + 200_000)
        #expect(html.contains(HTML.escape(expected)))
        #expect(html.components(separatedBy: "{content:url(data:image/png;base64,").count == count)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("out/nb.json"))) as? [String: Any]
        #expect(record?["status"] as? String == "error")
        #expect(Self.strings(in: record).contains { $0.contains(expected) })
    }

    /// Headless Chromium opens a report whose prose holds a `<meta http-equiv=refresh>` to
    /// another page: after the refresh's time the page shown is still the report.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
    func aRefreshInTheProseDoesNotLeaveTheReport() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("outside/elsewhere.html")
        try "<html><body>ELSEWHERE</body></html>".write(to: target, atomically: true, encoding: .utf8)
        try "# Report\n\nStill here.\n\n<meta http-equiv=\"refresh\" content=\"0; url=\(target.absoluteString)\">\n"
            .write(to: folder.appendingPathComponent("nb/nb.md"), atomically: true, encoding: .utf8)
        #expect(try Self.run(["render", "nb.md", "-o", "../out", "-q"], in: folder).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=3000", "--dump-dom",
                             folder.appendingPathComponent("out/nb.html").absoluteString]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let dom = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(dom.contains("Still here."), "\(dom.prefix(400))")
        #expect(!dom.contains("ELSEWHERE"))
    }
}
