import IntakeCore

/// Text to align, and where its parts came from.
///
/// Plain messages are their own origin (evidence is a character span). A speech transcript
/// or an OCR page adds `origins`: character ranges of the text mapped to audio spans or image
/// boxes, so evidence points at the recording or the scan instead.
public struct OrderText: Sendable, Equatable {
    public var text: String
    public var origins: [Origin]
    /// What the recogniser wants a reviewer to know ("no speech found", "segment 2 sounded
    /// out of domain"); copied into the intent's notes.
    public var notes: [String]

    public struct Origin: Sendable, Equatable {
        public var span: TextSpan
        public var audio: AudioSpan?
        public var box: ImageBox?
        public var confidence: Double?

        public init(span: TextSpan, audio: AudioSpan? = nil, box: ImageBox? = nil, confidence: Double? = nil) {
            self.span = span
            self.audio = audio
            self.box = box
            self.confidence = confidence
        }
    }

    public init(text: String, origins: [Origin] = [], notes: [String] = []) {
        self.text = text
        self.origins = origins
        self.notes = notes
    }

    /// Evidence for `field` covering `span` of the text, located in the original medium when
    /// the text has origins there.
    func evidence(field: String, method: String, span: TextSpan, confidence: Double? = nil, detail: String? = nil) -> Evidence {
        var evidence = Evidence(field: field, method: method, text: slice(span), span: span, confidence: confidence, detail: detail)
        let covering = origins.filter { $0.span.start < span.end && span.start < $0.span.end }
        if let first = covering.first, let last = covering.last {
            if let a = first.audio, let b = last.audio { evidence.audio = AudioSpan(start: a.start, end: b.end) }
            if let box = first.box { evidence.box = box }
        }
        return evidence
    }

    /// The lowest recognition confidence of the origins overlapping `span`: how sure the
    /// recogniser was of the words a field was read from; nil for text that was typed.
    func recognitionConfidence(over span: TextSpan) -> Double? {
        origins.filter { $0.span.start < span.end && span.start < $0.span.end }.compactMap(\.confidence).min()
    }

    /// The text within `span`.
    public func slice(_ span: TextSpan) -> String {
        let scalars = text.unicodeScalars
        let start = scalars.index(scalars.startIndex, offsetBy: min(span.start, scalars.count))
        let end = scalars.index(scalars.startIndex, offsetBy: min(span.end, scalars.count))
        return String(scalars[start..<end])
    }
}
