/// Finds the material a phrase means: exact name, alias, fuzzy (token-set, typo-tolerant) and
/// sound-alike matching over an index of every name and alias in the material master.
///
/// Scoring is a weighted Dice coefficient over match tokens: each phrase word is paired with
/// at most one word of a candidate name, exact pairs weigh 1, one-edit typos 0.88, two-edit
/// 0.76, sound-alikes 0.82, prefixes 0.75. Words with digits (`6205`, `26a`, `12oz`) must match
/// exactly, because one digit is a different product. A number word matches its digits ("four
/// ring binders", 0.95), and a bare number may stand for a code of the same number whose short
/// letter part is missing ("three" or "3" for "a3", "twelve" for "12oz", 0.75): recognisers
/// drop the letter ("two a three copy paper" heard as "two three copy paper"). A phrase that
/// contains a whole name or alias plus only words the material is known by ("6205-2RS
/// bearings") scores 0.92 times the weight of its matched words, however much shorter the alias
/// is. Immutable once built; safe to share.
public struct MaterialMatcher: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Below this score a phrase matches nothing.
        public var minimumScore: Double = 0.6
        /// A rival within this margin of the best makes the match ambiguous.
        public var ambiguityMargin: Double = 0.05
        public init() {}
    }

    private struct Entry: Sendable {
        let material: Int
        let phrase: String
        let tokens: [Int]
        let isAlias: Bool
    }

    private struct Vocabulary: Sendable {
        var ids: [String: Int] = [:]
        var words: [String] = []
        var bytes: [[UInt8]] = []
        var hasDigit: [Bool] = []
        var postings: [[Int]] = []
        var byPhonetic: [String: [Int]] = [:]
        /// Codes of a number and up to three letters before or after it ("a3", "12oz"), by the number.
        var codesByNumber: [String: [Int]] = [:]

        mutating func id(for word: String) -> Int {
            if let id = ids[word] { return id }
            let id = words.count
            ids[word] = id
            words.append(word)
            bytes.append(Array(word.utf8))
            hasDigit.append(word.contains(where: \.isNumber))
            postings.append([])
            if !word.contains(where: \.isNumber) {
                byPhonetic[PhoneticKey.key(word), default: []].append(id)
            } else if let number = MaterialMatcher.number(inCode: word) {
                codesByNumber[number, default: []].append(id)
            }
            return id
        }
    }

    public let master: MaterialMaster
    public let settings: Settings
    private let entries: [Entry]
    private let vocabulary: Vocabulary
    private let byCompact: [String: Int]
    /// Per material: every word of its name and aliases, and the parts of hyphenated ones.
    private let bags: [Set<Int>]
    /// Neighbouring words of every name and alias ("hp" "301", "301" "black").
    private let neighbours: Set<[String]>
    /// The words either side of an "and" in a name or alias ("ham" "cheese").
    private let joinedByAnd: Set<[String]>

    public init(master: MaterialMaster, settings: Settings = Settings()) {
        self.master = master
        self.settings = settings
        var vocabulary = Vocabulary()
        var entries: [Entry] = []
        var byCompact: [String: Int] = [:]
        var bags: [Set<Int>] = []
        var neighbours = Set<[String]>()
        var joinedByAnd = Set<[String]>()
        for (index, material) in master.materials.enumerated() {
            var bag = Set<Int>()
            for (phrase, isAlias) in [(material.name, false)] + material.aliases.map({ ($0, true) }) {
                let words = Tokenizer.tokenize(phrase).filter { !$0.isSeparator }.map(\.norm)
                let written = MatchText.keys(words)  // as `MatchText.tokens(phrase)`, from the words read once
                guard !written.isEmpty else { continue }
                for (at, word) in words.enumerated() where word == "and" && at > 0 && at + 1 < words.count {
                    let pair = MatchText.keys([words[at - 1]]) + MatchText.keys([words[at + 1]])
                    if pair.count == 2 { joinedByAnd.insert(pair) }
                }
                for tokens in [written] + Self.pluralKeys(of: written) {
                    let ids = tokens.map { vocabulary.id(for: $0) }
                    bag.formUnion(ids)
                    for (left, right) in zip(tokens, tokens.dropFirst()) { neighbours.insert([left, right]) }
                    for token in tokens where token.contains("-") {
                        for part in token.split(separator: "-") where part.count > 1 {
                            bag.insert(vocabulary.id(for: MatchText.singular(String(part))))
                        }
                    }
                    let entry = entries.count
                    entries.append(Entry(material: index, phrase: phrase, tokens: ids, isAlias: isAlias))
                    for id in Set(ids) { vocabulary.postings[id].append(entry) }
                    let compact = MatchText.compact(tokens)
                    if byCompact[compact] == nil || !isAlias && tokens == written { byCompact[compact] = entry }
                }
            }
            bags.append(bag)
        }
        self.bags = bags
        self.neighbours = neighbours
        self.joinedByAnd = joinedByAnd
        self.entries = entries
        self.vocabulary = vocabulary
        self.byCompact = byCompact
    }

    /// A name's words as their plurals come back from `MatchText.singular`, where that differs
    /// from the word: "brownies" is "browny" ("-ies" read as "-y"), "chais" stays "chais" ("-is"
    /// is kept for "axis"), "tomatoes" is "tomatoe". The material must be known by those too.
    /// (Changing `singular` instead would cost typos: "whie" for "white" would become "why".)
    static func pluralKeys(of tokens: [String]) -> [[String]] {
        var variants: [[String]] = []
        for (index, token) in tokens.enumerated() where token.count >= 3 && token.allSatisfy(\.isLetter) {
            let sibilant = ["s", "x", "z", "ch", "sh"].contains { token.hasSuffix($0) }
            let plurals = sibilant ? [token + "es"] : token.hasSuffix("o") ? [token + "s", token + "es"] : [token + "s"]
            for plural in plurals {
                let key = MatchText.singular(plural)
                guard key != token else { continue }
                var variant = tokens
                variant[index] = key
                variants.append(variant)
            }
        }
        return variants
    }

    /// True when `left` and `right` (match tokens) stand side by side in some name or alias, so a
    /// number between words ("HP 301 black") belongs to the product, not the quantity.
    public func areNeighbours(_ left: String, _ right: String) -> Bool {
        neighbours.contains([left, right])
    }

    /// True when some name or alias says "`left` and `right`" ("ham and cheese croissant"), so
    /// an "and" between them joins no two lines.
    public func areJoinedByAnd(_ left: String, _ right: String) -> Bool {
        joinedByAnd.contains([left, right])
    }

    /// True when `word` (a match token) is part of some name or alias.
    public func knows(_ word: String) -> Bool {
        vocabulary.ids[word] != nil
    }

    /// The best material for a phrase as written, or nil below the minimum score.
    public func match(_ phrase: String) -> MaterialMatch? {
        match(tokens: MatchText.tokens(phrase))
    }

    /// The best material for already-normalised words (see `MatchText.keys`).
    ///
    /// A word that is itself in some name or alias stands only for itself, unless
    /// `knownWordsMaySoundAlike`: then it may also stand for its sound-alikes and near spellings,
    /// as a recogniser's vowel slips do ("belt kits" heard for "bolt kits", both catalog words).
    /// Callers ask for that only where a phrase must name something and named nothing exactly.
    public func match(tokens: [String], knownWordsMaySoundAlike: Bool = false) -> MaterialMatch? {
        guard !tokens.isEmpty else { return nil }
        if let entry = byCompact[MatchText.compact(tokens)] {
            let best = entries[entry]
            return MaterialMatch(
                material: master.materials[best.material], score: 1, method: best.isAlias ? .alias : .exact,
                matchedPhrase: best.phrase, rivals: [])
        }
        let resolved = tokens.map { resolve($0, known: knownWordsMaySoundAlike ? .orSoundAlike : .exactly) }
        var scores: [Int: (score: Double, entry: Int, phonetic: Bool)] = [:]
        var candidates = Set<Int>()
        for options in resolved { for option in options { candidates.formUnion(vocabulary.postings[option.id]) } }
        // In index order, and each word's options by weight then id: which of two equal
        // candidates wins must not depend on the process's hash seed.
        for entryIndex in candidates.sorted() {
            let entry = entries[entryIndex]
            var used = Set<Int>()
            var matched = 0.0
            var phonetic = false
            var onlyPartialCodes = true
            for options in resolved {
                var best: (option: Option, position: Int)? = nil
                for option in options {
                    for (position, token) in entry.tokens.enumerated() where token == option.id && !used.contains(position) {
                        if best == nil || option.weight > best!.option.weight { best = (option, position) }
                    }
                }
                if let best {
                    used.insert(best.position)
                    matched += best.option.weight
                    phonetic = phonetic || best.option.phonetic
                    onlyPartialCodes = onlyPartialCodes && best.option.partialCode
                }
            }
            // A lone "three" is a count, not a guess at "pp3".
            if onlyPartialCodes { continue }
            var score = 2 * matched / Double(tokens.count + entry.tokens.count)
            if used.count == entry.tokens.count, used.count < tokens.count {
                let bag = bags[entry.material]
                // A code guessed from a bare number is not a word the material is known by.
                let known = resolved.allSatisfy { options in options.contains { !$0.partialCode && bag.contains($0.id) } }
                if known { score = max(score, 0.92 * matched / Double(entry.tokens.count)) }
            }
            if let current = scores[entry.material], current.score >= score { continue }
            scores[entry.material] = (score, entryIndex, phonetic)
        }
        let ranked = scores.sorted { $0.value.score > $1.value.score || ($0.value.score == $1.value.score && $0.key < $1.key) }
        guard let top = ranked.first, top.value.score >= settings.minimumScore else { return nil }
        let rivals = ranked.dropFirst().prefix { top.value.score - $0.value.score <= settings.ambiguityMargin }
            .map { (sku: master.materials[$0.key].sku, score: $0.value.score) }
        let entry = entries[top.value.entry]
        return MaterialMatch(
            material: master.materials[top.key], score: min(top.value.score, 0.99),
            method: top.value.phonetic ? .phonetic : .fuzzy, matchedPhrase: entry.phrase, rivals: Array(rivals))
    }

    /// The number of a code that is a number with one to three letters before or after it
    /// ("a3" → "3", "12oz" → "12"), or nil for other words.
    static func number(inCode word: String) -> String? {
        let digits = word.filter(\.isNumber)
        let letters = word.filter { !$0.isNumber }
        guard !digits.isEmpty, (1...3).contains(letters.count), letters.allSatisfy(\.isLetter),
              word.hasPrefix(digits) || word.hasSuffix(digits) else { return nil }
        return digits
    }

    /// A vocabulary word an input word may stand for, and how sure that is.
    private typealias Option = (id: Int, weight: Double, phonetic: Bool, partialCode: Bool)

    /// What a number may stand for besides itself: a number word its digits ("four" → "4",
    /// weight 0.95), and the codes of that number with their letters unheard ("three" or "3" →
    /// "a3", weight 0.75).
    private func numberOptions(_ word: String) -> [Option] {
        var options: [Option] = []
        let number: String
        if word.allSatisfy(\.isNumber) {
            number = word
        } else if let value = NumberWords.units[word] ?? NumberWords.tens[word] {
            number = String(Int(value))
            if let digits = vocabulary.ids[number] { options.append((digits, 0.95, false, false)) }
        } else {
            return []
        }
        return options + (vocabulary.codesByNumber[number] ?? []).map { ($0, 0.75, false, true) }
    }

    /// How a word of the vocabulary resolves: to itself only, or also to its sound-alikes.
    private enum KnownWord { case exactly, orSoundAlike }

    /// The vocabulary words an input word may stand for, with a weight.
    private func resolve(_ word: String, known: KnownWord) -> [Option] {
        let exact = vocabulary.ids[word]
        let numbers = numberOptions(word)
        if let exact, known == .exactly { return [(exact, 1, false, false)] + numbers }
        if word.contains(where: \.isNumber) { return (exact.map { [($0, 1, false, false)] } ?? []) + numbers }
        let bytes = Array(word.utf8)
        let limit = bytes.count >= 8 ? 2 : bytes.count >= 4 ? 1 : 0
        let key = PhoneticKey.key(word)
        var options: [Int: (weight: Double, phonetic: Bool)] = [:]
        func offer(_ id: Int, _ weight: Double, _ phonetic: Bool) {
            if (options[id]?.weight ?? 0) < weight { options[id] = (weight, phonetic) }
        }
        if key.count >= 2 {
            for id in vocabulary.byPhonetic[key] ?? [] { offer(id, 0.82, true) }
        }
        for id in vocabulary.words.indices where !vocabulary.hasDigit[id] {
            let candidate = vocabulary.bytes[id]
            if limit > 0, let distance = EditDistance.distance(bytes, candidate, limit: limit) {
                offer(id, 1 - 0.12 * Double(distance), false)
            } else if bytes.count >= 4, candidate.count > bytes.count, candidate.starts(with: bytes) {
                offer(id, 0.75, false)
            }
        }
        if let exact { options[exact] = (1, false) }
        var resolved: [Option] = options.map { ($0.key, $0.value.weight, $0.value.phonetic, false) }
            .sorted { $0.weight > $1.weight || $0.weight == $1.weight && $0.id < $1.id }
        for number in numbers where options[number.id] == nil { resolved.append(number) }
        return resolved
    }
}
