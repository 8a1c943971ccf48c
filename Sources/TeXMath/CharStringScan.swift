/// Walks a Type 2 charstring to find the local subroutines it calls (directly or nested).
///
/// Only what is needed for that is interpreted: operand counts (for hint masks, whose length depends
/// on the number of stems) and the subroutine number before each `callsubr`.
struct CharStringScan {
    let subrs: [[UInt8]]
    private(set) var used = Set<Int>()
    private var stack: [Int] = []
    private var stems = 0
    private var ended = false

    init(subrs: [[UInt8]]) {
        self.subrs = subrs
    }

    private var bias: Int {
        subrs.count < 1240 ? 107 : subrs.count < 33900 ? 1131 : 32768
    }

    /// Interprets `code`; stops at `endchar`, at `return`, or after 10 nested calls (the CFF limit).
    mutating func run(_ code: [UInt8], depth: Int) {
        guard depth <= 10 else { return }
        var i = 0
        while i < code.count, !ended {
            let b = code[i]
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
            case 10:  // callsubr
                i += 1
                guard let number = stack.popLast() else { return }
                let index = number + bias
                guard index >= 0, index < subrs.count else { return }
                used.insert(index)
                run(subrs[index], depth: depth + 1)
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
        }
    }
}
