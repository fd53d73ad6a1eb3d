import Foundation
import IntakeAlignment
import IntakeCore

/// Generates order messages the way people type them, with the answer for each: names and
/// aliases, typos, plurals, quantities in digits and words, units, fillers, parties, several
/// lines per message. Seeded, so every run measures the same messages.
struct TextOrderCorpus {
    struct Expected: Hashable {
        let sku: String
        let quantity: Double
    }

    struct Message {
        let text: String
        let expected: [Expected]
    }

    var random: SeededRandom
    let materials: [Material]

    init(materials: MaterialMaster, seed: UInt64) {
        self.materials = materials.materials
        self.random = SeededRandom(seed: seed)
    }

    mutating func messages(_ count: Int) -> [Message] {
        (0..<count).map { _ in message() }
    }

    private static let numberWords = [
        1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten",
        11: "eleven", 12: "twelve", 15: "fifteen", 20: "twenty", 24: "twenty four", 30: "thirty",
    ]
    private static let openers = ["", "", "please send ", "can we get ", "hi, need ", "order: ", "pls ", "we need "]
    private static let parties = ["store twelve, ", "store 7: ", "", "", "for Harbor Café: ", "", "from the riverside kiosk, "]
    private static let joiners = [", ", " and ", "\n", "; ", ", plus "]
    private static let closers = ["", "", " thanks", ". cheers", " asap"]

    private mutating func message() -> Message {
        var lines: [String] = []
        var expected: [Expected] = []
        var used = Set<String>()
        for _ in 0..<random.int(in: 1...3) {
            var material = materials[random.int(in: 0...(materials.count - 1))]
            while used.contains(material.sku) { material = materials[random.int(in: 0...(materials.count - 1))] }
            used.insert(material.sku)
            let quantity = [1, 2, 3, 4, 5, 6, 8, 10, 12, 20, 24][random.int(in: 0...10)]
            lines.append(line(for: material, quantity: quantity))
            expected.append(Expected(sku: material.sku, quantity: Double(quantity)))
        }
        var text = random.pick(Self.parties) + random.pick(Self.openers)
        for (index, line) in lines.enumerated() {
            if index > 0 { text += random.pick(Self.joiners) }
            text += line
        }
        return Message(text: text + random.pick(Self.closers), expected: expected)
    }

    private mutating func line(for material: Material, quantity: Int) -> String {
        var phrase = random.chance(0.5) || material.aliases.isEmpty ? material.name : random.pick(material.aliases)
        if random.chance(0.5) { phrase = phrase.lowercased() }
        if quantity > 1, random.chance(0.5), let last = phrase.split(separator: " ").last, last.count > 2,
            last.allSatisfy(\.isLetter), !last.hasSuffix("s")
        {
            phrase += "s"
        }
        if random.chance(0.3) { phrase = typo(in: phrase) }
        let count: String
        switch random.int(in: 0...9) {
        case 0...5: count = String(quantity)
        case 6...7: count = Self.numberWords[quantity] ?? String(quantity)
        default: return "\(phrase) x\(quantity)"
        }
        if !["each", "cup"].contains(material.unit), random.chance(0.4) {
            let unit = quantity == 1 ? material.unit : plural(material.unit)
            return "\(count) \(unit) of \(phrase)"
        }
        return "\(count) \(phrase)"
    }

    private func plural(_ unit: String) -> String {
        switch unit {
        case "box": "boxes"
        case "kg", "g", "l", "ml", "m": unit
        case "loaf": "loaves"
        default: unit + "s"
        }
    }

    /// One slip in one longer word without digits: a dropped, doubled, swapped or wrong letter.
    private mutating func typo(in phrase: String) -> String {
        var words = phrase.split(separator: " ").map(String.init)
        let candidates = words.indices.filter { words[$0].count >= 5 && words[$0].allSatisfy(\.isLetter) }
        guard let index = candidates.isEmpty ? nil : random.pick(candidates) else { return phrase }
        var letters = Array(words[index])
        let at = random.int(in: 1...(letters.count - 2))
        switch random.int(in: 0...3) {
        case 0: letters.remove(at: at)
        case 1: letters.insert(letters[at], at: at)
        case 2: letters.swapAt(at, at + 1)
        default: letters[at] = Array("aeiounrst")[random.int(in: 0...8)]
        }
        words[index] = String(letters)
        return words.joined(separator: " ")
    }
}

