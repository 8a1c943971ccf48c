import Foundation

/// A kernelspec: how to start one Jupyter kernel (`kernels/NAME/kernel.json`).
public struct KernelSpec: Sendable, Equatable {
    /// How an interrupt reaches the kernel.
    public enum InterruptMode: String, Sendable {
        /// SIGINT to the kernel process (the default).
        case signal
        /// `interrupt_request` on the control channel.
        case message
    }

    /// The name it is found by ("python3").
    public var name: String
    /// The folder holding kernel.json (the kernel's resources).
    public var directory: String
    /// The command line; `{connection_file}` and `{resource_dir}` are filled in at launch.
    public var argv: [String]
    public var displayName: String
    public var language: String
    /// Environment variables added to nbrun's own for the kernel process.
    public var environment: [String: String]
    public var interruptMode: InterruptMode

    /// Reads `directory/kernel.json`.
    public init(name: String, directory: String) throws {
        let path = (directory as NSString).appendingPathComponent("kernel.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KernelError.badKernelspec(path: path, reason: "cannot be read")
        }
        let json: JSONValue
        do { json = try JSONValue.decode(Array(data)) } catch {
            throw KernelError.badKernelspec(path: path, reason: "not JSON (\(error))")
        }
        guard let argv = json["argv"]?.array?.compactMap(\.string), !argv.isEmpty else {
            throw KernelError.badKernelspec(path: path, reason: "no \"argv\" list of strings")
        }
        let mode = json["interrupt_mode"]?.string ?? "signal"
        guard let interruptMode = InterruptMode(rawValue: mode) else {
            throw KernelError.badKernelspec(path: path, reason: "interrupt_mode is \"\(mode)\", not \"signal\" or \"message\"")
        }
        self.name = name
        self.directory = directory
        self.argv = argv
        self.displayName = json["display_name"]?.string ?? name
        self.language = json["language"]?.string ?? ""
        self.environment = (json["env"]?.object ?? [:]).compactMapValues(\.string)
        self.interruptMode = interruptMode
    }

    /// The command line for a kernel reading `connectionFile`.
    public func commandLine(connectionFile: String) -> [String] {
        argv.map {
            $0.replacingOccurrences(of: "{connection_file}", with: connectionFile)
              .replacingOccurrences(of: "{resource_dir}", with: directory)
        }
    }

    /// The kernelspec named `name` in the first of `searchPath`'s folders that has it.
    public static func find(_ name: String, in searchPath: [String] = KernelSpec.searchPath()) throws -> KernelSpec {
        for root in searchPath {
            let directory = ((root as NSString).appendingPathComponent("kernels") as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("kernel.json")) {
                return try KernelSpec(name: name, directory: directory)
            }
        }
        throw KernelError.kernelspecNotFound(name: name, searched: searchPath.map { $0 + "/kernels" })
    }

    /// Where Jupyter looks for data, in its order: `JUPYTER_PATH`, the user's data folder
    /// (`JUPYTER_DATA_DIR` or `~/.local/share/jupyter`), the active Python environment's prefix
    /// (`VIRTUAL_ENV`, `CONDA_PREFIX`, the prefix of the `python3` on `PATH`), then the system
    /// folders `/usr/local/share/jupyter` and `/usr/share/jupyter`.
    public static func searchPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var folders: [String] = []
        if let jupyterPath = environment["JUPYTER_PATH"] {
            folders += jupyterPath.split(separator: ":").map(String.init)
        }
        if let dataDir = environment["JUPYTER_DATA_DIR"], !dataDir.isEmpty {
            folders.append(dataDir)
        } else if let home = environment["HOME"] {
            folders.append(home + "/.local/share/jupyter")
        }
        for prefix in [environment["VIRTUAL_ENV"], environment["CONDA_PREFIX"], pythonPrefix(environment: environment)] {
            if let prefix, !prefix.isEmpty { folders.append(prefix + "/share/jupyter") }
        }
        folders += ["/usr/local/share/jupyter", "/usr/share/jupyter"]
        var seen = Set<String>()
        return folders.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// The installation prefix of the `python3` on `PATH` (`PREFIX/bin/python3` → `PREFIX`).
    static func pythonPrefix(environment: [String: String]) -> String? {
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(folder) + "/python3"
            guard FileManager.default.isExecutableFile(atPath: candidate) else { continue }
            let resolved = URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path
            return ((resolved as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        }
        return nil
    }
}
