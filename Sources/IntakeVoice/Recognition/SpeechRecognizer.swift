import Foundation
import IntakeAlignment

/// `SpeechAudio` → `Transcript` on one thread: cuts the recording at pauses, decodes each
/// segment of the noise-suppressed recording (`NoiseSuppressor`) with this thread's
/// PocketSphinx decoder, and times and scores the words. Cuts are found in the recording as it
/// came: the segmenter's thresholds are set for real noise, not for what suppression leaves.
///
/// Word confidence is a rule: domain words start at `domainConfidence`, everyday "other" words
/// at `otherConfidence`, and a segment mostly made of other words caps all its words at
/// `doubtfulConfidence`. Out-of-domain speech is therefore heard as what it is and sent to
/// review, never forced into products. A number word also carries the lattice's posterior of
/// it (`WordPosteriors`), so a count the lattice half heard as its teen goes to review too.
///
/// With a `reader`, each segment's reading is chosen from the decoder's N-best list by how well
/// it reads as an order (`OrderPlausibility`): the acoustics alone confuse "oh" with "l" and
/// "eight" with "a", the order's structure does not. Each reading is also weighed with its
/// `NumberSoundAlikes` ("sixty bags" as "six tea bags", "for" as "four"). A segment whose best
/// path is doubtful keeps it, so out-of-domain speech is never rescored into products.
public final class SpeechRecognizer {
    public struct Settings: Sendable, Equatable {
        public var segmenter = SpeechSegmenter.Settings()
        public var noise = NoiseSuppressor.Settings()
        public var domainConfidence = 0.96
        public var otherConfidence = 0.3
        /// A segment whose word time is at least this share "other" words is doubtful.
        public var doubtfulShare = 0.34
        public var doubtfulConfidence = 0.4
        /// Readings of each segment weighed against the best path (0: the best path only).
        public var alternatives = 40
        /// How much better (in `OrderPlausibility.score`) another reading must be to win.
        public var rescoreMargin = 0.05
        /// A number word is no surer than its lattice posterior (`Transcript.Word.posterior`): a
        /// count the lattice also heard as its teen, say, sends its order to review instead of
        /// passing as sure.
        public var wordPosteriors = true
        public init() {}
    }

    public let settings: Settings
    private let decoder: PocketSphinxDecoder
    private let suppressor: NoiseSuppressor
    /// Words that count as in-domain; nil: every word (a user's own grammar or model).
    private let domain: Set<String>?
    private let rewrites: [[String]: String]
    /// Judges readings as orders; nil: the best path is taken as heard.
    private let reader: TextIntentParser?
    /// Words said like numbers ("sixty" and "six tea", "for" and "four"), weighed both ways.
    private let soundAlikes: NumberSoundAlikes?

    /// `pronunciations`: the decoder's dictionary, to find numbers that sound like a number and
    /// a domain word; without it readings are weighed as decoded.
    public init(
        decoder: PocketSphinxDecoder, vocabulary: SpeechVocabulary?, reader: TextIntentParser? = nil,
        pronunciations: PronunciationDictionary? = nil, settings: Settings = Settings()
    ) {
        self.decoder = decoder
        self.settings = settings
        self.suppressor = NoiseSuppressor(settings: settings.noise)
        self.domain = vocabulary?.domainWords
        self.rewrites = vocabulary?.rewrites ?? [:]
        self.reader = reader
        self.soundAlikes = vocabulary.flatMap { vocabulary in
            pronunciations.map { NumberSoundAlikes(vocabulary: vocabulary, pronunciations: $0) }
        }
    }

    /// What `audio` says, segment by segment. Past `deadline` it stops before the next segment
    /// and throws: the pipeline has given up on the item, and its worker should not decode on.
    public func transcribe(_ audio: SpeechAudio, until deadline: DispatchTime = .distantFuture) throws -> Transcript {
        let rate = Double(SpeechAudio.sampleRate)
        let cuts = SpeechSegmenter(settings: settings.segmenter).segments(audio.samples)
        let heard = cuts.isEmpty ? audio.samples : suppressor.suppress(audio.samples)
        let segments = try cuts.enumerated().map { index, cut -> Transcript.Segment in
            guard DispatchTime.now() < deadline else { throw VoiceError.pastDeadline(decoded: index, segments: cuts.count) }
            let offset = Double(cut.start) / rate
            let end = Double(cut.end) / rate
            let decoding = decoder.decode(
                heard[cut.start..<cut.end], alternatives: reader == nil ? 0 : settings.alternatives, posteriors: settings.wordPosteriors)
            let best = segment(decoding.words, start: offset, end: end)
            guard let reader, !decoding.alternatives.isEmpty, best.outOfDomainShare < settings.doubtfulShare else { return best }
            // The best path, then each N-best reading, each followed by its `NumberSoundAlikes` variants.
            let paths = [(decoding.words, 0)] + decoding.alternatives.map { ($0.words, decoding.score - $0.score) }
            var chosen = best
            var chosenScore = -Double.infinity
            var readings: [Transcript.Reading] = []
            for (words, scoreBelowBest) in paths {
                for variant in [words] + (soundAlikes?.variants(of: words) ?? []) {
                    var candidate = readings.isEmpty ? best : segment(variant, start: offset, end: end)
                    let text = written(candidate)
                    let score = reader.plausibility(of: text).score
                    readings.append(Transcript.Reading(text: text, plausibility: score, scoreBelowBest: scoreBelowBest))
                    if readings.count == 1 {
                        chosenScore = score + settings.rescoreMargin
                    } else if score > chosenScore, candidate.outOfDomainShare < settings.doubtfulShare {
                        candidate.alternative = readings.count - 1
                        chosen = candidate
                        chosenScore = score
                    }
                }
            }
            chosen.readings = readings
            return chosen
        }
        return Transcript(segments: segments, duration: audio.duration, sourceFormat: audio.sourceFormat)
    }

    /// A segment of `heard` words, timed from the segment's start and scored for confidence.
    private func segment(_ heard: [PocketSphinxDecoder.Word], start offset: Double, end: Double) -> Transcript.Segment {
        var words = heard.map { word in
            let inDomain = domain?.contains(word.text) ?? true
            return Transcript.Word(
                text: word.text, start: offset + Double(word.startFrame) / 100, end: offset + Double(word.endFrame) / 100,
                confidence: inDomain ? settings.domainConfidence : settings.otherConfidence, inDomain: inDomain,
                posterior: SpeechVocabulary.numberWords.contains(word.text) ? word.posterior : nil)
        }
        let total = words.reduce(0) { $0 + ($1.end - $1.start) }
        let other = words.filter { !$0.inDomain }.reduce(0) { $0 + ($1.end - $1.start) }
        let share = total > 0 ? other / total : 0
        if share >= settings.doubtfulShare {
            for i in words.indices { words[i].confidence = min(words[i].confidence, settings.doubtfulConfidence) }
        }
        return Transcript.Segment(start: offset, end: end, words: words, outOfDomainShare: share)
    }

    /// A segment's words as the aligner will read them (spoken forms written back).
    private func written(_ segment: Transcript.Segment) -> String {
        Transcript(segments: [segment], duration: segment.end, sourceFormat: "").orderText(rewrites: rewrites, doubtfulShare: 1).text
    }
}
