import IntakeCore

/// Reads an order message in English into lines (quantity, unit, product, modifiers), the
/// party, a reference, and the symptoms and actions the graph knows.
///
/// The message is cut into segments at punctuation and line breaks, and segments into clauses
/// at "and"/"plus" and where a new quantity follows a product ("four lattes one with almond
/// milk"). Each clause is `[filler] quantity [x] [unit] [of] product [modifiers]` or
/// `product x quantity`; a clause with only modifiers ("no straw", "(1 decaf)") adds them to the
/// line before it, and "the cappuccino with soy milk" adds to the cappuccino line already read.
public struct TextIntentParser: Sendable {
    public struct Settings: Sendable, Equatable {
        /// A line without a stated quantity needs at least this match score to count.
        public var implicitMinimumScore: Double = 0.85
        public init() {}
    }

    public let matcher: MaterialMatcher
    public let graph: IntentGraph
    public let devices: DeviceRegistry
    public let settings: Settings
    private let modifierPhrases: [(tokens: [String], modifier: IntentGraph.Modifier)]
    private let symptomPhrases: [(stems: Set<String>, phrase: String, symptom: IntentGraph.Symptom)]
    private let actionPhrases: [(stems: Set<String>, phrase: String, action: IntentGraph.Action)]

    public init(matcher: MaterialMatcher, graph: IntentGraph, devices: DeviceRegistry, settings: Settings = Settings()) {
        self.matcher = matcher
        self.graph = graph
        self.devices = devices
        self.settings = settings
        modifierPhrases = graph.modifiers.flatMap { modifier in
            modifier.phrases.map { (tokens: Self.words(of: $0), modifier: modifier) }
        }.filter { !$0.tokens.isEmpty }.sorted { $0.tokens.count > $1.tokens.count }
        symptomPhrases = graph.symptoms.flatMap { symptom in
            symptom.phrases.map { (stems: Set(Self.words(of: $0).map(MatchText.stem)), phrase: $0, symptom: symptom) }
        }
        actionPhrases = graph.actions.flatMap { action in
            action.phrases.map { (stems: Set(Self.words(of: $0).map(MatchText.stem)), phrase: $0, action: action) }
        }
    }

    private static func words(of phrase: String) -> [String] {
        Tokenizer.tokenize(phrase).filter { !$0.isSeparator }.map { MatchText.singular($0.norm) }
    }

    public func parse(_ text: String) -> ParsedMessage {
        let tokens = Tokenizer.tokenize(text)
        var consumed = [Bool](repeating: false, count: tokens.count)
        var message = ParsedMessage()
        message.reference = findReference(tokens, &consumed)
        findParty(tokens, &consumed, into: &message)
        message.mentionsPurchase = message.reference != nil || tokens.contains { Lexicon.purchaseWords.contains($0.norm) }

        let segments = segments(of: tokens)
        for (index, segment) in segments.enumerated() {
            findGraphHits(tokens, segment, index, into: &message)
            for clause in clauses(of: segment, tokens, consumed) {
                read(clause, tokens, segment: index, into: &message)
            }
        }
        return message
    }

    // MARK: - Segments, clauses and graph phrases

    private func segments(of tokens: [Token]) -> [[Int]] {
        var segments: [[Int]] = [[]]
        for (i, token) in tokens.enumerated() {
            if token.isSeparator {
                if !segments[segments.count - 1].isEmpty { segments.append([]) }
            } else {
                segments[segments.count - 1].append(i)
            }
        }
        return segments.filter { !$0.isEmpty }
    }

    private func findGraphHits(_ tokens: [Token], _ segment: [Int], _ index: Int, into message: inout ParsedMessage) {
        let stems = segment.map { MatchText.stem(tokens[$0].norm) }
        let present = Set(stems)
        func span(of phraseStems: Set<String>) -> TextSpan {
            let hits = segment.indices.filter { phraseStems.contains(stems[$0]) }.map { tokens[segment[$0]].span }
            return TextSpan(start: hits.map(\.start).min() ?? 0, end: hits.map(\.end).max() ?? 0)
        }
        for entry in symptomPhrases where entry.stems.isSubset(of: present) {
            if message.symptoms.contains(where: { $0.node.id == entry.symptom.id }) { continue }
            message.symptoms.append(.init(node: entry.symptom, phrase: entry.phrase, span: span(of: entry.stems), segment: index))
        }
        for entry in actionPhrases where entry.stems.isSubset(of: present) {
            if message.actions.contains(where: { $0.node.id == entry.action.id && $0.segment == index }) { continue }
            message.actions.append(.init(node: entry.action, phrase: entry.phrase, span: span(of: entry.stems), segment: index))
        }
    }

