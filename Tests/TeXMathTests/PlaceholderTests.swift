import Testing
@testable import TeXMath
@Test func builds() { #expect(Bool(true)) }
