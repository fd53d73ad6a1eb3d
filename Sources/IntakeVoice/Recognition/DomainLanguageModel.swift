import Foundation
import IntakeCore

/// A trigram language model of courier reports, trained at start-up on sentences generated
/// from the vocabulary ("store twelve three iced americanos with oat milk and two boxes of
/// butter croissants") and written as ARPA text for PocketSphinx.
///
/// Why not a grammar: with the whole catalog (3,000 spoken phrases) PocketSphinx's grammar
/// search ran at 4–5× real time and lost words to pruning; its n-gram search keeps a tree
/// lexicon and stays fast. The model still knows the order structure (quantity, unit, "of",
/// product, modifier), which is what resolves "forty"/"fourteen" by context. Everyday words
/// get a small share so speech outside the domain is heard as itself.
///
/// Smoothing: absolute discounting (D = 0.5) with back-off, as in Katz/Ney; probabilities log10.
public enum DomainLanguageModel {
    /// Part of the recogniser files' cache key: bump it when `arpa` changes what it writes
    /// for the same corpus, or `PronunciationDictionary` its rules, so cached files are rebuilt.
    public static let formatVersion = "arpa-2 dict-2"

    /// Sentences (word lists) the model is trained on; deterministic for a vocabulary.
    ///
    /// The shape of a report: an optional greeting, then who is ordering ("store twelve",
    /// "this is sam from the riverside store"), an optional request ("we need"), one to three
    /// lines joined by "and", "plus"…, an optional closing. A line is a quantity, maybe a unit
    /// and "of", the product, maybe a modifier. Quantities agree with the product: "a" and
    /// "one" come before a singular, larger counts mostly before a plural, so "eight iced
    /// lattes" is not heard as "a iced lattes". Every count to twenty is a quantity, small
    /// ones most often. A teen and the ten it sounds like ("fourteen", "forty") are drawn
    /// equally often, and every sentence with one as a count has a mirror with the other, so
    /// the model weighs them alike before each product too: it must not settle between them,
    /// the acoustics must. Seventy to ninety stay out: drawn like the others, "seven tape" and
    /// "seventeen" were heard as "seventy", "eight" as "eighty".
    public static func corpus(_ vocabulary: SpeechVocabulary, sentencesPerProduct: Int = 8) -> [[String]] {
        var random = SeededRandom(seed: 0x1A7A_CE)
        let single: [[String]] = [["one"], ["a"]]
        let small = (2...12).map(SpokenForms.words) + [["a", "couple", "of"], ["a", "pair", "of"]]
        let teensAndTens = (13...20).map(SpokenForms.words) + [30, 40, 50, 60].map(SpokenForms.words)
            + [["a", "dozen"], ["half", "a", "dozen"]]
        let large = [24, 25, 36, 48, 100, 200].map(SpokenForms.words) + [["two", "dozen"]]
        let soundAlikeTen = ["thirteen": "thirty", "fourteen": "forty", "fifteen": "fifty", "sixteen": "sixty"]
            .reduce(into: [String: String]()) { pairs, pair in
                pairs[pair.key] = pair.value
                pairs[pair.value] = pair.key
            }
        let storeNumbers = (1...50).map(SpokenForms.words)
        let openers: [[String]] = [["store"], ["shop"], ["branch"], ["kiosk"], ["site"]]
        let greetings: [[String]] = [["hi"], ["hello"], ["hey"]]
        let requests: [[String]] = [["please", "send"], ["can", "we", "get"], ["can", "i", "get"], ["we", "need"], ["i", "need"], ["please", "deliver"], ["order"]]
        let joiners: [[String]] = [["and"], ["and"], ["and", "also"], ["also"], ["plus"], ["then"], []]
        let closers: [[String]] = [["please"], ["thanks"], ["thank", "you"], ["for", "tomorrow", "morning"], ["today"], ["asap"], []]
        let names = vocabulary.names

        func count(plural: Bool) -> [String] {
            if !plural { return random.pick(single) }
            let roll = random.uniform()
            return random.pick(roll < 0.65 ? small : roll < 0.9 ? teensAndTens : large)
        }
        // Units agree with the count too: "a bottle of", "eight bottles of".
        let pluralUnits = vocabulary.units.filter { $0.hasSuffix("s") }
        let singularUnits = vocabulary.units.filter { !$0.hasSuffix("s") }
        // Where a sentence's counts stand, so its mirror can swap them (see below).
        var countsSaid: [Int] = []
        func clause(_ product: [String], at start: Int) -> [String] {
            var words: [String] = []
            // Plural names (every plural the vocabulary made ends in "s") take a count above one;
            // a singular one mostly does too ("three oat milk").
            var plural = product.last?.hasSuffix("s") == true ? !random.chance(0.05) : !random.chance(0.4)
            if random.chance(0.2) {
                plural = !random.chance(0.2)
                let units = plural ? pluralUnits : singularUnits
                if !units.isEmpty { words += count(plural: plural) + [random.pick(units), "of"] }
            } else if !random.chance(0.1) {
                words += count(plural: plural)
            }
            if let said = words.first, soundAlikeTen[said] != nil { countsSaid.append(start) }
            words += product
            if random.chance(0.3), !vocabulary.modifiers.isEmpty {
                words += (random.chance(0.5) ? ["with"] : []) + random.pick(vocabulary.modifiers)
            }
            return words
        }

        var sentences: [[String]] = []
        for product in vocabulary.products {
            for _ in 0..<sentencesPerProduct {
                var sentence: [String] = []
                if random.chance(0.3) { sentence += random.pick(greetings) }
                let who = random.uniform()
                if who < 0.45 { sentence += random.pick(openers) + random.pick(storeNumbers) }
                else if who < 0.55, !names.isEmpty { sentence += ["this", "is", random.pick(names), "from", "the", random.pick(names), "store"] }
                if random.chance(0.4) { sentence += random.pick(requests) }
                countsSaid = []
                sentence += clause(product, at: sentence.count)
                for _ in 0..<random.int(in: 0...2) where !vocabulary.products.isEmpty {
                    sentence += random.pick(joiners)
                    sentence += clause(random.pick(vocabulary.products), at: sentence.count)
                }
                sentence += random.pick(closers)
                sentences.append(sentence)
                if !countsSaid.isEmpty {
                    // The mirror: each teen count said as its ten and back, so that before every
                    // product the model weighs "fifteen" and "fifty" alike, not by which one a
                    // draw happened to put there.
                    var mirror = sentence
                    for index in countsSaid { mirror[index] = soundAlikeTen[mirror[index]]! }
                    sentences.append(mirror)
                }
            }
        }
        for modifier in vocabulary.modifiers {  // symptoms and modifiers said on their own
            sentences.append(modifier)
            if !vocabulary.products.isEmpty { sentences.append(random.pick(vocabulary.products) + modifier) }
        }
        // Everyday speech: each other word in a few short random sentences.
        let everyday = vocabulary.otherWords + ["the", "a", "is", "to", "and", "we", "it", "i", "you", "of", "in", "on"]
        for _ in 0..<vocabulary.otherWords.count {
            sentences.append((0..<random.int(in: 3...8)).map { _ in random.pick(everyday) })
        }
        return sentences.filter { !$0.isEmpty }
    }

