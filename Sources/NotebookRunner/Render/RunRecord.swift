import Foundation

/// The machine-readable twin of the report: `<out>/<notebook>.json`.
///
/// ```json
/// {"notebook": "notebooks/intro.md", "status": "ok", "stop": "finished",
///  "cells": [{"label": "train", "directive": "train", "line": 40, "status": "ok",
///             "seconds": 0.61, "metrics": {"test_accuracy": 0.8312}, "output_bytes": 3120}],
///  "equations": [{"label": "gradient", "number": "3", "line": 52, "column": 30,
///                 "status": "checked", "relative_error": 2.1e-10, "checked_by": ["right"]}],
///  "equation_summary": {"total": 12, "checked": 7, "failed": 0, "unchecked": 5},
///  "report_bytes": 412345}
/// ```
/// Each cell also has `output_bytes`, what its outputs weigh in the report (`report_bytes`).
/// `equations` lists the numbered equations in order; `status` is `checked`, `failed` or `unchecked`.
public struct RunRecord: Codable, Sendable {
    public struct CellEntry: Codable, Sendable {
        public var label: String
        public var directive: String
        public var line: Int
        public var status: CellStatus
        public var seconds: Double
        public var metrics: [String: Double]
        public var error: String?
        /// The bytes of the cell's outputs in the report.
        public var outputBytes: Int?

        enum CodingKeys: String, CodingKey {
            case label, directive, line, status, seconds, metrics, error
            case outputBytes = "output_bytes"
        }
    }

    /// A code cell a Jupyter kernel ran (or restored from the cache, or skipped) and its outputs.
    public struct CodeEntry: Codable, Sendable {
        public var line: Int
        public var language: String
        public var status: CellStatus
        public var seconds: Double
        public var error: String?
        public var outputs: [CodeOutputEntry]
        /// The code `-p` injected after this `parameters` cell.
        public var injectedParameters: String?

        enum CodingKeys: String, CodingKey {
            case line, language, status, seconds, error, outputs
            case injectedParameters = "injected_parameters"
        }
    }

    /// One output of a code cell: its kind (`stream`, `text`, `html`, `image`, `svg`, `markdown`,
    /// `latex`, `traceback`, `note`, `error`), its text (at most `CodeOutputEntry.textLimit` bytes)
    /// or, for an image, its MIME type and size.
    public struct CodeOutputEntry: Codable, Sendable {
        public var kind: String
        public var name: String?
        public var text: String?
        public var mimeType: String?
        public var bytes: Int?

        static let textLimit = 64 * 1024

        enum CodingKeys: String, CodingKey {
            case kind, name, text, bytes
            case mimeType = "mime_type"
        }

        init(_ output: CellOutput) {
            func cut(_ text: String) -> String { String(decoding: text.utf8.prefix(Self.textLimit), as: UTF8.self) }
            switch output {
            case .kernel(let display):
                switch display {
                case .stream(let name, let text, _): kind = "stream"; self.name = name; self.text = cut(text)
                case .text(let text): kind = "text"; self.text = cut(text)
                case .image(let type, let base64): kind = "image"; mimeType = type; bytes = base64.utf8.count / 4 * 3
                case .svg(let svg): kind = "svg"; bytes = svg.utf8.count
                case .html(let html): kind = "html"; bytes = html.utf8.count
                case .markdown(let text): kind = "markdown"; self.text = cut(text)
                case .latex(let text): kind = "latex"; self.text = cut(text)
                case .traceback(let name, let value, _): kind = "traceback"; self.name = name; self.text = cut(value)
                case .note(let text): kind = "note"; self.text = text
                }
            case .error(let diagnostic): kind = "error"; text = diagnostic.description
            case .notice(let diagnostic): kind = "note"; text = diagnostic.description
            default: kind = "other"
            }
        }
    }

    public struct EquationEntry: Codable, Sendable {
        public var label: String
        public var number: String
        public var line: Int
        public var column: Int
        public var status: String
        public var relativeError: Double?
        public var checkedBy: [String]

        enum CodingKeys: String, CodingKey {
            case label, number, line, column, status
            case relativeError = "relative_error"
            case checkedBy = "checked_by"
        }
    }

    /// An inline value of the prose (`{eval}`, `{py}`, `` `{python} …` ``) as the page shows it.
    public struct InlineEntry: Codable, Sendable {
        public var line: Int
        public var column: Int
        public var expression: String
        /// `eval` for nbrun's expressions, `kernel` for a value of the page's Jupyter kernel.
        public var kind: String
        /// The text shown; nil when the role failed (`error`) or was not evaluated.
        public var value: String?
        public var error: String?
    }

    public struct EquationSummary: Codable, Sendable {
        public var total: Int
        public var checked: Int
        public var failed: Int
        public var unchecked: Int
    }

