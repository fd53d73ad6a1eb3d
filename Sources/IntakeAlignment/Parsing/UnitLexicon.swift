/// Unit words as people write them, mapped to the material master's unit codes.
enum UnitLexicon {
    static let words: [String: String] = {
        var map: [String: String] = [:]
        let table: [String: [String]] = [
            "each": ["each", "ea", "pc", "pcs", "piece", "pieces", "unit", "units"],
            "cup": ["cup", "cups"],
            "box": ["box", "boxes", "bx"],
            "pack": ["pack", "packs", "pk", "pkt", "pkts", "packet", "packets"],
            "ream": ["ream", "reams"],
            "roll": ["roll", "rolls"],
            "bottle": ["bottle", "bottles", "btl"],
            "bag": ["bag", "bags", "sack", "sacks"],
            "case": ["case", "cases"],
            "carton": ["carton", "cartons", "ctn", "ctns"],
            "kg": ["kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"],
            "g": ["g", "gram", "grams"],
            "l": ["l", "ltr", "litre", "litres", "liter", "liters"],
            "ml": ["ml", "millilitre", "millilitres", "milliliter", "milliliters"],
            "drum": ["drum", "drums"],
            "can": ["can", "cans", "tin", "tins"],
            "tube": ["tube", "tubes"],
            "set": ["set", "sets", "kit", "kits"],
            "pair": ["pair", "pairs"],
            "m": ["m", "meter", "meters", "metre", "metres"],
            "sheet": ["sheet", "sheets"],
            "loaf": ["loaf", "loaves"],
        ]
        for (unit, spellings) in table {
            for spelling in spellings { map[spelling] = unit }
        }
        return map
    }()

    static func unit(for word: String) -> String? { words[word] }
}
