/// Speech ready for the recogniser: 16 kHz mono signed 16-bit samples, and what the file was.
public struct SpeechAudio: Sendable, Equatable {
    /// The rate PocketSphinx's en-us model was trained at.
    public static let sampleRate = 16_000

    public var samples: [Int16]
    /// The file's own format, for evidence and `intake transcribe` ("WAV PCM 16-bit 44100 Hz stereo").
    public var sourceFormat: String

    public init(samples: [Int16], sourceFormat: String) {
        self.samples = samples
        self.sourceFormat = sourceFormat
    }

    public var duration: Double { Double(samples.count) / Double(Self.sampleRate) }

    /// Mono float samples in [-1, 1] at any rate → 16 kHz 16-bit, through the anti-alias resampler.
    public init(mono: [Float], sampleRate: Int, sourceFormat: String) {
        let resampled = sampleRate == Self.sampleRate ? mono : Resampler(from: sampleRate, to: Self.sampleRate).resample(mono)
        self.init(samples: resampled.map { Int16(max(-32768, min(32767, ($0 * 32768).rounded()))) }, sourceFormat: sourceFormat)
    }
}
