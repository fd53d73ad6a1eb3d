import Dispatch
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeVoice

// MARK: - Corpus

/// One expected or produced order line: SKU, quantity, modifier ids (sorted).
struct VoiceLine: Hashable, CustomStringConvertible {
    let sku: String
    let quantity: Double
    let modifiers: [String]

    init(sku: String, quantity: Double, modifiers: [String]) {
        self.sku = sku
        self.quantity = quantity
        self.modifiers = modifiers.sorted()
    }

    init(_ line: OrderLine) {
        self.init(sku: line.sku ?? "-", quantity: line.quantity, modifiers: line.modifiers)
    }

    var description: String {
        let count = quantity == quantity.rounded() ? String(Int(quantity)) : String(quantity)
        return "\(count)×\(sku)" + (modifiers.isEmpty ? "" : "+" + modifiers.joined(separator: "+"))
    }
}

struct VoiceUtterance {
    let id: Int
    /// What the synthesiser reads (commas for natural pauses).
    let spoken: String
    /// The same words, as the recogniser should hear them.
    let words: [String]
    let expected: [VoiceLine]
    /// Where the order goes, as `Party.scoringKey` writes it ("store 12"); nil when unsaid.
    let party: String?
}

/// Generates courier reports from the material master and the graph's line modifiers.
struct VoiceSentenceGenerator {
    /// A way to say a material: its spoken words (singular and, where it makes sense, plural).
    struct Phrase {
        let singular: [String]
        let plural: [String]?
        let isCode: Bool
    }

    var random: SeededRandom
    let aligner: IntentAligner
    let vocabulary: SpeechVocabulary
    let known: Set<String>
    /// Materials by domain (cafe, office, mro), each with the phrases that align to it alone.
    let pools: [String: [(material: Material, phrases: [Phrase])]]
    let modifiers: [(id: String, phrases: [[String]])]
    private(set) var generated = 0
    private(set) var rejected = 0

    /// Modifiers said about one line (message-wide ones such as "urgent" are left out).
    static let lineModifiers = [
        "oat_milk", "soy_milk", "almond_milk", "skim_milk", "extra_shot", "decaf", "extra_hot", "no_sugar", "no_straw",
        "no_lid", "less_ice", "no_ice", "over_ice", "extra_foam", "no_foam", "with_cream", "large", "small", "to_go",
    ]
    static let openers: [[String]] = [
        [], [], ["hi"], ["hello"], ["please", "send"], ["we", "need"], ["can", "we", "get"], ["order", "for", "the", "riverside", "kiosk"],
    ]
    static let closers: [[String]] = [[], [], ["thanks"], ["please"], ["thank", "you"]]

