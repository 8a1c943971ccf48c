import Foundation

/// The text of an inline kernel value — `` {py}`acc:.1%` `` or Quarto's `` `{python} acc` ``: a
/// Python expression evaluated in the page's kernel once the code before it has run, with an
/// optional format after its last colon, formatted as `{eval}`'s inline values are
/// (`InlineExpression.Format`). A number or a short vector is formatted; a string is shown as
/// it is (no format); anything else as its `str()` when no format is given.
enum KernelInlineValue {
    /// Arrays of more values than this are not fetched (an inline value shows at most 10).
    static let valueLimit = 10_000

    /// The value's text; nil leaves the role's placeholder (its code) in the page: with
    /// `--no-execute`, and for Quarto's form on a page that names no kernel (as other tools
    /// would run it).
    /// - Throws: a `Diagnostic` at the expression: unknown name (the Python error as hint),
    ///   a bad format, a value no format applies to, no kernel for `{py}`.
    static func evaluate(_ role: InlineRole, kernel access: KernelAccess) throws -> String? {
        guard access.executes, access.name != nil || role.kernel != .quarto else { return nil }
        let (expression, format) = try split(role.expression, at: role.expressionLocation)
        let location = role.expressionLocation
        let what = role.kernel == .quarto ? "`{python} …`" : "{py}`…`"
        let session: KernelSession
        do {
            session = try access.session(for: what, at: role.location)
        } catch is KernelNotAsked {
            return nil
        }
        let value: KernelValue
        do {
            guard let first = try session.values(of: [expression], text: format == nil, limit: valueLimit).first else { return nil }
            value = first
        } catch let error as KernelBridgeError {
            throw Diagnostic.error("the kernel did not answer for '\(expression)'", at: location, hint: error.message)
        }
        let shown = expression.trimmingCharacters(in: .whitespaces)
        switch value {
        case .array(let array, _):
            guard array.shape.count <= 1 else {
                throw Diagnostic.error("an inline value must be a number or a short vector, but \(shown) is an array of shape \(shape(array.shape))",
                                       at: location, hint: "reduce it (.mean(), .sum()) or pick an entry (\(shown)[0])")
            }
            return try InlineExpression.text(of: Tensor(shape: array.shape, data: array.values), format: format ?? .init(), at: location,
                                             hint: "reduce it (.mean(), .sum()) or pick entries (\(shown)[:3])")
        case .text(let text, let type):
            guard format == nil else {
                throw Diagnostic.error("the format needs a number, but \(shown) is a \(type)", at: location,
                                       hint: "leave out the format, or give a number")
            }
            return text
        case .other(let type, _, _):
            throw Diagnostic.error("the format needs a number, but \(shown) is a \(type)", at: location,
                                   hint: "leave out the format, or give a number")
        case .tooLarge(_, _, let arrayShape):
            throw Diagnostic.error("an inline value must be a number or a short vector, but \(shown) is an array of shape \(shape(arrayShape))",
                                   at: location, hint: "reduce it (.mean(), .sum()) or pick an entry (\(shown)[0])")
        case .failed(let error):
            throw Diagnostic.error("the kernel could not evaluate '\(shown)'\(error.whereRaised)", at: location,
                                   hint: error.message)
        }
    }

    /// `(3, 4)`, as NumPy writes a shape.
    static func shape(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// Splits `expr:spec` at the last colon outside brackets and strings (a slice, a dict or a
    /// lambda keeps its colons) when one is there; what follows it must be a format.
    static func split(_ source: String, at location: SourceLocation) throws -> (String, InlineExpression.Format?) {
        let scalars = Array(source.unicodeScalars)
        // A walrus (`:=`) is not a format's colon.
        let colon = PythonTopLevel.offsets(of: ":", in: scalars).last { $0 + 1 == scalars.count || scalars[$0 + 1] != "=" }
        guard let colon else { return (source, nil) }
        let spec = String(String.UnicodeScalarView(scalars[(colon + 1)...])).trimmingCharacters(in: .whitespaces)
        // A lambda's colon: `lambda x: x` is an expression, not a format.
        if String(String.UnicodeScalarView(scalars[..<colon])).contains("lambda") { return (source, nil) }
        let format = try InlineExpression.format(spec, at: location.advanced(byColumns: colon + 1))
        return (String(String.UnicodeScalarView(scalars[..<colon])), format)
    }
}
