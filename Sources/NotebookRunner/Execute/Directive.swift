import Foundation

/// A kind of directive cell: `{load}`, `{show}`, `{train}`, ….
///
/// A directive is built from its cell in two steps. `init(cell:options:)` reads and
/// validates every option and argument without touching data (`nbrun check` stops
/// there); `run(in:)` does the work against the shared state and returns outputs.
/// Both throw `Diagnostic`s located at the offending option or line. Before `init`,
/// the registry has checked the cell against `spec`: its arguments fit
/// `spec.arguments`, every option is declared, none is given twice, and the body is
/// empty unless `spec.acceptsBody`.
public protocol Directive {
    /// The name, its arguments, options and help, for validation and `--help`.
    static var spec: DirectiveSpec { get }

    /// Reads the cell's arguments and options; throws on anything malformed.
    init(cell: Cell, options: OptionValues) throws

    /// Runs the cell against the shared state.
    func run(in context: ExecutionContext) throws -> CellOutputs

    /// The files the cell will read; their digests are part of its cache key.
    func inputFiles(in context: ExecutionContext) throws -> [URL]

    /// What the cell makes known to later expressions, said before it runs, so that
    /// `nbrun check` finds what `render` would: the metrics it may record, the names it binds.
    var declarations: CellDeclarations { get }

    /// Whether the cell reads values of the page's Jupyter kernel (`:python:`, `:from-python:`):
    /// its result depends on the code cells run before it, so its cache key covers their keys
    /// (`CodeCellRunner.stateKey`) and it is restored only when they are unchanged.
    var readsKernel: Bool { get }
}

extension Directive {
    public func inputFiles(in context: ExecutionContext) throws -> [URL] { [] }

    /// By default: metrics not known before the cell runs, no names bound.
    public var declarations: CellDeclarations { CellDeclarations() }

    public var readsKernel: Bool { false }
}

/// What a cell makes known to later expressions (`Directive.declarations`).
public struct CellDeclarations: Sendable, Hashable {
    /// Every metric the cell may record, by name (`label.metric`); nil when that is only known
    /// once it runs.
    public var metrics: Set<String>?
    /// Every name the cell may bind for later expressions; nil when that is only known once it
    /// runs (a declared model's parameters, say).
    public var names: Set<String>?

    public init(metrics: Set<String>? = nil, names: Set<String>? = []) {
        self.metrics = metrics
        self.names = names
    }
}

/// Documentation and validation data for one directive.
public struct DirectiveSpec: Sendable {
    public var name: String
    /// The words accepted after `{name}`.
    public var arguments: ArgumentSyntax
    public var summary: String
    public var options: [OptionDeclaration]
    /// Whether the body after the options means something (otherwise it must be empty).
    public var acceptsBody: Bool

    public init(name: String, arguments: ArgumentSyntax, summary: String, options: [OptionDeclaration], acceptsBody: Bool = false) {
        self.name = name
        self.arguments = arguments
        self.summary = summary
        self.options = options
        self.acceptsBody = acceptsBody
    }

    /// `:label:`, which every directive accepts.
    public static let label = DirectiveOption.text("label", type: "name",
                                          help: "Names the cell; used in the report, the run record and by `{eval}`.")
    /// `:timeout:`, which every directive accepts.
    public static let timeout = DirectiveOption.number("timeout", .above(0, upTo: 86_400), help: "Stops the cell after this many seconds.")

    /// Options every directive accepts.
    public static let commonOptions: [OptionDeclaration] = [label.declaration, timeout.declaration]

    /// This directive's options plus the common ones.
    public var allOptions: [OptionDeclaration] { options + Self.commonOptions }
}
