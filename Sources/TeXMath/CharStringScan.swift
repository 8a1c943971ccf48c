/// Walks a Type 2 charstring to find the local and global subroutines it calls (directly or nested).
///
/// Only what is needed for that is interpreted: operand counts (for hint masks, whose length depends
/// on the number of stems) and the subroutine number before each `callsubr` or `callgsubr`. Where
/// each call's number is written is recorded too (`calls`), so a subsetter can renumber subroutines.
struct CharStringScan {
    /// A charstring: a glyph's, or a local or global subroutine.
    enum Code: Hashable {
        case glyph, local(Int), global(Int)
    }

    /// One call: the bytes of the subroutine number pushed just before it, and the subroutine.
    struct Call {
        var operand: Range<Int>
        var target: Code
    }

    let subrs: [[UInt8]]
    let globalSubrs: [[UInt8]]
    private(set) var used = Set<Int>()
    private(set) var usedGlobal = Set<Int>()
    /// The calls written in each charstring visited (for subroutines, recorded on the first visit).
    private(set) var calls: [Code: [Call]] = [:]
    /// Set when a subroutine number is computed rather than written just before its call.
    private(set) var computedCall = false
    private var stack: [Int] = []
    private var stems = 0
    private var ended = false

    init(subrs: [[UInt8]], globalSubrs: [[UInt8]] = []) {
        self.subrs = subrs
        self.globalSubrs = globalSubrs
    }

    /// The number added to a subroutine's operand to give its index, by the count of subroutines.
    static func bias(count: Int) -> Int {
        count < 1240 ? 107 : count < 33900 ? 1131 : 32768
    }

    /// Starts a new glyph: hints and the end mark are per glyph; what was found so far is kept.
    mutating func reset() {
        stack.removeAll()
        stems = 0
        ended = false
        calls[.glyph] = nil
    }

    /// Interprets `code`; stops at `endchar`, at `return`, or after 10 nested calls (the CFF limit).
    mutating func run(_ code: [UInt8], depth: Int, as name: Code = .glyph) {
        guard depth <= 10 else { return }
        let record = calls[name] == nil
        if record { calls[name] = [] }
        var i = 0
        // The bytes of the number token just read, if the last token was a number.
        var lastNumber: Range<Int>?
        while i < code.count, !ended {
            let b = code[i]
            let start = i
            switch b {
            case 32...246:
                stack.append(Int(b) - 139); i += 1
            case 247...250:
                guard i + 1 < code.count else { return }
                stack.append((Int(b) - 247) * 256 + Int(code[i + 1]) + 108); i += 2
            case 251...254:
                guard i + 1 < code.count else { return }
                stack.append(-(Int(b) - 251) * 256 - Int(code[i + 1]) - 108); i += 2
            case 28:
                guard i + 2 < code.count else { return }
                stack.append(Int(Int16(bitPattern: UInt16(code[i + 1]) << 8 | UInt16(code[i + 2])))); i += 3
            case 255:
                guard i + 4 < code.count else { return }
                let fixed = UInt32(code[i + 1]) << 24 | UInt32(code[i + 2]) << 16 | UInt32(code[i + 3]) << 8 | UInt32(code[i + 4])
                stack.append(Int(Int32(bitPattern: fixed) >> 16)); i += 5
            case 1, 3, 18, 23:  // hstem, vstem, hstemhm, vstemhm
                stems += stack.count / 2
                stack.removeAll()
                i += 1
            case 19, 20:  // hintmask, cntrmask: a vstem list may precede them implicitly
                stems += stack.count / 2
                stack.removeAll()
                i += 1 + (stems + 7) / 8
            case 10, 29:  // callsubr, callgsubr
                i += 1
                let table = b == 10 ? subrs : globalSubrs
                guard !(b == 29 && globalSubrs.isEmpty) else {
                    stack.removeAll()
                    continue
                }
                guard let number = stack.popLast() else { return }
                let index = number + Self.bias(count: table.count)
                guard index >= 0, index < table.count else { return }
                let target: Code = b == 10 ? .local(index) : .global(index)
                if record {
                    if let operand = lastNumber { calls[name]!.append(Call(operand: operand, target: target)) } else { computedCall = true }
                }
                if b == 10 { used.insert(index) } else { usedGlobal.insert(index) }
                run(table[index], depth: depth + 1, as: target)
            case 11:  // return
                return
            case 14:  // endchar
                ended = true
                return
            case 12:
                stack.removeAll()
                i += 2
            default:
                stack.removeAll()
                i += 1
            }
            lastNumber = b == 28 || b >= 32 ? start..<i : nil
        }
    }
}
