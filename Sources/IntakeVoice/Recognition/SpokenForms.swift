/// How people say what catalogs write: "6205-2RS" → "sixty two oh five two r s" or "six two oh
/// five two r s"; "12oz cups" → "twelve ounce cups"; "500ml" → "five hundred milliliter" or
/// "five hundred m l"; "A4 paper" → "a four paper"; "NU208" → "n u two oh eight".
///
/// A measure (a word that starts with a number followed by a unit: "25mm", "200l", "12 oz") is
/// said as a number, never digit by digit: nobody orders "two oh oh liter" drums. Inside a code
/// (a word that starts with letters: "cf226a", "ce505a") a letter after digits is spelled, not a
/// unit ("c f two two six a", not "amp"), except "x" between sizes ("m12x50": "m twelve by fifty").
///
/// Several variants are produced where usage differs; their number is capped per phrase.
public enum SpokenForms {
    /// Spoken variants of a written phrase, each a list of lowercase words; the first is the
    /// most usual. Phrases of plain words come back unchanged.
    public static func variants(of written: String, limit: Int = 6) -> [[String]] {
        let tokens = written.lowercased().split(whereSeparator: \.isWhitespace).flatMap { word in
            let parts = Self.tokens(of: String(word))
            let code = parts.count > 1 && Int(parts[0]) == nil
            return parts.enumerated().map { (text: $0.element, inCode: code && $0.offset > 0) }
        }
        func unit(at index: Int) -> [[String]]? {
            guard index > 0, index < tokens.count, Int(tokens[index - 1].text) != nil else { return nil }
            let token = tokens[index]
            return token.inCode && token.text != "x" ? nil : unitOptions(token.text)
        }
        var variants: [[String]] = [[]]
        for (index, token) in tokens.enumerated() {
            let options = unit(at: index) ?? spoken(token.text, measure: !token.inCode && unit(at: index + 1) != nil)
            var next: [[String]] = []
            for variant in variants {
                for option in options where next.count < limit { next.append(variant + option) }
            }
            variants = next
        }
        return variants.filter { !$0.isEmpty }
    }

    /// Runs of letters and runs of digits; other characters separate ("6205-2rs" → 6205, 2, rs).
    static func tokens(of text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var currentIsDigit = false
        for character in text {
            let isDigit = character.isASCII && character.isNumber
            let isLetter = character.isLetter || character == "'"
            if isDigit || isLetter {
                if !current.isEmpty && isDigit != currentIsDigit { tokens.append(current); current = "" }
                current.append(character)
                currentIsDigit = isDigit
            } else if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private static let unitWords: [String: [[String]]] = [
        "oz": [["ounce"], ["oz"]], "ml": [["milliliter"], ["m", "l"], ["mil"]], "l": [["liter"], ["l"]],
        "kg": [["kilo"], ["kilogram"], ["k", "g"]], "g": [["gram"], ["g"]], "mm": [["millimeter"], ["mil"], ["m", "m"]],
        "cm": [["centimeter"]], "m": [["meter"], ["m"]], "gsm": [["g", "s", "m"]], "nm": [["newton", "meter"]],
        "v": [["volt"], ["v"]], "a": [["amp"], ["a"]], "ma": [["milliamp"]], "x": [["by"], ["x"]],
    ]

    /// Spoken options for one token; `measure`: a number before a unit.
    static func spoken(_ token: String, measure: Bool) -> [[String]] {
        if let value = Int(token) { return numberOptions(token, value, measure: measure) }
        if !shortWords.contains(token), token.count <= 2 || !token.contains(where: { "aeiouy".contains($0) }) {
            // Short letter groups are spelled ("hp" → "h p"); units only after a number (above).
            return [token.map { String($0) }]
        }
        return [[token]]
    }

    /// Words of one or two letters that are said as words, not spelled: "no ice", "to go".
    static let shortWords: Set<String> = [
        "a", "i", "am", "an", "as", "at", "be", "by", "do", "go", "hi", "if", "in", "is", "it", "me", "my", "no", "of",
        "oh", "ok", "on", "or", "so", "to", "up", "us", "we",
    ]

    /// Units after numbers: "12 oz", "500 ml", "25 mm".
    static func unitOptions(_ token: String) -> [[String]]? { unitWords[token] }

    /// `measure`: the number counts a unit, so it is not said digit by digit.
    private static func numberOptions(_ digits: String, _ value: Int, measure: Bool) -> [[String]] {
        var options: [[String]] = []
        let whole = words(value)
        let digitByDigit = digits.map { $0 == "0" ? "oh" : words(Int(String($0))!)[0] }
        if digits.count == 4, !digits.hasPrefix("0") {
            // "6205": "sixty two oh five"; "2026": "twenty twenty six"; "1250": "twelve fifty".
            let high = Int(digits.prefix(2))!, low = Int(digits.suffix(2))!
            let lowWords = low == 0 ? ["hundred"] : low < 10 ? ["oh"] + words(low) : words(low)
            options.append(words(high) + lowWords)
        }
        if digits.count == 3, !digits.hasPrefix("0"), value % 100 != 0 {
            // "208": "two oh eight"; "410": "four ten".
            let low = Int(digits.suffix(2))!
            options.append(words(Int(digits.prefix(1))!) + (low < 10 ? ["oh"] + words(low) : words(low)))
        }
        if digits.count <= 3 || value % 100 == 0 { options.append(whole) }
        if digits.count >= 2, !measure { options.append(digitByDigit) }
        if options.isEmpty { options.append(digitByDigit) }
        var unique: [[String]] = []
        for option in options where !unique.contains(option) { unique.append(option) }
        return unique
    }

    static let ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                       "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    /// A whole number in words (up to 999,999).
    public static func words(_ value: Int) -> [String] {
        if value < 20 { return [ones[max(0, value)]] }
        if value < 100 { return [tens[value / 10]] + (value % 10 == 0 ? [] : [ones[value % 10]]) }
        if value < 1000 { return [ones[value / 100], "hundred"] + (value % 100 == 0 ? [] : words(value % 100)) }
        return words(value / 1000) + ["thousand"] + (value % 1000 == 0 ? [] : words(value % 1000))
    }
}
