/// Where one extracted field or decision came from, so any order can be explained.
///
/// `field` names the contract path it supports (`intent.party`, `intent.lines[0].sku`, …).
/// Exactly one locator is usually set: a character span for text, later an audio time span,
/// an image box or a spectrum peak; graph decisions carry the `path` of rules they followed.
public struct Evidence: Codable, Sendable, Equatable {
    public var field: String
    /// How the value was obtained: `number_word`, `alias`, `fuzzy`, `phonetic`, `graph`, …
    public var method: String
    public var text: String?
    public var span: TextSpan?
    public var audio: AudioSpan?
    public var box: ImageBox?
    public var peak: SpectrumPeak?
    /// Rules followed, e.g. `["symptom:transformer_oil_low", "procedure:Q/SP-2025-07"]`.
    public var path: [String]?
    public var confidence: Double?
    public var detail: String?

    public init(
        field: String, method: String, text: String? = nil, span: TextSpan? = nil,
        audio: AudioSpan? = nil, box: ImageBox? = nil, peak: SpectrumPeak? = nil,
        path: [String]? = nil, confidence: Double? = nil, detail: String? = nil
    ) {
        self.field = field
        self.method = method
        self.text = text
        self.span = span
        self.audio = audio
        self.box = box
        self.peak = peak
        self.path = path
        self.confidence = confidence
        self.detail = detail
    }
}

/// A half-open range `[start, end)` of Unicode scalar offsets into the input text.
public struct TextSpan: Codable, Sendable, Equatable, Hashable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// Seconds from the start of the audio.
public struct AudioSpan: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}

/// A rectangle in pixels on a 1-based page.
public struct ImageBox: Codable, Sendable, Equatable {
    public var page: Int
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public init(page: Int, x: Int, y: Int, width: Int, height: Int) {
        self.page = page
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// A peak of a spectrum: frequency in Hz and its amplitude in the spectrum's unit.
public struct SpectrumPeak: Codable, Sendable, Equatable {
    public var frequencyHz: Double
    public var amplitude: Double
    public var spectrum: String?
    public init(frequencyHz: Double, amplitude: Double, spectrum: String? = nil) {
        self.frequencyHz = frequencyHz
        self.amplitude = amplitude
        self.spectrum = spectrum
    }
    enum CodingKeys: String, CodingKey {
        case amplitude, spectrum
        case frequencyHz = "frequency_hz"
    }
}
