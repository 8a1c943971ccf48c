import Foundation

/// Prints the course through headless Chromium (`nbrun build --pdf`): the one page of the whole
/// course (`SingleFileCourse`) is written into a scratch folder inside the output folder and
/// printed with `--print-to-pdf`, the only print engine that typesets MathML. The first print
/// tells on which sheet each chapter starts (`CoursePDF.firstPages`); the contents get those
/// numbers and the page is printed again. Chromium's profile and caches stay in the scratch
/// folder, which is removed afterwards: nothing is written outside the output folder.
public struct ChromiumPrinter: Sendable {
    /// The Chromium binary.
    public var executable: URL
    /// Stop printing (and the browser) when this is cancelled.
    public var cancellation: Cancellation
    /// The most seconds one print may take.
    public var timeout: Double

    /// Names Chromium goes by on `PATH` (Debian: `chromium`).
    public static let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    public init(executable: URL, cancellation: Cancellation = Cancellation(), timeout: Double = 600) {
        self.executable = executable
        self.cancellation = cancellation
        self.timeout = timeout
    }

    /// The printer with the first Chromium found on `PATH` (`NBRUN_CHROMIUM` names another), or
    /// an error saying which package to install.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              cancellation: Cancellation = Cancellation()) throws -> ChromiumPrinter {
        if let named = environment["NBRUN_CHROMIUM"], !named.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: named) else {
                throw Diagnostic.error("NBRUN_CHROMIUM names \(named), which is not an executable file",
                                       hint: "point it at Chromium, or unset it to use chromium from PATH")
            }
            return ChromiumPrinter(executable: URL(fileURLWithPath: named), cancellation: cancellation)
        }
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in names {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return ChromiumPrinter(executable: URL(fileURLWithPath: "\(folder)/\(name)"), cancellation: cancellation)
            }
        }
        throw Diagnostic.error("--pdf prints the course with headless Chromium, which is not installed (looked for \(names.joined(separator: ", ")) on PATH)",
                               hint: "install it: apt-get install chromium (or set NBRUN_CHROMIUM to its path)")
    }

    /// Prints `course` to `pdf` (atomically), its contents numbered with the sheets chapters start on.
    func print(_ course: SingleFileCourse, to pdf: URL, inside root: URL) throws {
        let scratch = root.appendingPathComponent(".nbrun-print", isDirectory: true)
        try? FileManager.default.removeItem(at: scratch)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let page = scratch.appendingPathComponent(SingleFileCourse.file)
        let draft = scratch.appendingPathComponent("draft.pdf")
        try course.html().write(to: page, atomically: true, encoding: .utf8)
        try run(page: page, pdf: draft, scratch: scratch)
        let numbers = CoursePDF.firstPages(of: try Data(contentsOf: draft))
        let final = scratch.appendingPathComponent("course.pdf")
        if numbers.isEmpty {
            try FileManager.default.moveItem(at: draft, to: final)
        } else {
            try course.html(pageNumbers: numbers).write(to: page, atomically: true, encoding: .utf8)
            try run(page: page, pdf: final, scratch: scratch)
        }
        try AtomicFile.write(try Data(contentsOf: final), to: pdf, inside: root)
    }

    /// One print of `page` to `pdf`, Chromium's profile, caches and output kept in `scratch`.
    private func run(page: URL, pdf: URL, scratch: URL) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                             "--disable-component-update", "--disable-crash-reporter", "--host-resolver-rules=MAP * ~NOTFOUND",
                             "--no-pdf-header-footer", "--user-data-dir=\(scratch.appendingPathComponent("profile").path)",
                             "--print-to-pdf=\(pdf.path)", page.absoluteString]
        var environment = ProcessInfo.processInfo.environment
        for key in ["HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"] { environment[key] = scratch.appendingPathComponent("home").path }
        process.environment = environment
        let log = scratch.appendingPathComponent("chromium.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Diagnostic.error("could not start \(executable.path): \(error.localizedDescription)", hint: "install it: apt-get install chromium")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if cancellation.stopReason != nil || Date() > deadline {
                process.terminate()
                process.waitUntilExit()
                if cancellation.stopReason != nil { throw Diagnostic.error("printing the PDF was stopped") }
                throw Diagnostic.error("Chromium did not print the course within \(Int(timeout)) s", hint: "print output/site/course.html from a browser instead")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: pdf.path) else {
            let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            let last = said.split(separator: "\n").filter { !$0.contains("dbus") }.suffix(3).joined(separator: "\n")
            throw Diagnostic.error("Chromium could not print the course (exit status \(process.terminationStatus))" + (last.isEmpty ? "" : ": \(last)"))
        }
    }
}