    public var notebook: String
    public var title: String
    public var status: String
    /// How the run ended: `finished`, `cell-failed`, `notebook-invalid`, `interrupted`,
    /// `timed-out` or `usage-error`.
    public var stop: String
    /// The signal that interrupted the run (`SIGINT`, `SIGTERM`, `SIGHUP`), if one did.
    public var signal: String?
    public var nbrun: String
    public var parameters: [String: String]
    public var cells: [CellEntry]
    public var errors: [String]
    public var equations: [EquationEntry]
    public var equationSummary: EquationSummary
    /// The report's size in bytes.
    public var reportBytes: Int?
    /// Front-matter keys nbrun does not read (other tools' settings), as compact text.
    public var frontMatter: [String: String]?
    /// Code of other dialects shown and not run: how many cells, by language.
    public var codeCells: [String: Int]?
    /// The code cells a Jupyter kernel ran, in page order, with their outputs.
    public var code: [CodeEntry]?
    /// How many Jupyter kernels the run started (0 when every code cell came from the cache).
    public var kernelStarts: Int?
    /// The prose's inline values in order; nil when it has none.
    public var inlineValues: [InlineEntry]?

    enum CodingKeys: String, CodingKey {
        case notebook, title, status, stop, signal, nbrun, parameters, cells, errors, equations
        case equationSummary = "equation_summary"
        case reportBytes = "report_bytes"
        case frontMatter = "front_matter", codeCells = "code_cells_not_run"
        case code = "code_cells", kernelStarts = "kernel_starts"
        case inlineValues = "inline_values"
    }

    /// The record of `run`, whose report weighs `weight`.
    public init(_ run: RunResult, reproducible: Bool, weight: PageWeight? = nil) {
        notebook = run.notebook.file
        title = run.notebook.title
        status = run.failed || run.stopReason != .finished ? "error" : "ok"
        stop = run.stopReason.recordName
        if case .interrupted(let number) = run.stopReason { signal = StopReason.signalName(number) }
        nbrun = NBRun.version
        parameters = Dictionary(run.parameters.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        cells = run.cells.enumerated().map { index, result in
            CellEntry(label: result.cell.label, directive: result.cell.directive, line: result.cell.location.line,
                      status: result.status, seconds: reproducible ? 0 : result.seconds,
                      metrics: Dictionary(result.metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }),
                      error: result.error?.description,
                      outputBytes: weight.flatMap { index < $0.cellBytes.count ? $0.cellBytes[index] : nil })
        }
        reportBytes = weight?.reportBytes
        errors = run.errors.map(\.description)
        let checks = EquationChecks(run)
        equations = run.notebook.equations.equations.map { equation in
            let verdict = checks.verdict(equation.label)
            return EquationEntry(label: equation.label, number: equation.number, line: equation.location.line,
                                 column: equation.location.column, status: verdict.status.rawValue,
                                 relativeError: verdict.relativeError, checkedBy: verdict.cells)
        }
        equationSummary = EquationSummary(total: checks.total, checked: checks.checkedCount, failed: checks.failedCount,
                                          unchecked: checks.total - checks.checkedCount)
        let metadata = run.notebook.frontMatter.metadata
        frontMatter = metadata.isEmpty ? nil : Dictionary(metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        let code = run.notebook.codeCells.indices.filter { run.codeRuns[$0] == nil }.map { run.notebook.codeCells[$0] }
        codeCells = code.isEmpty ? nil : Dictionary(grouping: code, by: { $0.language.isEmpty ? "unlabelled" : $0.language }).mapValues(\.count)
        if !run.codeRuns.isEmpty {
            self.code = run.codeRuns.keys.sorted().map { index in
                let (cell, result) = (run.notebook.codeCells[index], run.codeRuns[index]!)
                return CodeEntry(line: cell.location.line, language: cell.language, status: result.status,
                                 seconds: reproducible ? 0 : result.seconds, error: result.error?.description,
                                 outputs: (result.outputs + (result.injected?.outputs ?? [])).map(CodeOutputEntry.init),
                                 injectedParameters: result.injected?.code)
            }
            kernelStarts = run.kernelStarts
        }
        let roles = run.notebook.roles.enumerated().map { index, role in
            var entry = InlineEntry(line: role.location.line, column: role.location.column, expression: role.expression,
                                    kind: role.kernel == nil ? "eval" : "kernel")
            switch run.inlineValues[index] {
            case .value(let text): entry.value = text
            case .error(let diagnostic): entry.error = diagnostic.description
            case nil: break
            }
            return entry
        }
        inlineValues = roles.isEmpty ? nil : roles
    }

    /// The record of a notebook that did not run: no cells, the one error that stopped it.
    public init(failureOf file: String, title: String, diagnostic: Diagnostic, stop: StopReason,
                parameters: [(key: String, value: String)]) {
        notebook = file
        self.title = title
        status = "error"
        self.stop = stop.recordName
        nbrun = NBRun.version
        self.parameters = Dictionary(parameters.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        cells = []
        errors = [diagnostic.description]
        equations = []
        equationSummary = EquationSummary(total: 0, checked: 0, failed: 0, unchecked: 0)
    }

    /// Pretty, key-sorted JSON (non-finite numbers as the strings "NaN", "Infinity").
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }
}
