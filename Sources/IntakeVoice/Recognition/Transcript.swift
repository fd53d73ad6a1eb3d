import IntakeAlignment
import IntakeCore

/// What was heard in a recording: its speech segments, each with timed words.
public struct Transcript: Sendable, Equatable {
    public struct Word: Sendable, Equatable {
        public var text: String
        /// Seconds from the start of the recording.
        public var start: Double
        public var end: Double
        /// 0…1: lower for words outside the domain and for words in a doubtful segment.
        public var confidence: Double
        /// False for the language model's everyday "other" words.
        public var inDomain: Bool
        /// For a number word, the lattice's posterior of it there (`WordPosteriors`); nil for
        /// other words and when the search gives none. The order text takes the lower of this
        /// and `confidence`, except inside a code: its spellings ("four eleven", "four one one")
        /// split the lattice between them, however sure the code.
        public var posterior: Double? = nil
    }

    public struct Segment: Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var words: [Word]
        /// Share of the segment's word time spent in out-of-domain words.
        public var outOfDomainShare: Double
        /// The index in `readings` of the reading chosen over the best path because it reads
        /// better as an order; nil for the best path.
        public var alternative: Int?
        /// The readings weighed, best path first, then the decoder's N-best list, each followed
        /// by its `NumberSoundAlikes` variants, as the aligner reads them, with their
        /// `OrderPlausibility` scores; empty when none were.
        public var readings: [Reading]

        public init(start: Double, end: Double, words: [Word], outOfDomainShare: Double, alternative: Int? = nil, readings: [Reading] = []) {
            self.start = start
            self.end = end
            self.words = words
            self.outOfDomainShare = outOfDomainShare
            self.alternative = alternative
            self.readings = readings
        }
    }

    /// One reading of a segment the recogniser weighed.
    public struct Reading: Sendable, Equatable {
        public var text: String
        public var plausibility: Double
        /// How far its decoder path score lies below the best path's (log base 1.0001).
        public var scoreBelowBest: Int
    }

    public var segments: [Segment]
    public var duration: Double
    public var sourceFormat: String

    public var text: String { segments.map { $0.words.map(\.text).joined(separator: " ") }.filter { !$0.isEmpty }.joined(separator: "; ") }

    /// Text for the aligner: spoken forms written back as the catalog writes them, each word's
    /// character span tied to its audio span and confidence; notes for silence and doubt.
    public func orderText(rewrites: [[String]: String], doubtfulShare: Double) -> OrderText {
        var text = ""
        var origins: [OrderText.Origin] = []
        var notes: [String] = []
        if segments.isEmpty {
            notes.append(String(format: "No speech found in %.1f s of audio.", duration))
        }
        let longest = rewrites.keys.map(\.count).max() ?? 0
        for segment in segments {
            let span = String(format: "%.1f–%.1f s", segment.start, segment.end)
            if segment.words.isEmpty {
                notes.append("Speech at \(span) was not recognised.")
                continue
            }
            if segment.outOfDomainShare >= doubtfulShare {
                notes.append(String(format: "Speech at %@ sounds outside the order vocabulary (%.0f%% of it); check the recording.",
                                    span, segment.outOfDomainShare * 100))
            }
            if !text.isEmpty { text += "; " }
            var i = 0
            let words = segment.words
            while i < words.count {
                // Longest spoken form starting here that the catalog writes differently.
                var taken = 1
                var written = words[i].text
                for length in stride(from: min(longest, words.count - i), through: 1, by: -1) {
                    if let form = rewrites[words[i..<i + length].map(\.text)] {
                        taken = length
                        written = form
                        break
                    }
                }
                var guessed = false
                if taken == 1, written == words[i].text, let swapped = Self.eSetRewrite(words[i..<min(i + longest, words.count)].map(\.text), rewrites: rewrites, longest: longest) {
                    // A guess from the sound, so the line goes to review with the letters as heard.
                    taken = swapped.length
                    written = swapped.form
                    guessed = true
                    notes.append("Heard \"\(words[i..<i + taken].map(\.text).joined(separator: " "))\"; read as \(swapped.form), the only catalog code one sound-alike letter away.")
                }
                let covered = words[i..<i + taken]
                let heard = taken == 1
                    ? min(words[i].confidence, words[i].posterior ?? 1)
                    : covered.map(\.confidence).min()
                if i > 0 { text += " " }
                let start = text.unicodeScalars.count
                text += written
                origins.append(OrderText.Origin(
                    span: TextSpan(start: start, end: text.unicodeScalars.count),
                    audio: AudioSpan(start: covered.first!.start, end: covered.last!.end),
                    confidence: guessed ? min(heard ?? 1, Self.eSetConfidence) : heard))
                i += taken
            }
        }
        return OrderText(text: text, origins: origins, notes: notes)
    }

    /// The letters of the English E-set (b c d e g p t v z): said alone they differ only in a
    /// short consonant, and the recogniser confuses them ("c r twenty four hundred" heard for
    /// "d r …", the code DR-2400).
    static let eSet: Set<String> = ["b", "c", "d", "e", "g", "p", "t", "v", "z"]
    /// Confidence of a code read through an E-set swap: low enough for review.
    static let eSetConfidence = 0.5

    /// The spoken form at the start of `words` that a rewrite knows once one of its spelled
    /// E-set letters is swapped for another, longest first, when exactly one form fits.
    static func eSetRewrite(_ words: [String], rewrites: [[String]: String], longest: Int) -> (form: String, length: Int)? {
        for length in stride(from: min(longest, words.count), through: 2, by: -1) {
            let spoken = Array(words.prefix(length))
            var forms = Set<String>()
            for (position, word) in spoken.enumerated() where eSet.contains(word) {
                for letter in eSet where letter != word {
                    var swapped = spoken
                    swapped[position] = letter
                    if let form = rewrites[swapped] { forms.insert(form) }
                }
            }
            if forms.count == 1, let form = forms.first { return (form, length) }
            if forms.count > 1 { return nil }
        }
        return nil
    }
}