    /// The ARPA text of a trigram model of `sentences`.
    public static func arpa(_ sentences: [[String]], discount: Double = 0.5) -> String {
        var unigrams: [String: Int] = [:]
        var bigrams: [Bigram: Int] = [:]
        var trigrams: [Trigram: Int] = [:]
        for sentence in sentences {
            let words = ["<s>"] + sentence + ["</s>"]
            for (i, word) in words.enumerated() {
                unigrams[word, default: 0] += 1
                if i >= 1 { bigrams[Bigram(a: words[i - 1], b: word), default: 0] += 1 }
                if i >= 2 { trigrams[Trigram(a: words[i - 2], b: words[i - 1], c: word), default: 0] += 1 }
            }
        }
        // Unigrams: add-one, so every word keeps a little probability.
        let total = Double(unigrams.values.reduce(0, +) + unigrams.count)
        var p1: [String: Double] = [:]
        for (word, count) in unigrams { p1[word] = Double(count + 1) / total }

        // Bigrams back off to unigrams, trigrams to the bigram model.
        let (p2, backoff1) = discounted(bigrams, context: \.a, discount: discount) { p1[$0.b]! }
        func bigramProbability(_ a: String, _ b: String) -> Double {
            p2[Bigram(a: a, b: b)] ?? (backoff1[a] ?? 1) * p1[b]!
        }
        let (p3, backoff2) = discounted(trigrams, context: { Bigram(a: $0.a, b: $0.b) }, discount: discount) {
            bigramProbability($0.b, $0.c)
        }

        func log(_ p: Double) -> String { String(format: "%.4f", log10(max(p, 1e-99))) }
        var lines = ["\\data\\", "ngram 1=\(p1.count)", "ngram 2=\(p2.count)", "ngram 3=\(p3.count)", "", "\\1-grams:"]
        for word in p1.keys.sorted() {
            let probability = word == "<s>" ? "-99.0000" : log(p1[word]!)
            lines.append("\(probability) \(word)" + (backoff1[word].map { " \(log($0))" } ?? ""))
        }
        lines += ["", "\\2-grams:"]
        for gram in p2.keys.sorted() {
            lines.append("\(log(p2[gram]!)) \(gram.a) \(gram.b)" + (backoff2[gram].map { " \(log($0))" } ?? ""))
        }
        lines += ["", "\\3-grams:"]
        for gram in p3.keys.sorted() { lines.append("\(log(p3[gram]!)) \(gram.a) \(gram.b) \(gram.c)") }
        lines += ["", "\\end\\", ""]
        return lines.joined(separator: "\n")
    }

    /// One order of the model: each n-gram's count less the discount over its context's count,
    /// and per context the back-off weight that hands the freed mass to the lower order
    /// (`lower`: an n-gram's probability there).
    private static func discounted<Gram: Hashable & Comparable, Context: Hashable>(
        _ counts: [Gram: Int], context: (Gram) -> Context, discount: Double, lower: (Gram) -> Double
    ) -> (probabilities: [Gram: Double], backoff: [Context: Double]) {
        let byContext = Dictionary(grouping: counts.keys, by: context)
        var probabilities: [Gram: Double] = [:]
        var backoff: [Context: Double] = [:]
        for (key, grams) in byContext {
            let n = Double(grams.reduce(0) { $0 + counts[$1]! })
            var kept = 0.0, covered = 0.0
            for gram in grams.sorted() {  // a fixed order: the sums, the file and its hash stay the same
                let p = (Double(counts[gram]!) - discount) / n
                probabilities[gram] = p
                kept += p
                covered += lower(gram)
            }
            backoff[key] = (1 - kept) / max(1e-9, 1 - covered)
        }
        return (probabilities, backoff)
    }

    struct Bigram: Hashable, Comparable {
        var a: String, b: String
        static func < (x: Self, y: Self) -> Bool { (x.a, x.b) < (y.a, y.b) }
    }

    struct Trigram: Hashable, Comparable {
        var a: String, b: String, c: String
        static func < (x: Self, y: Self) -> Bool { (x.a, x.b, x.c) < (y.a, y.b, y.c) }
    }
}

