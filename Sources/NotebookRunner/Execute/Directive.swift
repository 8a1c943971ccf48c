import Foundation

/// A kind of directive cell: `{load}`, `{show}`, `{train}`, ….
///
/// A directive is built from its cell in two steps. `init(cell:context:)` reads and
/// validates every option and argument without touching data (`nbrun check` stops
/// there); `run(in:)` does the work against the shared state and returns outputs.
/// Both throw `Diagnostic`s located at the offending option or line.
public protocol Directive {
    /// The name, its arguments, options and help, for validation and `--help`.
    static var spec: DirectiveSpec { get }

    /// Reads the cell's arguments and options; throws on anything malformed.
    init(cell: Cell, defaults: Defaults) throws

    /// Runs the cell against the shared state.
    func run(in context: ExecutionContext) throws -> CellOutputs

    /// The files the cell will read; their digests are part of its cache key.
    func inputFiles(in context: ExecutionContext) throws -> [URL]
}

extension Directive {
    public func inputFiles(in context: ExecutionContext) throws -> [URL] { [] }
}

/// Documentation and validation data for one directive.
public struct DirectiveSpec: Sendable {
    public var name: String
    /// Usage of the arguments after `{name}`, e.g. `[mnist|fashion-mnist]`.
    public var arguments: String
    public var summary: String
    public var options: [OptionSpec]
    /// Whether the body after the options means something (otherwise it must be empty).
    public var acceptsBody: Bool

    public init(name: String, arguments: String, summary: String, options: [OptionSpec], acceptsBody: Bool = false) {
        self.name = name
        self.arguments = arguments
        self.summary = summary
        self.options = options
        self.acceptsBody = acceptsBody
    }

    /// Option names every directive accepts.
    public static let commonOptions: [OptionSpec] = [
        OptionSpec("label", "name", "Names the cell; used in the report, the run record and by `{eval}`."),
        OptionSpec("timeout", "seconds", "Stops the cell after this many seconds."),
    ]

    /// This directive's options plus the common ones.
    public var allOptions: [OptionSpec] { options + Self.commonOptions }
}

/// One `:key: value` option a directive accepts.
public struct OptionSpec: Sendable {
    public var name: String
    /// What the value looks like, e.g. `integer ≥ 1`, `train|test|all`.
    public var valueType: String
    public var help: String
    public var defaultValue: String?

    public init(_ name: String, _ valueType: String, _ help: String, default defaultValue: String? = nil) {
        self.name = name
        self.valueType = valueType
        self.help = help
        self.defaultValue = defaultValue
    }
}
