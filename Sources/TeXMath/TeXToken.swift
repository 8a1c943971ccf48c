/// One lexical unit of TeX math source, with its position in Unicode scalars.
struct TeXToken: Equatable {
    enum Kind: Equatable {
        /// A control word (`\frac`) or control symbol (`\,`); the name excludes the backslash.
        case command(String)
        /// Any other single character.
        case char(Unicode.Scalar)
        /// A run of white space (kept for text mode).
        case space
        case beginGroup
        case endGroup
        case superscript
        case `subscript`
        case alignment
        case end
    }

    var kind: Kind
    /// Offset of the token's first scalar in the source.
    var offset: Int

    var commandName: String? {
        if case .command(let name) = kind { return name }
        return nil
    }

    var character: Unicode.Scalar? {
        if case .char(let c) = kind { return c }
        return nil
    }
}
