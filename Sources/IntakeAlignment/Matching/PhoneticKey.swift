/// A sound-alike key for English words, in the spirit of Metaphone: letters that sound the same
/// map to one code and vowels after the first letter drop out, so "capuccino" and "cappuccino",
/// or "croissant" and "crosant", share a key. Used for typos and, later, speech transcripts.
public enum PhoneticKey {
    public static func key(_ word: String) -> String {
        let letters = Array(word.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) }.map(Character.init))
        guard !letters.isEmpty else { return "" }
        var out: [Character] = []
        var i = 0
        func at(_ j: Int) -> Character? { j >= 0 && j < letters.count ? letters[j] : nil }
        func emit(_ c: Character) {
            if out.last != c { out.append(c) }
        }
        // Silent initial pairs.
        if let first = at(0), let second = at(1), ["kn", "gn", "pn", "wr", "ps"].contains(String([first, second])) { i = 1 }
        while i < letters.count {
            let c = letters[i]
            let next = at(i + 1)
            switch c {
            case "a", "e", "i", "o", "u", "y":
                if out.isEmpty { emit("A") } else if out.last != "A" { out.append("·") }
            case "b": emit("P")
            case "p": if next == "h" { emit("F"); i += 1 } else { emit("P") }
            case "c":
                if next == "h" { emit("X"); i += 1 }
                else if let n = next, "eiy".contains(n) { emit("S") }
                else if next == "k" { emit("K"); i += 1 }
                else { emit("K") }
            case "d": if next == "g", let n = at(i + 2), "eiy".contains(n) { emit("J"); i += 1 } else { emit("T") }
            case "t": if next == "h" { emit("0"); i += 1 } else if next == "i", let n = at(i + 2), "oa".contains(n) { emit("X") } else { emit("T") }
            case "g":
                if next == "h" { i += 1 }
                else if let n = next, "eiy".contains(n) { emit("J") }
                else { emit("K") }
            case "k", "q": emit("K")
            case "x": emit("K"); emit("S")
            case "s": if next == "h" { emit("X"); i += 1 } else { emit("S") }
            case "z": emit("S")
            case "v", "f": emit("F")
            case "w", "h": if let n = next, "aeiou".contains(n) { emit(c == "w" ? "W" : "H") }
            case "j": emit("J")
            case "l": emit("L")
            case "m": emit("M")
            case "n": emit("N")
            case "r": emit("R")
            default: break
            }
            i += 1
        }
        return String(out.filter { $0 != "·" })
    }
}
