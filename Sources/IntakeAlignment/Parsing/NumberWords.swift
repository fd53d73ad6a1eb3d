/// Quantities written in words: "three", "twenty four", "a dozen", "half a dozen", "a pair of",
/// "a couple of", "two hundred".
enum NumberWords {
    static let units: [String: Double] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    ]
    static let tens: [String: Double] = [
        "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90,
    ]
    /// Words that multiply what comes before ("two dozen") or stand for a count alone ("dozen").
    static let multipliers: [String: Double] = ["dozen": 12, "pair": 2, "pairs": 2, "couple": 2, "hundred": 100, "thousand": 1000]

    static func isNumberWord(_ word: String) -> Bool {
        units[word] != nil || tens[word] != nil || multipliers[word] != nil || word.contains("-") && word.split(separator: "-").allSatisfy {
            tens[String($0)] != nil || units[String($0)] != nil
        }
    }

    /// True when "and" between `previous` and `next` is inside one number ("a hundred and
    /// twenty"); "three and eight" is two counts, not eleven.
    static func andContinuesNumber(after previous: String?, before next: String?) -> Bool {
        guard let previous, let next else { return false }
        return (previous == "hundred" || previous == "thousand")
            && (units[next] != nil || tens[next] != nil || next.contains("-") && isNumberWord(next))
    }

    /// Reads a quantity starting at `words[start]`; returns its value and how many words it used
    /// (a trailing "of" included). `a`/`an` count as one only when something follows, and are
    /// skipped before a number word ("a eight" and "a a eight" are 8).
    static func read(_ words: [String], from start: Int) -> (value: Double, length: Int)? {
        var index = start
        var total: Double = 0
        var current: Double = 0
        var sawNumber = false

        func word(_ i: Int) -> String? { i < words.count ? words[i] : nil }

        if word(index) == "half" {
            // "half a dozen", "half dozen"
            var next = index + 1
            if word(next) == "a" || word(next) == "an" { next += 1 }
            if word(next) == "dozen" {
                return (6, next + 1 - start + (word(next + 1) == "of" ? 1 : 0))
            }
            return nil
        }
        if word(index) == "a" || word(index) == "an" {
            // "a eight lemon drizzle", "a a fifteen staplers": speech recognisers insert "a"s
            // before a count; the count wins.
            var first = index + 1
            while word(first) == "a" || word(first) == "an" { first += 1 }
            if let next = word(first), units[next] != nil || tens[next] != nil, let count = read(words, from: first) {
                return (count.value, count.length + first - index)
            }
            if let next = word(index + 1), let multiplier = multipliers[next] {
                index += 2
                current = multiplier
                sawNumber = true
                if next == "hundred" || next == "thousand" {
                    // "a hundred and twenty"
                } else {
                    if word(index) == "of" { index += 1 }
                    return (current, index - start)
                }
            } else if word(index + 1) != nil {
                return (1, 1)
            } else {
                return nil
            }
        }
        var lastWasDigitWord = false
        while let w = word(index) {
            // "five three-jaw pullers": two number words in a row are two numbers, not a sum.
            if lastWasDigitWord, units[w] != nil || tens[w] != nil { break }
            lastWasDigitWord = units[w] != nil || tens[w] != nil
            if let value = units[w] {
                current += value
            } else if let value = tens[w] {
                current += value
                if let next = word(index + 1), let unit = units[next], unit < 10, unit > 0 {
                    current += unit
                    index += 1
                }
            } else if w.contains("-"), w.split(separator: "-").count == 2,
                let ten = tens[String(w.split(separator: "-")[0])], let unit = units[String(w.split(separator: "-")[1])]
            {
                current += ten + unit
            } else if let multiplier = multipliers[w], sawNumber || w == "dozen" {
                if w == "hundred" || w == "thousand" {
                    current = max(current, 1) * multiplier
                    if w == "thousand" {
                        total += current
                        current = 0
                    }
                } else {
                    current = max(current, 1) * multiplier
                    index += 1
                    sawNumber = true
                    break
                }
            } else if w == "and", index > start, andContinuesNumber(after: words[index - 1], before: word(index + 1)) {
                // "a hundred and twenty"
            } else {
                break
            }
            sawNumber = true
            index += 1
        }
        guard sawNumber else { return nil }
        if word(index) == "of" { index += 1 }
        return (total + current, index - start)
    }
}
