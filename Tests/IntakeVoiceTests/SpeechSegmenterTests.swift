import Foundation
import IntakeCore
import Testing
@testable import IntakeVoice

@Suite struct SpeechSegmenterTests {
    /// Bursts of a voiced-like signal at the given times, over background noise.
    func recording(seconds: Double, bursts: [ClosedRange<Double>], noise: Double) -> [Int16] {
        var random = SeededRandom(seed: 7)
        return (0..<Int(seconds * 16_000)).map { n in
            let t = Double(n) / 16_000
            let voiced = bursts.contains { $0.contains(t) } ? 0.3 * sin(2 * .pi * 180 * t) * (0.6 + 0.4 * sin(2 * .pi * 4 * t)) : 0
            return Int16(max(-32768, min(32767, (voiced + noise * random.gaussian()) * 32768)))
        }
    }

    @Test func longPausesSplitAReportShortOnesDoNot() {
        let samples = recording(seconds: 6, bursts: [0.5...1.5, 1.8...2.6, 4.0...5.2], noise: 0.003)
        let segments = SpeechSegmenter().segments(samples)
        #expect(segments.count == 2)
        #expect(abs(Double(segments[0].start) / 16_000 - 0.25) < 0.05)
        #expect(abs(Double(segments[1].end) / 16_000 - 5.45) < 0.05)
    }

    @Test func silenceAndSteadyNoiseHaveNoSpeech() {
        #expect(SpeechSegmenter().segments([Int16](repeating: 0, count: 48_000)).isEmpty)
        #expect(SpeechSegmenter().segments(recording(seconds: 3, bursts: [], noise: 0.05)).isEmpty)
    }
}
