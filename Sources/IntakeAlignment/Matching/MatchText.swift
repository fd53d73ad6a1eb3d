import Foundation

/// The one normalisation that both master-data names and input phrases go through before they
/// are compared: lower case, accents folded, punctuation dropped (`-` and `/` inside codes kept),
/// simple plurals made singular, filler words removed.
public enum MatchText {
    static let fillers: Set<String> = ["of", "the", "a", "an", "and", "with", "for", "in", "on"]

    /// Match tokens of a whole phrase.
    public static func tokens(_ phrase: String) -> [String] {
        keys(Tokenizer.tokenize(phrase).filter { !$0.isSeparator }.map(\.norm))
    }

    /// Match tokens of already-normalised words.
    public static func keys(_ words: [String]) -> [String] {
        words.compactMap { word in
            let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: "'’"))
            guard !trimmed.isEmpty, !fillers.contains(trimmed) else { return nil }
            return singular(trimmed)
        }
    }

    /// Letters and digits only: `6205-2RS` and `6205 2rs` both become `62052rs`.
    static func compact(_ tokens: [String]) -> String {
        String(tokens.joined().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
    }

    /// "boxes" → "box", "batteries" → "battery", "croissants" → "croissant", "ojs" → "oj"; words
    /// with digits are left alone. Both sides of a comparison go through it, so over-eager
    /// stemming ("gas" → "ga") costs nothing.
    static func singular(_ word: String) -> String {
        guard word.count >= 3, word.last == "s", !word.contains(where: \.isNumber) else { return word }
        if word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("ches") || word.hasSuffix("shes") || word.hasSuffix("sses") || word.hasSuffix("xes") {
            return String(word.dropLast(2))
        }
        if word.hasSuffix("ss") || word.hasSuffix("us") || word.hasSuffix("is") { return word }
        return String(word.dropLast())
    }

    /// A crude stem for matching symptom and action phrases: "leaking" → "leak", "refilled" → "refill".
    static func stem(_ word: String) -> String {
        let base = singular(word)
        for suffix in ["ing", "ed"] where base.count > suffix.count + 2 && base.hasSuffix(suffix) {
            return String(base.dropLast(suffix.count))
        }
        return base
    }
}
