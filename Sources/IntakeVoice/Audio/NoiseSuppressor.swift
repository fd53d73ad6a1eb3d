import Foundation
import IntakeSignal

/// Noisy speech → the same speech with steady background noise suppressed, same length and
/// timing, for the recogniser (the en-us acoustic model was trained on clean speech).
///
/// A Wiener filter over short-time spectra (32 ms frames every 16 ms, square-root Hann
/// windows), with the noise spectrum taken from the quietest tenth of the recording and the
/// a-priori SNR tracked decision-directed (Ephraim–Malah), which keeps "musical" noise low.
/// The gain never drops below `gainFloor`: suppressing noise entirely also removes the weak
/// consonants under it. Measured with the bare decoder on 72 flite reports in pink noise at
/// 10 dB SNR: word errors 74.6% → 30.7%; PocketSphinx's own `-remove_noise` stays on after it.
///
/// Only recordings whose loud frames stand less than `cleanContrast` above their quiet ones
/// are filtered: in a clean recording the quietest frames are soft speech, not noise.
public struct NoiseSuppressor: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Off: recordings reach the recogniser as they are.
        public var enabled = true
        /// Recordings with at least this contrast (dB, 95th over 10th percentile of 10 ms frame
        /// energy) are left alone. Measured: flite clean 31–58 dB, 20 dB SNR 23–27 dB.
        public var cleanContrast = 30.0
        /// The least gain of a bin (dB).
        public var gainFloor = -30.0
        /// Weight of the last frame's cleaned spectrum in the a-priori SNR.
        public var smoothing: Float = 0.98
        public init() {}
    }

    public var settings: Settings
    private let fft: FFT

    public init(settings: Settings = Settings(), fft: FFT = FFT()) {
        self.settings = settings
        self.fft = fft
    }

    static let frameLength = 512
    static let hop = 256
    /// The share of frames, quietest first, whose mean spectrum is taken as the noise.
    static let noiseShare = 0.10

    /// 10th to 95th percentile contrast of the 10 ms frame energies, in dB (0 when too short).
    public static func contrast(_ samples: [Int16]) -> Double {
        let energies = SpeechSegmenter.frameEnergies(samples).sorted()
        guard energies.count >= 10 else { return 0 }
        return energies[Int(Double(energies.count - 1) * 0.95)] - energies[Int(Double(energies.count - 1) * 0.10)]
    }

    /// `samples` with the noise suppressed, or unchanged when suppression is off or the
    /// recording is clean.
    public func suppress(_ samples: [Int16]) -> [Int16] {
        guard settings.enabled, Self.contrast(samples) < settings.cleanContrast else { return samples }
        let n = Self.frameLength, hop = Self.hop, bins = n / 2 + 1
        let window = (0..<n).map { Float((0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n))).squareRoot()) }
        // n zeros either side, so every sample is covered by two frames.
        let padded = [Float](repeating: 0, count: n) + samples.map(Float.init) + [Float](repeating: 0, count: n)
        var spectra: [Float] = []
        spectra.reserveCapacity((padded.count / hop + 1) * 2 * bins)
        padded.withUnsafeBufferPointer { fft.forEachFrame(of: $0, length: n, hop: hop, window: window) { spectra.append(contentsOf: $0) } }
        let frames = spectra.count / (2 * bins)
        guard frames > 0 else { return samples }

        var power = [Float](repeating: 0, count: frames * bins)
        for i in 0..<frames * bins { power[i] = spectra[2 * i] * spectra[2 * i] + spectra[2 * i + 1] * spectra[2 * i + 1] }
        let noise = Self.noiseSpectrum(power, frames: frames, bins: bins)

        let floor = Float(pow(10, settings.gainFloor / 20))
        let alpha = settings.smoothing
        var cleaned = [Float](repeating: 1, count: bins)  // |Ŝ|²/λ of the last frame
        for t in 0..<frames {
            for k in 0..<bins {
                let gamma = min(power[t * bins + k] / noise[k], 1_000)
                let xi = max(alpha * cleaned[k] + (1 - alpha) * max(gamma - 1, 0), Self.leastPrioriSNR)
                let gain = max(xi / (1 + xi), floor)
                cleaned[k] = gain * gain * gamma
                spectra[2 * (t * bins + k)] *= gain
                spectra[2 * (t * bins + k) + 1] *= gain
            }
        }

        var output = [Float](repeating: 0, count: padded.count)
        var frame = [Float](repeating: 0, count: n)
        spectra.withUnsafeBufferPointer { spectra in
            for t in 0..<frames {
                frame.withUnsafeMutableBufferPointer { fft.inverse(UnsafeBufferPointer(rebasing: spectra[2 * t * bins..<2 * (t + 1) * bins]), count: n, into: $0) }
                for i in 0..<n { output[t * hop + i] += frame[i] * window[i] / Float(n) }
            }
        }
        return output[n..<n + samples.count].map { Int16(max(-32768, min(32767, $0.rounded()))) }
    }

    /// -25 dB: the a-priori SNR is never taken as lower.
    static let leastPrioriSNR: Float = 0.00316

    /// The mean power per bin of the quietest `noiseShare` of the frames.
    static func noiseSpectrum(_ power: [Float], frames: Int, bins: Int) -> [Float] {
        let energy = (0..<frames).map { t in power[t * bins..<(t + 1) * bins].reduce(0, +) }
        let quietest = (0..<frames).sorted { energy[$0] < energy[$1] }.prefix(max(1, Int(Double(frames) * noiseShare)))
        var noise = [Float](repeating: 0, count: bins)
        for t in quietest { for k in 0..<bins { noise[k] += power[t * bins + k] } }
        return noise.map { $0 / Float(quietest.count) + 1e-3 }
    }
}