    /// Cuts a segment into clauses at line-break words and where a new quantity follows a product.
    private func clauses(of segment: [Int], _ tokens: [Token], _ consumed: [Bool]) -> [[Int]] {
        var clauses: [[Int]] = []
        var current: [Int] = []
        var sawQuantity = false
        var sawProductAfterQuantity = false
        func close() {
            if !current.isEmpty { clauses.append(current) }
            current = []
            sawQuantity = false
            sawProductAfterQuantity = false
        }
        for (position, i) in segment.enumerated() where !consumed[i] {
            let token = tokens[i]
            let previous = position > 0 ? tokens[segment[position - 1]].norm : nil
            let next = position + 1 < segment.count ? tokens[segment[position + 1]].norm : nil
            let insideNumber = token.norm == "and" && NumberWords.andContinuesNumber(after: previous, before: next)
            if Lexicon.lineBreaks.contains(token.norm), !insideNumber, !joinsProductWords(token.norm, after: previous, before: next) {
                close()
                continue
            }
            let startsQuantity = isQuantityStart(token)
                && !belongsToProduct(token.norm, after: current.last.map { tokens[$0].norm }, before: next)
            if startsQuantity, sawProductAfterQuantity {
                let previous = current.last.map { tokens[$0].norm }
                if previous != "x" && previous != "×" { close() }
            }
            current.append(i)
            if startsQuantity || trailingMultiplier(token) != nil {
                sawQuantity = true
            } else if sawQuantity, !Lexicon.fillers.contains(token.norm), !NumberWords.isNumberWord(token.norm),
                UnitLexicon.unit(for: token.norm) == nil
            {
                sawProductAfterQuantity = true
            }
            if trailingMultiplier(token) != nil, current.count > 1 { close() }
        }
        close()
        return clauses
    }

    /// A number inside a product name ("HP 301 black", "filter 3 micron") is no quantity.
    private func belongsToProduct(_ number: String, after previous: String?, before next: String?) -> Bool {
        guard let previous = previous.map(MatchText.singular) else { return false }
        if !Lexicon.fillers.contains(previous), matcher.areNeighbours(previous, number) { return true }
        return next.map { matcher.areNeighbours(number, MatchText.singular($0)) } ?? false
    }

    /// A joiner inside a product name ends no line: "and" where a name says the same words
    /// either side of it ("ham and cheese croissant"; "tea bags and filter coffee" is two lines,
    /// though a "Bag Filter" is in the catalog), another joiner where a name has it after the
    /// word before.
    private func joinsProductWords(_ word: String, after previous: String?, before next: String?) -> Bool {
        guard let previous = previous.map(MatchText.singular), let next = next.map(MatchText.singular) else { return false }
        return word == "and" ? matcher.areJoinedByAnd(previous, next) : matcher.areNeighbours(previous, MatchText.singular(word))
    }

    private func isQuantityStart(_ token: Token) -> Bool {
        if let value = token.number { return value < 1000 && !(token.norm.hasPrefix("0") && token.norm.count > 1) }
        return NumberWords.units[token.norm] != nil || NumberWords.tens[token.norm] != nil
            || token.norm.contains("-") && NumberWords.isNumberWord(token.norm)
    }

    /// "x3", "3x", "×3", unless the catalogue knows the word ("HP 26X").
    private func trailingMultiplier(_ token: Token) -> Double? {
        let norm = token.norm
        if matcher.knows(norm) { return nil }
        if norm.count >= 2, norm.first == "x" || norm.first == "×", let value = Double(norm.dropFirst()) { return value }
        if norm.count >= 2, norm.last == "x", let value = Double(norm.dropLast()) { return value }
        return nil
    }

    // MARK: - One clause

