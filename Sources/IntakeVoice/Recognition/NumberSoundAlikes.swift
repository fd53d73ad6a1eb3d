/// Words said exactly like numbers, which the sound cannot tell apart and the language model
/// settles by its counts. Two kinds:
/// - a number that sounds like a smaller number and a domain word: "sixty" (S IH K S T IY) is
///   "six tea", "forty" is "four tea", "seventy" is "seven tea";
/// - a domain word said like a number: "for" and "four", "to" and "two".
///
/// The order can tell: "sixty bags" names no product, "six tea bags" does; "store two for
/// c h five six two e e" orders nothing, "… four c h five six two e e" orders four. So
/// `SpeechRecognizer` weighs each reading also with one such number split or one such word
/// read as its number, and the order parser's plausibility chooses.
///
/// A split is tried only where the words after it complete a product or modifier phrase that
/// the split-off word begins ("tea" + "bags"): split-off words that stood alone ("four tea" out
/// of "forty") turned a misheard noisy line into an extra one in the bench.
///
/// In: the domain vocabulary and the recogniser's dictionary. Out: for a decoded word sequence,
/// its variants (a split number is timed by the two words' share of its phones).
struct NumberSoundAlikes: Sendable, Equatable {
    struct Split: Sendable, Equatable {
        var number: String
        var word: String
        /// The number's share of the phones, for timing the two words.
        var share: Double
    }

    /// Number word → the ways it splits.
    let splits: [String: [Split]]
    /// Domain word → the number said the same way ("for" → "four").
    let numbersSaidAlike: [String: String]
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
        let words = vocabulary.domainWords.subtracting(SpeechVocabulary.numberWords).filter { $0.count > 1 }.sorted()
        var alike: [String: String] = [:]
        for number in numbers {
            let sounds = Set(pronunciations.pronunciations(of: number).phones)
            for word in words where alike[word] == nil && pronunciations.pronunciations(of: word).phones.contains(where: sounds.contains) {
                alike[word] = number
            }
        }
        numbersSaidAlike = alike
        // Phones → the words that begin a phrase said that way (what a number may split into).
        var bySound: [[Substring]: [String]] = [:]
        for word in words where continuations[word] != nil {
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

    /// `words` with one number split (where the next words continue the split-off word into a
    /// phrase) or one word read as the number said like it, for each there is.
    func variants(of words: [PocketSphinxDecoder.Word]) -> [[PocketSphinxDecoder.Word]] {
        var variants: [[PocketSphinxDecoder.Word]] = []
        for (index, word) in words.enumerated() {
            if let number = numbersSaidAlike[word.text] {
                var variant = words
                variant[index].text = number
                variants.append(variant)
            }
            let after = words[(index + 1)...].map(\.text)
            for split in splits[word.text] ?? [] where continuations[split.word]?.contains(where: { after.starts(with: $0) }) == true {
                let cut = word.startFrame + Int((Double(word.endFrame - word.startFrame) * split.share).rounded())
                let score = Int((Double(word.acousticScore) * split.share).rounded())
                var variant = words
                variant.replaceSubrange(index...index, with: [
                    .init(text: split.number, startFrame: word.startFrame, endFrame: cut, acousticScore: score, posterior: word.posterior),
                    .init(text: split.word, startFrame: cut, endFrame: word.endFrame, acousticScore: word.acousticScore - score, posterior: word.posterior),
                ])
                variants.append(variant)
            }
        }
        return variants
    }
}
