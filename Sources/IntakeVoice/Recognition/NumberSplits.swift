/// Number words that sound exactly like a smaller number and a domain word said together:
/// "sixty" (S IH K S T IY) is "six tea", "forty" is "four tea", "seventy" is "seven tea".
///
/// The language model settles such a pair by its counts, nearly always for the number, and the
/// sound cannot settle it at all; the order can: "sixty bags" names no product, "six tea bags"
/// does. So `SpeechRecognizer` weighs a reading with such a number also split, when the words
/// after it complete a product or modifier phrase that the split-off word begins ("tea" +
/// "bags"). A split-off word that would stand alone ("four tea" out of "forty") is not tried:
/// it turned a misheard line into an extra one in the bench's noisy speech.
///
/// In: the domain vocabulary and the recogniser's dictionary. Out: for a decoded word sequence,
/// its variants with one such number split in two (timed by their share of the phones).
struct NumberSplits: Sendable, Equatable {
    struct Split: Sendable, Equatable {
        var number: String
        var word: String
        /// The number's share of the phones, for timing the two words.
        var share: Double
    }

    /// Number word → the ways it splits.
    let splits: [String: [Split]]
    /// First word → the rest of each phrase of two words or more it begins.
    private let continuations: [String: [[String]]]

    init(vocabulary: SpeechVocabulary, pronunciations: PronunciationDictionary) {
        let numbers = SpokenForms.ones + SpokenForms.tens.filter { !$0.isEmpty }
        var continuations: [String: [[String]]] = [:]
        for phrase in vocabulary.products + vocabulary.modifiers where phrase.count > 1 {
            continuations[phrase[0], default: []].append(Array(phrase.dropFirst()))
        }
        self.continuations = continuations
        // Letters (said in codes) left out: "six t" is a reading to weigh only in a code.
        let words = Set(continuations.keys).subtracting(SpeechVocabulary.numberWords).filter { $0.count > 1 }
        // Phones → the domain words said that way.
        var bySound: [[Substring]: [String]] = [:]
        for word in words.sorted() {
            for phones in pronunciations.pronunciations(of: word).phones {
                bySound[phones.split(separator: " "), default: []].append(word)
            }
        }
        var splits: [String: [Split]] = [:]
        for whole in numbers {
            for phones in pronunciations.pronunciations(of: whole).phones.map({ $0.split(separator: " ") }) {
                for part in numbers where part != whole {
                    for head in pronunciations.pronunciations(of: part).phones.map({ $0.split(separator: " ") })
                    where head.count < phones.count && phones.starts(with: head) {
                        for word in bySound[Array(phones[head.count...])] ?? [] {
                            let split = Split(number: part, word: word, share: Double(head.count) / Double(phones.count))
                            if !(splits[whole]?.contains { $0.number == part && $0.word == word } ?? false) {
                                splits[whole, default: []].append(split)
                            }
                        }
                    }
                }
            }
        }
        self.splits = splits
    }

    /// `words` with one number split, for each number and split whose word the next words
    /// continue into a phrase; none when no word splits.
    func variants(of words: [PocketSphinxDecoder.Word]) -> [[PocketSphinxDecoder.Word]] {
        var variants: [[PocketSphinxDecoder.Word]] = []
        for (index, word) in words.enumerated() {
            let after = words[(index + 1)...].map(\.text)
            for split in splits[word.text] ?? [] where continuations[split.word]?.contains(where: { after.starts(with: $0) }) == true {
                let cut = word.startFrame + Int((Double(word.endFrame - word.startFrame) * split.share).rounded())
                let score = Int((Double(word.acousticScore) * split.share).rounded())
                var variant = words
                variant.replaceSubrange(index...index, with: [
                    .init(text: split.number, startFrame: word.startFrame, endFrame: cut, acousticScore: score),
                    .init(text: split.word, startFrame: cut, endFrame: word.endFrame, acousticScore: word.acousticScore - score),
                ])
                variants.append(variant)
            }
        }
        return variants
    }
}
