import Foundation
import Testing
@testable import IntakeVoice

@Suite struct ResamplerTests {
    func sine(_ frequency: Double, rate: Int, seconds: Double = 1) -> [Float] {
        (0..<Int(Double(rate) * seconds)).map { Float(0.5 * sin(2 * .pi * frequency * Double($0) / Double(rate))) }
    }

    func rms(_ x: ArraySlice<Float>) -> Double { (x.reduce(0.0) { $0 + Double($1 * $1) } / Double(x.count)).squareRoot() }

    @Test func speechBandPassesUnchanged() {
        let output = Resampler(from: 44_100, to: 16_000).resample(sine(1_000, rate: 44_100))
        #expect(output.count == 16_000)
        #expect(abs(rms(output[1000..<15_000]) - 0.3536) < 0.004)
    }

    @Test func contentAboveTheNewNyquistIsFilteredNotFolded() {
        // 12 kHz would alias to 4 kHz at 16 kHz; the anti-alias filter must remove it (>60 dB).
        let output = Resampler(from: 44_100, to: 16_000).resample(sine(12_000, rate: 44_100))
        #expect(20 * log10(rms(output[1000..<15_000]) / 0.3536) < -60)
    }

    @Test func upsamplingKeepsTheSignal() {
        let output = Resampler(from: 8_000, to: 16_000).resample(sine(500, rate: 8_000))
        #expect(output.count == 16_000)
        #expect(abs(rms(output[1000..<15_000]) - 0.3536) < 0.02)
    }
}
