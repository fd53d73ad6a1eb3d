import Foundation

/// Word → phones (CMU ARPAbet), from PocketSphinx's dictionary plus local additions, with a
/// pronunciation for every word asked for: a word missing from both is built from known parts
/// (compounds, plurals), spelled out when it is an abbreviation, or sounded out by
/// `LetterToSound`. Nothing is dropped.
public struct PronunciationDictionary: Sendable {
    /// How a pronunciation was found, reported by `intake transcribe --vocabulary`.
    public enum Source: String, Sendable { case dictionary, additions, compound, plural, spelled, letterToSound = "letter_to_sound" }

    private var entries: [String: [String]]
    private var additions: [String: [String]]

    /// `files`: CMU-format dictionaries (`word PH ON ES`, variants as `word(2)`), later files win.
    public init(files: [URL], additions additionFiles: [URL] = []) throws {
        entries = [:]
        additions = [:]
        for file in files { try Self.read(file, into: &entries) }
        for file in additionFiles { try Self.read(file, into: &additions) }
    }

    private static func read(_ file: URL, into table: inout [String: [String]]) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        for line in text.split(whereSeparator: \.isNewline) {
            guard let space = line.firstIndex(of: " "), !line.hasPrefix(";;;"), !line.hasPrefix("#") else { continue }
            var word = line[..<space].lowercased()
            if let open = word.firstIndex(of: "("), word.hasSuffix(")") { word = String(word[..<open]) }
            let phones = line[space...].split(separator: "#")[0].trimmingCharacters(in: .whitespaces)
            guard !phones.isEmpty else { continue }
            table[word, default: []].append(phones)
        }
    }

    /// The pronunciations of `word` (lowercase letters and apostrophes) and where they came from.
    public func pronunciations(of word: String) -> (phones: [String], source: Source) {
        if let added = additions[word] { return (added, .additions) }
        if let known = entries[word] { return (known, .dictionary) }
        if let plural = pluralPronunciation(word) { return ([plural], .plural) }
        if let compound = compoundPronunciation(word) { return ([compound], .compound) }
        if Self.isAbbreviation(word) {
            let letters = word.compactMap { entries[String($0)]?.first }
            if letters.count == word.count { return ([letters.joined(separator: " ")], .spelled) }
        }
        return ([LetterToSound.phones(for: word)], .letterToSound)
    }

    public func contains(_ word: String) -> Bool { additions[word] != nil || entries[word] != nil }

    /// "lattes" from "latte", "tidies" from "tidy": the singular's phones plus S, Z or IH Z by
    /// its last sound. Three letters are enough ("ojs" from "oj"): only words the dictionaries
    /// lack get here.
    private func pluralPronunciation(_ word: String) -> String? {
        guard word.count >= 3, word.hasSuffix("s"), !word.hasSuffix("ss") else { return nil }
        var stems = word.hasSuffix("es") ? [String(word.dropLast()), String(word.dropLast(2))] : [String(word.dropLast())]
        if word.hasSuffix("ies") { stems.append(String(word.dropLast(3)) + "y") }  // "tidies" from "tidy"
        for stem in stems {
            guard let phones = additions[stem]?.first ?? entries[stem]?.first, let last = phones.split(separator: " ").last else { continue }
            let sibilant: Set<Substring> = ["S", "Z", "SH", "ZH", "CH", "JH"]
            let voiceless: Set<Substring> = ["P", "T", "K", "F", "TH"]
            let suffix = sibilant.contains(last) ? "IH Z" : voiceless.contains(last) ? "S" : "Z"
            return phones + " " + suffix
        }
        return nil
    }

    /// "flatwhite" from "flat" + "white": the longest known first part whose rest is known.
    private func compoundPronunciation(_ word: String) -> String? {
        let characters = Array(word)
        guard characters.count >= 6 else { return nil }
        for cut in stride(from: characters.count - 3, through: 3, by: -1) {
            let head = String(characters[..<cut]), tail = String(characters[cut...])
            if let a = entries[head]?.first, let b = entries[tail]?.first { return a + " " + b }
        }
        return nil
    }

    /// Short words without vowels ("hp", "blt", "rs") are said letter by letter.
    static func isAbbreviation(_ word: String) -> Bool {
        word.count <= 2 || word.count <= 4 && !word.contains(where: { "aeiouy".contains($0) })
    }
}
