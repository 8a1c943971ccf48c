import Testing
@testable import NotebookRunner

/// HMAC-SHA-256 against RFC 4231's test vectors.
@Suite struct HMACTests {
    @Test func rfc4231Vectors() {
        let cases: [(key: [UInt8], message: [UInt8], tag: String)] = [
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ]
        for (key, message, tag) in cases {
            #expect(SHA256.lowercaseHex(HMAC.sha256(message, key: key)) == tag)
        }
        #expect(HMAC.equal([0x00, 0xff], [0x00, 0xff]) && !HMAC.equal([0x00, 0xff], [0x00, 0xfe]) && !HMAC.equal([1], [1, 2]))
    }
}
