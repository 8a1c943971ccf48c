import Foundation
import SwiftCSV

/// A CSV file of numbers as a regression data set: a header naming the columns, one row per
/// record, the `:target:` column as the targets `t` and every other column as a feature of `X`.
///
/// The file is parsed by SwiftCSV (quoted fields, embedded commas and line breaks). Each record
/// is located at its line in the file — a blank line is skipped but counted, and a quoted field
/// that holds line breaks moves the records after it down — so a cell that is not a number is
/// `data.csv:14:9: error: …` at its line and column.
enum CSVData {
    /// The file's rows as one split: features as `DataSplit.features` (1×columns "images"),
    /// targets as `DataSplit.targets`; and the feature columns' names.
    static func read(_ url: URL, displayName: String, target: String, targetLocation: SourceLocation, budget: MemoryBudget,
                     split name: String = "train") throws -> (split: DataSplit, features: [String]) {
        let file = try FileBytes(url, role: "CSV", displayName: displayName, gunzips: false)
        try budget.check(file.size * 3, for: "reading the CSV file '\(displayName)' (\(MemoryBudget.describe(bytes: Double(file.size))))")
        let bytes = try file.read(limit: file.size)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Diagnostic.error("the CSV file '\(displayName)' is not UTF-8 text", at: SourceLocation(file: displayName, line: 1),
                                   hint: "save it as UTF-8")
        }
        let csv: EnumeratedCSV
        // The records as they are in the file (the view pads short ones to the longest).
        var records: [[String]] = []
        do {
            csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false, rowLimit: 0)
            try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { records.append($0) }
        } catch let error as CSVParseError {
            let message: String
            switch error {
            case .generic(let text), .quotation(let text): message = text
            }
            throw Diagnostic.error("the CSV file '\(displayName)' cannot be read: \(message)", at: SourceLocation(file: displayName, line: 1),
                                   hint: "a field with a quote is written \"…\" with inner quotes doubled")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !header.isEmpty, header != [""] else {
            throw Diagnostic.error("the CSV file '\(displayName)' has no header", at: SourceLocation(file: displayName, line: 1),
                                   hint: "its first line names the columns, e.g. size,rooms,price")
        }
        guard let targetColumn = header.firstIndex(of: target) else {
            let near = Suggestion.nearest(to: target, in: header).map { "did you mean '\($0)'? " } ?? ""
            throw Diagnostic.error("the CSV file '\(displayName)' has no column '\(target)'", at: targetLocation,
                                   hint: near + "its columns: " + header.joined(separator: ", "))
        }
        guard header.count >= 2 else {
            throw Diagnostic.error("the CSV file '\(displayName)' has only the target column '\(target)': no features to predict it from",
                                   at: targetLocation, hint: "the other columns are the features")
        }
        var line = 2 + header.reduce(0) { $0 + $1.filter(\.isNewline).count }
        var features: [Double] = [], targets: [Double] = []
        for row in records {
            defer { line += 1 + row.reduce(0) { $0 + $1.filter(\.isNewline).count } }
            if row == [""] { continue }
            guard row.count == header.count else {
                throw Diagnostic.error("this row has \(row.count) field\(row.count == 1 ? "" : "s"), the header \(header.count)",
                                       at: SourceLocation(file: displayName, line: line),
                                       hint: "every row has one field per column: " + header.joined(separator: ", "))
            }
            var column = 1
            for (index, field) in row.enumerated() {
                defer { column += field.count + 1 }
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                guard let value = Double(trimmed), value.isFinite else {
                    throw Diagnostic.error("'\(trimmed)' in column '\(header[index])' is not a number",
                                           at: SourceLocation(file: displayName, line: line, column: column),
                                           hint: "every cell of a CSV data set is a number, e.g. 3.5 or -2e-3")
                }
                if index == targetColumn { targets.append(value) } else { features.append(value) }
            }
        }
        guard !targets.isEmpty else {
            throw Diagnostic.error("the CSV file '\(displayName)' has a header but no rows", at: SourceLocation(file: displayName, line: 1))
        }
        let width = header.count - 1
        var split = DataSplit(name: name, images: [UInt8](repeating: 0, count: targets.count * width), labels: [UInt8](repeating: 0, count: targets.count),
                              count: targets.count, rows: 1, cols: width, sources: [displayName])
        split.features = features
        split.targets = targets
        return (split, header.enumerated().filter { $0.offset != targetColumn }.map(\.element))
    }
}
