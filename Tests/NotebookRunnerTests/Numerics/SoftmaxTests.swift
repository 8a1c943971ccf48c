import Foundation
import Testing
@testable import NotebookRunner
@testable import Tensors

@Suite struct SoftmaxTests {
    // logits (1, 2, 3): softmax = e^(z−3) / (e^−2 + e^−1 + 1).
    static let logits: [Double] = [1, 2, 3]
    static let denominator = exp(-2.0) + exp(-1.0) + 1

    @Test func probabilitiesMatchTheDefinition() {
        let p = Softmax.probabilities(Self.logits)
        let expected = [exp(-2.0), exp(-1.0), 1].map { $0 / Self.denominator }
        #expect(maxRelativeError(p, expected) < 1e-15)
        #expect(abs(p.reduce(0, +) - 1) < 1e-15)
        // 0.09003057, 0.24472847, 0.66524096 to eight places.
        #expect(abs(p[0] - 0.09003057) < 1e-8 && abs(p[1] - 0.24472847) < 1e-8 && abs(p[2] - 0.66524096) < 1e-8)
    }

    @Test func floatAgreesWithDouble() {
        let logits: [Double] = [0.3, -1.7, 2.25, 0, 5.5, -3, 1e-3, 0.75, 4, -0.5]
        let p32 = Softmax.probabilities(logits.map(Float.init))
        let p64 = Softmax.probabilities(logits)
        #expect(maxRelativeError(p32, p64) < 1e-5)
        let l32 = Softmax.logProbabilities(logits.map(Float.init))
        let l64 = Softmax.logProbabilities(logits)
        #expect(maxRelativeError(l32, l64) < 1e-5)
    }

    @Test func largeLogitsStayFinite() {
        let p = Softmax.probabilities([Float(1000), 1001, 1002])
        #expect(p.allSatisfy { $0.isFinite })
        #expect(abs(p[2] - 0.66524096) < 1e-6)
        let logp = Softmax.logProbabilities([Float(-1000), 0])
        #expect(logp[0] == -1000 && logp[1] == 0)
    }

    @Test func logSoftmaxIsLogOfSoftmax() {
        let logp = Softmax.logProbabilities(Self.logits)
        #expect(abs(logp[2] - -log(Self.denominator)) < 1e-15)
        #expect(maxRelativeError(logp.map { exp($0) }, Softmax.probabilities(Self.logits)) < 1e-14)
    }

    @Test func crossEntropyAndItsGradient() {
        // −log p_0 = log(e^−2 + e^−1 + 1) + 2.
        #expect(abs(Softmax.crossEntropy(logits: Self.logits, label: 0) - (log(Self.denominator) + 2)) < 1e-14)
        // Uniform logits: the loss of any label is log K.
        #expect(abs(Softmax.crossEntropy(logits: [Double](repeating: 0.5, count: 10), label: 7) - log(10)) < 1e-14)
        let gradient = Softmax.crossEntropyGradient(logits: Self.logits, label: 2)
        #expect(abs(gradient[2] - (1 / Self.denominator - 1)) < 1e-15)
        #expect(abs(gradient.reduce(0, +)) < 1e-15)
        // A central difference agrees with the analytic gradient.
        for i in 0..<3 {
            var plus = Self.logits, minus = Self.logits
            plus[i] += 1e-6
            minus[i] -= 1e-6
            let numeric = (Softmax.crossEntropy(logits: plus, label: 2) - Softmax.crossEntropy(logits: minus, label: 2)) / 2e-6
            #expect(relativeError(numeric, gradient[i]) < 1e-7)
        }
    }
}