    /// `guessed`: words whose pronunciation the recogniser guessed ("wti", "cafiza"); phrases with
    /// them are left out, since a synthesiser reads such words its own way.
    init(master: MasterData, aligner: IntentAligner, vocabulary: SpeechVocabulary, guessed: Set<String>, seed: UInt64) {
        random = SeededRandom(seed: seed)
        self.aligner = aligner
        self.vocabulary = vocabulary
        known = Set(vocabulary.allWords)
        let attributes = SpeechVocabulary.attributes(of: master.graph)
        var pools: [String: [(material: Material, phrases: [Phrase])]] = [:]
        for material in master.materials.materials {
            let domain = String(material.category.prefix { $0 != "." })
            var phrases: [Phrase] = []
            var seen = Set<[String]>()
            for written in material.aliases + [material.name] {
                let plain = written.lowercased().split(whereSeparator: { !($0.isLetter || $0 == "'") }).map(String.init)
                // Catalog names with codes ("Lithium EP2 Grease Cartridge 400g") are not what people
                // say when the material has aliases; of each phrase's spoken variants the usual
                // one comes first and is taken twice as often.
                if written == material.name, !material.aliases.isEmpty, SpokenForms.variants(of: written).first != plain { continue }
                for (rank, variant) in SpokenForms.variants(of: written).enumerated() {
                    let words = variant.filter { word in word.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "'") } && !word.isEmpty }
                    guard !words.isEmpty, seen.insert(words).inserted, words.allSatisfy(known.contains), !words.contains(where: guessed.contains)
                    else { continue }
                    let isCode = words != plain
                    // Only phrases that, said with a quantity, align to this material and nothing else.
                    guard Self.aligns(words, to: material.sku, aligner: aligner, vocabulary: vocabulary) else { continue }
                    var plural: [String]? = nil
                    // The plural the recogniser's vocabulary has; none for a short last word ("triple a").
                    if !isCode, let last = words.last, last.count >= 3,
                       let candidate = SpeechVocabulary.plural(ofName: words, attributes: attributes),
                       candidate.allSatisfy(known.contains), !candidate.contains(where: guessed.contains),
                       Self.aligns(candidate, to: material.sku, aligner: aligner, vocabulary: vocabulary) {
                        plural = candidate
                    }
                    phrases.append(Phrase(singular: words, plural: plural, isCode: isCode))
                    if rank == 0 && isCode { phrases.append(Phrase(singular: words, plural: plural, isCode: isCode)) }
                }
            }
            if !phrases.isEmpty { pools[domain, default: []].append((material, phrases)) }
        }
        self.pools = pools
        let wanted = Set(Self.lineModifiers)
        modifiers = master.graph.modifiers.filter { wanted.contains($0.id) }.compactMap { modifier in
            let phrases = modifier.phrases.map { $0.lowercased().split(separator: " ").map(String.init) }.filter { $0.allSatisfy(Set(vocabulary.allWords).contains) }
            return phrases.isEmpty ? nil : (modifier.id, phrases)
        }
    }

    static func aligns(_ words: [String], to sku: String, aligner: IntentAligner, vocabulary: SpeechVocabulary) -> Bool {
        let lines = aligner.align(OrderText(text: "two " + writtenBack(words, vocabulary.rewrites))).intent.lines
        return lines.count == 1 && lines[0].sku == sku && lines[0].quantity == 2
    }

    /// Spoken words with multi-word spoken forms written back as the catalog writes them, longest
    /// first: what `Transcript.orderText` hands to alignment for a perfect transcript.
    static func writtenBack(_ words: [String], _ rewrites: [[String]: String]) -> String {
        let longest = rewrites.keys.map(\.count).max() ?? 0
        var out: [String] = []
        var i = 0
        while i < words.count {
            var taken = 1
            var written = words[i]
            for length in stride(from: min(longest, words.count - i), through: 1, by: -1) {
                if let form = rewrites[Array(words[i..<i + length])] {
                    taken = length
                    written = form
                    break
                }
            }
            out.append(written)
            i += taken
        }
        return out.joined(separator: " ")
    }

    mutating func sentences(_ count: Int) -> [VoiceUtterance] {
        var kept: [VoiceUtterance] = []
        while kept.count < count && generated < count * 50 {
            generated += 1
            guard let candidate = sentence(id: kept.count) else { rejected += 1; continue }
            let lines = aligner.align(OrderText(text: Self.writtenBack(candidate.words, vocabulary.rewrites))).intent.lines.map(VoiceLine.init)
            if VoiceScore(expected: candidate.expected, got: lines).exact { kept.append(candidate) } else { rejected += 1 }
        }
        return kept
    }

    private mutating func sentence(id: Int) -> VoiceUtterance? {
        let domainRoll = random.uniform()
        let domain = domainRoll < 0.5 ? "cafe" : domainRoll < 0.75 ? "office" : "mro"
        guard let pool = pools[domain], !pool.isEmpty else { return nil }
        var clauses: [[String]] = []
        var expected: [VoiceLine] = []
        var used = Set<String>()
        for _ in 0..<random.int(in: 1...3) {
            var entry = random.pick(pool)
            var tries = 0
            while used.contains(entry.material.sku) && tries < 20 { entry = random.pick(pool); tries += 1 }
            guard used.insert(entry.material.sku).inserted else { continue }
            let codes = entry.phrases.filter(\.isCode)
            let plain = entry.phrases.filter { !$0.isCode }
            let phrase = !codes.isEmpty && (plain.isEmpty || random.chance(0.25)) ? random.pick(codes) : random.pick(plain)
            let quantity = random.chance(0.85) ? random.int(in: 1...20) : random.pick([24, 30, 40, 50])
            var words = SpokenForms.words(quantity)
            if quantity > 1, random.chance(0.15), let unit = Self.spokenUnit(entry.material.unit), known.contains(unit) {
                words += [unit, "of"] + phrase.singular
            } else {
                words += quantity > 1 ? phrase.plural ?? phrase.singular : phrase.singular
            }
            var lineModifiers: [String] = []
            if entry.material.category.hasPrefix("cafe.beverage"), !modifiers.isEmpty, random.chance(0.6) {
                for _ in 0..<(random.chance(0.2) ? 2 : 1) {
                    let modifier = random.pick(modifiers)
                    guard !lineModifiers.contains(modifier.id) else { continue }
                    var said = random.pick(modifier.phrases)
                    if ["oat", "soy", "soya", "almond", "skim", "skimmed", "whipped"].contains(said[0]), random.chance(0.6) { said = ["with"] + said }
                    words += said
                    lineModifiers.append(modifier.id)
                }
            }
            clauses.append(words)
            expected.append(VoiceLine(sku: entry.material.sku, quantity: Double(quantity), modifiers: lineModifiers))
        }
        guard !clauses.isEmpty else { return nil }
        var spoken: [String] = []
        var words: [String] = []
        let store = random.chance(0.35) ? random.int(in: 1...40) : nil
        let opener: [String] = store.map { ["store"] + SpokenForms.words($0) } ?? random.pick(Self.openers)
        if !opener.isEmpty { spoken.append(opener.joined(separator: " ")); words += opener }
        for (index, clause) in clauses.enumerated() {
            let joiner: [String] = index == 0 ? [] : random.pick([["and"], ["and"], [], ["plus"], ["and", "also"]])
            spoken.append((joiner + clause).joined(separator: " "))
            words += joiner + clause
        }
        let closer = random.pick(Self.closers)
        if !closer.isEmpty { spoken.append(closer.joined(separator: " ")); words += closer }
        guard words.allSatisfy(known.contains) else { return nil }
        return VoiceUtterance(id: id, spoken: spoken.joined(separator: ", ") + ".", words: words, expected: expected, party: store.map { "store \($0)" })
    }

    static func spokenUnit(_ unit: String) -> String? {
        switch unit {
        case "box": "boxes"
        case "pack", "bottle", "carton", "bag", "case", "roll", "tube", "can", "drum", "ream", "set", "sheet", "pair": unit + "s"
        default: nil
        }
    }
}

