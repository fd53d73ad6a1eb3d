import IntakeAlignment

/// What couriers can say, built from the active master data and graph: product names and
/// aliases (in their spoken forms), units, number words, modifiers, symptoms, actions, device
/// ids and the parser's connector words, plus a set of everyday "other" words that soak up
/// speech outside the domain instead of forcing it into products. `DomainLanguageModel`
/// turns it into the recogniser's language model.
///
/// `rewrites` turns spoken forms back into what the material master writes ("six two oh five
/// two r s" → "6205-2rs"), so the text parser matches them.
public struct SpeechVocabulary: Sendable, Equatable {
    /// Product names and aliases (and their plurals) and device ids, in spoken forms.
    public var products: [[String]]
    /// Modifier, symptom and action phrases of the graph ("oat milk", "oil level low").
    public var modifiers: [[String]]
    /// Words that frame lines ("and", "please", "store", "for") and `extra_words`.
    public var connectors: [String]
    /// Shop, street and people's names couriers say (`extra_words`).
    public var names: [String]
    /// Unit words ("cups", "boxes").
    public var units: [String]
    /// Words outside the domain; recognised text in them marks a report as doubtful.
    public var otherWords: [String]
    /// Spoken phrase → written form, for phrases that are not said as written.
    public var rewrites: [[String]: String]

    /// The plural couriers say: "boxes", "batteries" (not "batterys"), "trays", "lattes".
    static func plural(of noun: String) -> String {
        if noun.hasSuffix("ch") || noun.hasSuffix("sh") || noun.hasSuffix("x") { return noun + "es" }
        if noun.count > 2, noun.hasSuffix("y"), let before = noun.dropLast().last, !"aeiou".contains(before.lowercased()) {
            return noun.dropLast() + "ies"
        }
        return noun + "s"
    }

    /// `words` of a catalog name with the head noun made plural ("butter croissant" → "butter
    /// croissants"), or nil when there is none to make plural. The head is the last word that is
    /// not one of `attributes`, said after the noun: "paper bag large" → "paper bags large", never
    /// "paper bag larges".
    public static func plural(ofName words: [String], attributes: Set<String>) -> [String]? {
        guard let head = words.lastIndex(where: { !attributes.contains($0.lowercased()) }) else { return nil }
        let noun = words[head]
        guard noun.allSatisfy(\.isLetter), !noun.hasSuffix("s") else { return nil }
        var plural = words
        plural[head] = Self.plural(of: noun)
        return plural
    }

    /// The graph's one-word modifiers ("large", "decaf"): words a catalog name may end in after its noun.
    public static func attributes(of graph: IntentGraph) -> Set<String> {
        Set(graph.modifiers.flatMap(\.phrases).filter { !$0.contains(" ") }.map { $0.lowercased() })
    }

    public init(master: MasterData, extraWords: [String] = [], otherWords: [String] = Self.everydayWords) {
        var products: [[String]] = []
        var modifiers: [[String]] = []
        var seen = Set<[String]>()
        var rewrites: [[String]: String] = [:]

        func add(_ written: String, to list: inout [[String]], rewrite: Bool) {
            let plain = Self.plainWords(written)
            for variant in SpokenForms.variants(of: written) {
                let spoken = variant.filter(Self.isSpeakable)
                guard !spoken.isEmpty, seen.insert(spoken).inserted else { continue }
                list.append(spoken)
                if rewrite, spoken != plain { rewrites[spoken] = written.lowercased() }
            }
        }
        let attributes = Self.attributes(of: master.graph)
        for material in master.materials.materials {
            for name in [material.name] + material.aliases {
                add(name, to: &products, rewrite: true)
                if let plural = Self.plural(ofName: name.split(separator: " ").map(String.init), attributes: attributes) {
                    add(plural.joined(separator: " "), to: &products, rewrite: false)
                }
            }
        }
        for device in master.devices.devices { add(device.id, to: &products, rewrite: true) }
        let graph = master.graph
        for phrase in graph.modifiers.flatMap(\.phrases) + graph.symptoms.flatMap(\.phrases) + graph.actions.flatMap(\.phrases) {
            add(phrase, to: &modifiers, rewrite: false)
        }
        let numbers = Set(Self.numberWords)
        let units = OrderVocabulary.unitWords.filter(Self.isSpeakable).filter { $0.count > 2 }
        let connectors = OrderVocabulary.connectorWords.union(extraWords.map { $0.lowercased() })
            .filter(Self.isSpeakable).subtracting(numbers).subtracting(units).subtracting(["x", "pls", "plz", "qty", "pcs", "ea"])

        self.products = products
        self.modifiers = modifiers
        self.connectors = connectors.sorted()
        self.names = Set(extraWords.map { $0.lowercased() }).filter(Self.isSpeakable).sorted()
        self.units = units.sorted()
        let domain = Set(products.joined()).union(modifiers.joined()).union(connectors).union(units).union(numbers)
        self.otherWords = Array(Set(otherWords).subtracting(domain)).sorted()
        self.rewrites = rewrites
    }

    /// The vocabulary without the everyday words that sound exactly like an order word: "know"
    /// can only ever take the place of "no" ("no ice"), so the recogniser is not offered it.
    public func withoutHomophones(_ pronunciations: PronunciationDictionary) -> SpeechVocabulary {
        let orderSounds = Set(domainWords.flatMap { pronunciations.pronunciations(of: $0).phones })
        var kept = self
        kept.otherWords = otherWords.filter { !pronunciations.pronunciations(of: $0).phones.contains(where: orderSounds.contains) }
        return kept
    }

    /// Words of spoken quantities.
    static let numberWords = SpokenForms.ones + SpokenForms.tens.filter { !$0.isEmpty } + ["hundred", "thousand", "dozen", "half", "couple", "pair"]

    /// Every word the language model knows in the domain.
    public var domainWords: Set<String> {
        Set(products.joined()).union(modifiers.joined()).union(connectors).union(units).union(Self.numberWords)
    }

    /// Everything that needs a pronunciation.
    public var allWords: [String] { Array(domainWords.union(otherWords)).sorted() }

    static func isSpeakable(_ word: String) -> Bool {
        !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "'") } && word.first != "'"
    }

    static func plainWords(_ written: String) -> [String] {
        written.lowercased().split(whereSeparator: { !($0.isLetter || $0 == "'") }).map(String.init)
    }

    /// Frequent English words that are not order words: what out-of-domain speech is heard as.
    public static let everydayWords: [String] = """
        about after again against ago almost along already although always am among answer are around ask away back \
        bad beach because been being below best better between big book both boy brother busy but buy call came car \
        care carry change children city close cold come country course day dear did different does dog done door down \
        during early eat end enough even evening ever every eye face fact family far father feel few find fine fire \
        first friend full game gave girl going gone good great green group grow had hand happy hard has having head \
        hear heard heart help her high him his hold home hope horse hot house how however idea important into just \
        keep kind knew know land large last late later learn leave left less life light line little live long look \
        lot love lovely made man many may mean men might mind miss money month mother much music must my name near \
        never new next nice night nothing number often old once only open other over own paper part people perhaps \
        person place play point poor problem put question quite rain ran read ready really right river road room run \
        said same saw say school sea second see seem seen sentence she should show side since sing sit sleep small \
        something sometimes son song soon sound speak stand start state still story street study sun sure swim take \
        talk tell than their them there they thing think thought through time told took town tree true try turn under \
        understand until up upon usual very walk was watch water way weather week went were what where which while \
        white who whole why wife will win window winter wish without woman word work world write year yesterday yet \
        young your
        """.split(separator: " ").map(String.init)
}