    private func read(_ clause: [Int], _ tokens: [Token], segment: Int, into message: inout ParsedMessage) {
        let norms = clause.map { tokens[$0].norm }
        var role = [Role](repeating: .product, count: clause.count)

        // Quantity: the first one in the clause.
        var quantity: (value: Double, positions: Range<Int>, method: String)? = nil
        var unit: (String, Int)? = nil
        var position = 0
        // "8 oz cups x2": an "x2" after the product is the quantity; earlier numbers name the product.
        if let last = clause.indices.last, last > 0, let value = trailingMultiplier(tokens[clause[last]]),
            norms[last].first == "x" || norms[last].first == "×"
        {
            quantity = (value, last..<(last + 1), "digits")
        }
        while position < clause.count, quantity == nil {
            let token = tokens[clause[position]]
            if let value = trailingMultiplier(token) {
                quantity = (value, position..<(position + 1), "digits")
            } else if let value = token.number, isQuantityStart(token) || value < 100_000 && token.text.contains(","),
                // First, fillers aside, it counts as at the start ("need 4 cup sleeves", a "4 Cup Carrier" aside).
                position == firstContent(norms) || !belongsToProduct(
                    token.norm, after: norms[position - 1], before: position + 1 < clause.count ? norms[position + 1] : nil)
            {
                quantity = (value, position..<(position + 1), "digits")
            } else if let (value, suffix) = measure(token.norm), let code = UnitLexicon.unit(for: suffix), position == firstContent(norms) {
                quantity = (value, position..<(position + 1), "digits")
                unit = (code, position)
            } else if let read = NumberWords.read(Array(norms[position...]), from: 0), hasContent(after: position + read.length, norms) {
                quantity = (read.value, position..<(position + read.length), "number_word")
            }
            position += 1
        }
        if let q = quantity {
            for k in q.positions { role[k] = .quantity }
            var next = q.positions.upperBound
            if next < clause.count, norms[next] == "x" || norms[next] == "×" {
                role[next] = .quantity
                next += 1
            }
            if unit == nil, next < clause.count, let code = UnitLexicon.unit(for: norms[next]), hasContent(after: next + 1, norms),
                next + 1 >= clause.count || !matcher.areNeighbours(MatchText.singular(norms[next]), MatchText.singular(norms[next + 1]))
            {
                unit = (code, next)
                role[next] = .unit
                next += 1
                if next < clause.count, norms[next] == "of" { role[next] = .quantity }
            }
            // Trailing form: "latte x3", "croissant 2 pcs": product words come before the quantity,
            // which needs a mark ("x3", "2 pcs") so that "load is about 85" is no order.
            let before = (0..<q.positions.lowerBound).filter { !Lexicon.fillers.contains(norms[$0]) }
            let marked = trailingMultiplier(tokens[clause[q.positions.lowerBound]]) != nil
                || q.positions.lowerBound > 0 && ["x", "×", "qty"].contains(norms[q.positions.lowerBound - 1])
                || next > q.positions.upperBound
                || q.positions.upperBound < clause.count && UnitLexicon.unit(for: norms[q.positions.upperBound]) != nil
            let trailing = !before.isEmpty && !hasContent(after: next, norms)
            if trailing, !marked {
                quantity = nil
                for k in 0..<clause.count { role[k] = .product }
                unit = nil
            } else if trailing {
                if unit == nil, let k = (next..<clause.count).first(where: { UnitLexicon.unit(for: norms[$0]) != nil }) {
                    unit = (UnitLexicon.unit(for: norms[k])!, k)
                    role[k] = .unit
                }
                for k in next..<clause.count where role[k] == .product { role[k] = .ignored }
            } else {
                // Words before the count frame it ("we need"), unless they are the catalog's own:
                // "store twenty two rulers sixteen padded envelopes" lost the count of "rulers".
                let leading = Array(0..<q.positions.lowerBound)
                if allCatalogWords(leading, norms) {
                    let named = leading.drop { Lexicon.fillers.contains(norms[$0]) }.map { clause[$0] }
                    message.unmatched.append((text: text(of: named, tokens), span: span(named, tokens)))
                }
                for k in leading { role[k] = .ignored }
            }
        }

        // Product words: cut at a phrase break, trim fillers at both ends.
        var product = (0..<clause.count).filter { role[$0] == .product }
        if let breakIndex = product.firstIndex(where: { Lexicon.phraseBreaks.contains(norms[$0]) }), breakIndex > 0 {
            product = Array(product[..<breakIndex])
        }
        // A filler that a catalog name has beside its neighbour here stays ("do not bend envelope").
        func inAName(_ left: Int, _ right: Int) -> Bool {
            matcher.areNeighbours(MatchText.singular(norms[left]), MatchText.singular(norms[right]))
        }
        while let first = product.first, Lexicon.fillers.contains(norms[first]), product.count < 2 || !inAName(first, product[1]) {
            product.removeFirst()
        }
        while let last = product.last, Lexicon.fillers.contains(norms[last]), product.count < 2 || !inAName(product[product.count - 2], last) {
            product.removeLast()
        }
        if quantity == nil, let first = product.first, let code = UnitLexicon.unit(for: norms[first]), product.count > 1 {
            // "box of staples": a unit without a number means one.
            unit = (code, first)
            product.removeFirst()
            if let next = product.first, norms[next] == "of" { product.removeFirst() }
        }

        // Whole phrase first: "oat milk 1l" is a product even though "oat milk" is a modifier.
        // The material the words at `positions` name. "forty bottles of water": "water" alone is
        // half of "still water", but the unit word is in the name too ("water bottle"), so the
        // line says all of it. Only the same product's score rises; the unit stays the unit.
        func material(_ positions: [Int]) -> MaterialMatch? {
            let words = MatchText.keys(positions.map { norms[$0] })
            guard !words.isEmpty, let found = matcher.match(tokens: words) else { return nil }
            guard found.score < 1, let (_, at) = unit,
                  let withUnit = matcher.match(tokens: MatchText.keys([norms[at]] + positions.map { norms[$0] })),
                  withUnit.material.sku == found.material.sku, withUnit.score > found.score
            else { return found }
            return withUnit
        }
        var match = material(product)
        var modifiers: [ParsedMessage.ModifierHit] = []
        if match?.score != 1 {
            let hits = modifierHits(in: clause, tokens)
            if !hits.positions.isEmpty {
                let remaining = product.filter { !hits.positions.contains($0) }
                let trimmed = remaining.filter { !Lexicon.fillers.contains(norms[$0]) }
                let remainingMatch = trimmed.isEmpty ? nil : material(remaining)
                if trimmed.isEmpty && unit != nil && match != nil {
                    // "2 cartons of oat milk": the modifier words name the product.
                } else if !trimmed.isEmpty, let whole = match, whole.score >= 0.8, whole.score >= (remainingMatch?.score ?? 0) {
                    // "paper bag large": "large" is part of the name here, not a size modifier.
                } else {
                    modifiers = hits.modifiers
                    product = remaining
                    match = remainingMatch
                }
            }
        }
        let content = product.filter { !Lexicon.fillers.contains(norms[$0]) }
        if match == nil, quantity != nil, !content.isEmpty {
            // A counted phrase names something: let its catalog words be sound-alikes of others
            // ("twenty belt kits" heard for "twenty bolt kits") before calling it unknown.
            match = matcher.match(tokens: MatchText.keys(product.map { norms[$0] }), knownWordsMaySoundAlike: true)
        }
        let clauseSpan = span(clause, tokens)

        if content.isEmpty {
            if !modifiers.isEmpty {
                if norms.contains(where: Lexicon.everything.contains) || message.lines.isEmpty {
                    message.globalModifiers += modifiers
                } else {
                    message.lines[message.lines.count - 1].modifiers += modifiers
                }
            } else if let q = quantity, let last = message.lines.indices.last, !message.lines[last].explicitQuantity,
                message.lines[last].segment >= segment - 1
            {
                // "americano: 3" arrives as "americano" then "3".
                message.lines[last].quantity = q.value
                message.lines[last].quantityMethod = q.method
                message.lines[last].quantitySpan = span(q.positions.map { clause[$0] }, tokens)
            }
            return
        }
        let productSpan = span(product.map { clause[$0] }, tokens)
        guard let match, quantity != nil || match.score >= settings.implicitMinimumScore && content.count <= 4 else {
            // Counted, or with a number read as part of a name ("page markers 4 pack" when
            // "4 pack" is in a name): something was asked for.
            let numbered = product.contains { tokens[clause[$0]].number != nil || NumberWords.isNumberWord(norms[$0]) }
            // Or said in the catalog's own words, yet naming no one product ("can i get cleaners").
            if quantity != nil || numbered || allCatalogWords(content, norms) {
                message.unmatched.append((text: text(of: product.map { clause[$0] }, tokens), span: productSpan))
            }
            return
        }
        if quantity == nil, let existing = message.lines.firstIndex(where: { $0.match?.material.sku == match.material.sku }) {
            // "the cappuccino with soy milk": more about a line already read.
            message.lines[existing].modifiers += modifiers
            return
        }
        // "twelve pairs of work gloves": for a material counted in pairs, "pairs" is its unit,
        // not twelve times two.
        if let q = quantity, match.material.unit == "pair", q.positions.contains(where: { ["pair", "pairs"].contains(norms[$0]) }) {
            quantity?.value = q.value / 2
        }
        message.lines.append(ParsedMessage.Line(
            span: clauseSpan, quantity: quantity?.value ?? 1,
            quantitySpan: quantity.map { span($0.positions.map { clause[$0] }, tokens) },
            quantityMethod: quantity?.method ?? "implicit", unit: unit?.0, unitSpan: unit.map { tokens[clause[$0.1]].span },
            productSpan: productSpan, match: match, modifiers: modifiers, segment: segment))
    }

