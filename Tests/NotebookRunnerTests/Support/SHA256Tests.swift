import Foundation
import Testing
@testable import NotebookRunner

@Suite struct SHA256Tests {
    @Test func fipsExampleVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func millionAsFedInPieces() {
        var hasher = SHA256()
        for _ in 0..<1000 { hasher.update([UInt8](repeating: 0x61, count: 1000)) }
        #expect(hasher.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(.enabled(if: DataFixtures.hasMNIST)) func matchesTheSharedChecksumOfTheMNISTTestLabels() throws {
        let sums = try String(contentsOf: DataFixtures.mnist.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        let line = try #require(sums.split(separator: "\n").first { $0.contains("t10k-labels-idx1-ubyte") })
        let expected = String(line.prefix(64))
        let bytes = try DataFixtures.gunzip(DataFixtures.mnistTestLabels)
        #expect(SHA256.hex(bytes) == expected)
    }
}