/// A way the corpus is spoken.
struct VoiceCondition: Sendable {
    enum Voice: String, Sendable { case slt, rms, espeak = "espeak-ng" }
    let name: String
    let group: String
    let voice: Voice
    /// Pink noise at this SNR (dB) against the active speech level.
    let snr: Double?
    /// sox `tempo -s` factor.
    let tempo: Double?

    static let all: [VoiceCondition] = [
        .init(name: "slt clean", group: "flite clean", voice: .slt, snr: nil, tempo: nil),
        .init(name: "rms clean", group: "flite clean", voice: .rms, snr: nil, tempo: nil),
        .init(name: "slt 20 dB", group: "flite 20 dB", voice: .slt, snr: 20, tempo: nil),
        .init(name: "rms 20 dB", group: "flite 20 dB", voice: .rms, snr: 20, tempo: nil),
        .init(name: "slt 10 dB", group: "flite 10 dB", voice: .slt, snr: 10, tempo: nil),
        .init(name: "rms 10 dB", group: "flite 10 dB", voice: .rms, snr: 10, tempo: nil),
        .init(name: "slt tempo 1.1", group: "flite tempo ±10%", voice: .slt, snr: nil, tempo: 1.1),
        .init(name: "rms tempo 0.9", group: "flite tempo ±10%", voice: .rms, snr: nil, tempo: 0.9),
        .init(name: "espeak-ng clean", group: "espeak-ng clean", voice: .espeak, snr: nil, tempo: nil),
    ]

    var folder: String {
        var name = voice.rawValue
        if let snr { name += "-snr\(Int(snr))" }
        if let tempo { name += "-tempo\(Int((tempo * 100).rounded()))" }
        return name
    }
}