    private enum Role { case product, quantity, unit, ignored }

    private func modifierHits(in clause: [Int], _ tokens: [Token]) -> (modifiers: [ParsedMessage.ModifierHit], positions: Set<Int>) {
        let words = clause.map { MatchText.singular(tokens[$0].norm) }
        var taken = Set<Int>()
        var hits: [ParsedMessage.ModifierHit] = []
        for (phrase, modifier) in modifierPhrases {
            guard phrase.count <= words.count else { continue }
            var start = 0
            while start + phrase.count <= words.count {
                let range = start..<(start + phrase.count)
                if Array(words[range]) == phrase, taken.isDisjoint(with: range) {
                    taken.formUnion(range)
                    // "with oat milk": the "with" belongs to the modifier.
                    if start > 0, ["with", "no", "without", "extra"].contains(words[start - 1]) { taken.insert(start - 1) }
                    if !hits.contains(where: { $0.modifier.id == modifier.id }) {
                        hits.append(.init(modifier: modifier, span: span(range.map { clause[$0] }, tokens)))
                    }
                }
                start += 1
            }
        }
        return (hits, taken)
    }

    private func measure(_ norm: String) -> (Double, String)? {
        guard let split = norm.firstIndex(where: { !$0.isNumber && $0 != "." }), split != norm.startIndex,
            let value = Double(norm[..<split])
        else { return nil }
        let suffix = String(norm[split...])
        return suffix.allSatisfy(\.isLetter) ? (value, suffix) : nil
    }

    /// True when the words at `positions`, fillers aside, are all words of catalog names: they
    /// ask for something, even when they name no one product.
    private func allCatalogWords(_ positions: [Int], _ norms: [String]) -> Bool {
        let keys = MatchText.keys(positions.map { norms[$0] }.filter { !Lexicon.fillers.contains($0) })
        return !keys.isEmpty && keys.allSatisfy(matcher.knows)
    }

    private func firstContent(_ norms: [String]) -> Int? {
        norms.firstIndex { !Lexicon.fillers.contains($0) }
    }

    private func hasContent(after index: Int, _ norms: [String]) -> Bool {
        guard index < norms.count else { return false }
        return norms[index...].contains { !Lexicon.fillers.contains($0) && !Lexicon.phraseBreaks.contains($0) }
    }

    private func span(_ indexes: [Int], _ tokens: [Token]) -> TextSpan {
        TextSpan(start: indexes.map { tokens[$0].span.start }.min() ?? 0, end: indexes.map { tokens[$0].span.end }.max() ?? 0)
    }

    private func text(of indexes: [Int], _ tokens: [Token]) -> String {
        indexes.map { tokens[$0].text }.joined(separator: " ")
    }
}
