/// Rule-based English letter-to-sound for words no dictionary knows ("yirgacheffe", "cafiza"):
/// longest-match grapheme rules with the usual context rules (soft c and g, silent final e).
/// Rough, as such rules are, but a rough pronunciation lets the word be recognised; a wrong one
/// can be fixed in `models/voice/pronunciations.dict` without code.
enum LetterToSound {
    private static let graphemes: [(String, String)] = [
        ("tch", "CH"), ("sch", "S K"), ("igh", "AY"), ("eau", "OW"), ("tion", "SH AH N"), ("sion", "ZH AH N"),
        ("ch", "CH"), ("sh", "SH"), ("th", "TH"), ("ph", "F"), ("ck", "K"), ("ng", "NG"), ("qu", "K W"), ("wh", "W"),
        ("gh", "G"), ("kn", "N"), ("wr", "R"), ("ee", "IY"), ("ea", "IY"), ("oo", "UW"), ("ou", "AW"), ("ow", "OW"),
        ("oa", "OW"), ("ai", "EY"), ("ay", "EY"), ("ei", "EY"), ("ey", "IY"), ("ie", "IY"), ("oi", "OY"), ("oy", "OY"),
        ("au", "AO"), ("aw", "AO"), ("ue", "UW"), ("ew", "UW"), ("er", "ER"), ("ir", "ER"), ("ur", "ER"), ("ar", "AA R"),
        ("or", "AO R"), ("ll", "L"), ("ss", "S"), ("tt", "T"), ("pp", "P"), ("ff", "F"), ("mm", "M"), ("nn", "N"),
        ("rr", "R"), ("dd", "D"), ("bb", "B"), ("gg", "G"), ("zz", "Z"), ("cc", "K"),
        ("a", "AE"), ("b", "B"), ("c", "K"), ("d", "D"), ("e", "EH"), ("f", "F"), ("g", "G"), ("h", "HH"), ("i", "IH"),
        ("j", "JH"), ("k", "K"), ("l", "L"), ("m", "M"), ("n", "N"), ("o", "AA"), ("p", "P"), ("q", "K"), ("r", "R"),
        ("s", "S"), ("t", "T"), ("u", "AH"), ("v", "V"), ("w", "W"), ("x", "K S"), ("y", "IY"), ("z", "Z"),
    ]

    static func phones(for word: String) -> String {
        let letters = Array(word.filter(\.isLetter).lowercased())
        var phones: [String] = []
        var i = 0
        while i < letters.count {
            let next: Character? = i + 1 < letters.count ? letters[i + 1] : nil
            let isLast = i == letters.count - 1
            // Context rules before the table.
            if letters[i] == "c", let next, "eiy".contains(next) { phones.append("S"); i += 1; continue }
            if letters[i] == "g", let next, "eiy".contains(next), i > 0 { phones.append("JH"); i += 1; continue }
            if letters[i] == "e", isLast, phones.count > 1 { i += 1; continue }  // silent final e
            if letters[i] == "y", i == 0 { phones.append("Y"); i += 1; continue }
            if letters[i] == "e", isLast { phones.append("IY"); i += 1; continue }
            var matched = false
            for (grapheme, sound) in graphemes where grapheme.count <= letters.count - i {
                if String(letters[i..<i + grapheme.count]) == grapheme {
                    phones.append(sound)
                    i += grapheme.count
                    matched = true
                    break
                }
            }
            if !matched { i += 1 }
        }
        return phones.isEmpty ? "AH" : phones.joined(separator: " ")
    }
}
