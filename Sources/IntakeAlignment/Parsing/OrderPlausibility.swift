import IntakeCore

/// How well a text reads as an order: lines whose product the catalogue knows, with their
/// quantities said, a party named, and few words left over that mean nothing to an order.
///
/// A recogniser uses it to choose among its readings of the same speech: "two two two one oh
/// bearing" reads better than "two two two one l bearing", and "thirty oat milk cartons" better
/// than "thirty a milk cartons". Scores compare readings of one input, not inputs.
public struct OrderPlausibility: Sendable, Equatable {
    /// Lines with a matched product.
    public var lines: Int
    /// Phrases with a quantity or a number that matched no product (`ParsedMessage.unmatched`).
    public var unmatchedPhrases: Int
    /// Words outside every line, party, modifier and graph phrase, fillers aside.
    public var unexplainedWords: Int
    /// Higher reads better: the mean of the lines' match scores (less for a quantity left
    /// implicit or said as "a", or a count of one before a plural), a little for a named party
    /// (not one inside a line), less for each unmatched phrase and unexplained word. A mean,
    /// not a sum: a reading is no better for having more lines, so stray words are not made
    /// into extra ones.
    public var score: Double
}

extension TextIntentParser {
    /// How plausible `text` is as an order (see `OrderPlausibility`).
    public func plausibility(of text: String) -> OrderPlausibility {
        let message = parse(text)
        let written = OrderText(text: text)
        var covered: [TextSpan] = []
        var quality = 0.0
        var lines = 0
        for line in message.lines {
            guard let match = line.match else { continue }
            lines += 1
            covered += [line.productSpan] + [line.quantitySpan, line.unitSpan].compactMap { $0 } + line.modifiers.map(\.span)
            let quantity: Double
            switch line.quantityMethod {
            case "implicit": quantity = 0.6
            case _ where line.quantitySpan.map({ ["a", "an"].contains(written.slice($0).lowercased()) }) ?? false: quantity = 0.8
            default: quantity = 1
            }
            quality += match.score * quantity * (Self.oneBeforeAPlural(line, match, in: written) ? 0.8 : 1)
        }
        var score = lines > 0 ? quality / Double(lines) : 0
        if let party = message.party {
            covered.append(party.span)
            // Not for a party heard between a line's count and its product ("one t4 clear
            // tapes" for "twenty four clear tapes"): nobody names the store there.
            let insideALine = message.lines.contains { line in
                guard let quantity = line.quantitySpan else { return false }
                return quantity.end <= party.span.start && party.span.end <= line.productSpan.start
            }
            if !insideALine { score += 0.1 }
        }
        covered += message.globalModifiers.map(\.span) + message.symptoms.map(\.span) + message.actions.map(\.span)
        if let reference = message.reference { covered.append(reference.span) }
        covered += message.unmatched.map(\.span)  // counted as unmatched phrases, not again as words

        let unexplained = Tokenizer.tokenize(text).filter { token in
            !token.isSeparator && !Lexicon.fillers.contains(token.norm) && !Lexicon.lineBreaks.contains(token.norm)
                && !covered.contains { $0.start <= token.span.start && token.span.end <= $0.end }
        }.count
        score -= Double(message.unmatched.count) + 0.35 * Double(unexplained)
        return OrderPlausibility(lines: lines, unmatchedPhrases: message.unmatched.count, unexplainedWords: unexplained, score: score)
    }

    /// "one spindle oils", "and one accelerometers": a count of one, no unit, and a product
    /// heard in a plural its catalogue name does not have. Nobody says it; a recogniser in noise
    /// hears it for "twelve" or "nine" ("one box of binder clips" has a unit and is fine).
    private static func oneBeforeAPlural(_ line: ParsedMessage.Line, _ match: MaterialMatch, in written: OrderText) -> Bool {
        guard line.quantity == 1, line.explicitQuantity, line.unit == nil,
            let last = Tokenizer.tokenize(written.slice(line.productSpan)).last(where: { !$0.isSeparator })?.norm,
            MatchText.singular(last) != last
        else { return false }
        return !Tokenizer.tokenize(match.matchedPhrase).contains { $0.norm == last }
    }
}
