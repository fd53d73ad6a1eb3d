import Foundation

/// `SpeechAudio` → `Transcript` on one thread: cuts the recording at pauses, decodes each
/// segment with this thread's PocketSphinx decoder, and times and scores the words.
///
/// Word confidence is a rule, not a posterior (PocketSphinx gives no cheap posterior):
/// domain words start at `domainConfidence`, everyday "other" words at `otherConfidence`, and a
/// segment mostly made of other words caps all its words at `doubtfulConfidence`. Out-of-domain
/// speech is therefore heard as what it is and sent to review, never forced into products.
public final class SpeechRecognizer {
    public struct Settings: Sendable, Equatable {
        public var segmenter = SpeechSegmenter.Settings()
        public var domainConfidence = 0.96
        public var otherConfidence = 0.3
        /// A segment whose word time is at least this share "other" words is doubtful.
        public var doubtfulShare = 0.34
        public var doubtfulConfidence = 0.4
        public init() {}
    }

    public let settings: Settings
    private let decoder: PocketSphinxDecoder
    /// Words that count as in-domain; nil: every word (a user's own grammar or model).
    private let domain: Set<String>?

    public init(decoder: PocketSphinxDecoder, vocabulary: SpeechVocabulary?, settings: Settings = Settings()) {
        self.decoder = decoder
        self.settings = settings
        self.domain = vocabulary?.domainWords
    }

    public func transcribe(_ audio: SpeechAudio) -> Transcript {
        let rate = Double(SpeechAudio.sampleRate)
        let segments = SpeechSegmenter(settings: settings.segmenter).segments(audio.samples).map { cut -> Transcript.Segment in
            let offset = Double(cut.start) / rate
            let (heard, _) = decoder.decode(audio.samples[cut.start..<cut.end])
            var words = heard.map { word in
                let inDomain = domain?.contains(word.text) ?? true
                return Transcript.Word(
                    text: word.text, start: offset + Double(word.startFrame) / 100, end: offset + Double(word.endFrame) / 100,
                    confidence: inDomain ? settings.domainConfidence : settings.otherConfidence, inDomain: inDomain)
            }
            let total = words.reduce(0) { $0 + ($1.end - $1.start) }
            let other = words.filter { !$0.inDomain }.reduce(0) { $0 + ($1.end - $1.start) }
            let share = total > 0 ? other / total : 0
            if share >= settings.doubtfulShare {
                for i in words.indices { words[i].confidence = min(words[i].confidence, settings.doubtfulConfidence) }
            }
            return Transcript.Segment(start: offset, end: Double(cut.end) / rate, words: words, outOfDomainShare: share)
        }
        return Transcript(segments: segments, duration: audio.duration, sourceFormat: audio.sourceFormat)
    }
}
