import Foundation
import IntakeCore
import Testing
@testable import IntakeVoice

/// Real speech (flite) under seeded Gaussian noise, against the clean recording it came from.
@Suite struct NoiseSuppressorTests {
    static let speech: [Int16] = try! WAVDecoder.decode(VoiceRecognitionTests.speak("store twelve, three iced americanos with oat milk")).samples

    /// `clean` plus white noise `snr` dB below its mean power.
    static func noisy(_ clean: [Int16], snr: Double, seed: UInt64 = 11) -> [Int16] {
        let power = clean.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(clean.count)
        let sigma = (power / pow(10, snr / 10)).squareRoot()
        var random = SeededRandom(seed: seed)
        return clean.map { Int16(max(-32768, min(32767, (Double($0) + sigma * random.gaussian()).rounded()))) }
    }

    /// SNR (dB) of `signal` against the clean reference.
    static func snr(of signal: [Int16], reference: [Int16]) -> Double {
        var wanted = 0.0, error = 0.0
        for (s, r) in zip(signal, reference) {
            wanted += Double(r) * Double(r)
            error += (Double(s) - Double(r)) * (Double(s) - Double(r))
        }
        return 10 * log10(wanted / error)
    }

    @Test func noiseUnderSpeechIsSuppressedAndTheTimingKept() {
        let input = Self.noisy(Self.speech, snr: 10)
        #expect(NoiseSuppressor.contrast(input) < NoiseSuppressor.Settings().cleanContrast)
        let output = NoiseSuppressor().suppress(input)
        #expect(output.count == input.count)
        let before = Self.snr(of: input, reference: Self.speech)
        let after = Self.snr(of: output, reference: Self.speech)
        #expect(abs(before - 10) < 0.5)
        #expect(after > before + 4, "SNR \(before) dB → \(after) dB")
        // Same timing: the cleaned speech lines up with the clean one sample for sample
        // (a shift of even 1 ms would leave it far less alike).
        let shifted = Array(output.dropFirst(16)) + [Int16](repeating: 0, count: 16)
        #expect(Self.snr(of: shifted, reference: Self.speech) < after - 3)
    }

    @Test func aCleanRecordingReachesTheRecogniserAsItCame() {
        #expect(NoiseSuppressor.contrast(Self.speech) >= NoiseSuppressor.Settings().cleanContrast)
        #expect(NoiseSuppressor().suppress(Self.speech) == Self.speech)
    }

    @Test func suppressionTurnedOffLeavesTheNoise() {
        let input = Self.noisy(Self.speech, snr: 10)
        var settings = NoiseSuppressor.Settings()
        settings.enabled = false
        #expect(NoiseSuppressor(settings: settings).suppress(input) == input)
    }
}
