import Testing
@testable import TeXMath

/// The byte scan that finds a page's CJK characters agrees with a scan of its scalars.
struct CJKScanTests {
    @Test func theByteScanFindsWhatTheScalarScanFinds() {
        let text = "Softmax 回归，损失 ∑ 와 한국어 𠀀𪚥 ｆｕｌｌ 😀 é ⺀ ⿟ x_{i} " + String(repeating: "ascii ", count: 50) + "末尾"
        let expected = Set(text.unicodeScalars.filter(CJKFont.isCJK).map(\.value))
        #expect(CJKFont.cjkScalars(in: text) == expected)
        #expect(expected.contains(0x20000) && expected.contains(0x2E80) && !expected.contains(0x2211) && !expected.contains(0x1F600))
        #expect(CJKFont.cjkScalars(in: "plain ASCII and ∑ math").isEmpty)
    }
}
