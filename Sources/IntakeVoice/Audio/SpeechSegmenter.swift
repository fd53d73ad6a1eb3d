import Foundation

/// Voice activity detection by frame energy: finds where people speak in a recording and cuts a
/// long report at long pauses, so each delivery is decoded (and timed) on its own.
///
/// The threshold adapts to the recording: it sits between the noise floor (a low percentile of
/// frame energies) and the speech level (a high percentile), so the same settings work for a
/// quiet room and a van at 10 dB SNR.
public struct SpeechSegmenter: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Pauses at least this long separate segments (a comma pause is ~0.3 s).
        public var splitPause = 0.8
        /// Speech bursts shorter than this are clicks or breaths.
        public var minimumSpeech = 0.15
        /// Kept around each segment so word edges are not clipped.
        public var padding = 0.25
        /// A recording whose loudest frames are below this (dBFS) is silence.
        public var silenceLevel = -50.0
        /// Speech must rise this far (dB) above the noise floor.
        public var minimumContrast = 8.0
        public init() {}
    }

    /// A stretch of the recording in samples at 16 kHz.
    public struct Segment: Sendable, Equatable {
        public var start: Int
        public var end: Int
    }

    public var settings: Settings
    public init(settings: Settings = Settings()) { self.settings = settings }

    static let frameLength = SpeechAudio.sampleRate / 100  // 10 ms

    /// The energy of each whole 10 ms frame of `samples`, in dBFS.
    static func frameEnergies(_ samples: [Int16]) -> [Double] {
        let frameCount = samples.count / frameLength
        var energy = [Double](repeating: 0, count: frameCount)
        samples.withUnsafeBufferPointer { x in
            for f in 0..<frameCount {
                var sum = 0.0
                for i in f * frameLength..<(f + 1) * frameLength {
                    let v = Double(x[i]) / 32768
                    sum += v * v
                }
                energy[f] = 10 * log10(sum / Double(frameLength) + 1e-12)
            }
        }
        return energy
    }

    /// The speech segments of `samples`; empty when the recording is silence or steady noise.
    public func segments(_ samples: [Int16]) -> [Segment] {
        let energy = Self.frameEnergies(samples)
        let frameCount = energy.count
        guard frameCount > 0 else { return [] }
        let sorted = energy.sorted()
        let floor = sorted[Int(Double(frameCount - 1) * 0.10)]
        let peak = sorted[Int(Double(frameCount - 1) * 0.97)]
        guard peak > settings.silenceLevel, peak - floor >= settings.minimumContrast else { return [] }
        let threshold = floor + max(settings.minimumContrast * 0.75, 0.3 * (peak - floor))

        // Speech runs, then runs closer than `splitPause` merged.
        let framesPerSecond = 100.0
        var runs: [(Int, Int)] = []
        var start: Int?
        for f in 0...frameCount {
            let speaking = f < frameCount && energy[f] > threshold
            if speaking, start == nil { start = f }
            if !speaking, let s = start {
                runs.append((s, f))
                start = nil
            }
        }
        var merged: [(Int, Int)] = []
        for run in runs {
            if let last = merged.last, Double(run.0 - last.1) / framesPerSecond < settings.splitPause {
                merged[merged.count - 1].1 = run.1
            } else {
                merged.append(run)
            }
        }
        let pad = Int(settings.padding * framesPerSecond)
        return merged
            .filter { Double($0.1 - $0.0) / framesPerSecond >= settings.minimumSpeech }
            .map { Segment(start: max(0, $0.0 - pad) * Self.frameLength, end: min(frameCount, $0.1 + pad) * Self.frameLength) }
    }
}
