/// How a phrase was matched to a material, strongest first.
public enum MatchMethod: String, Sendable, Codable {
    /// The phrase is the material's name.
    case exact
    /// The phrase is one of the material's aliases.
    case alias
    /// Most words agree, some with typos (edit distance) or missing.
    case fuzzy
    /// Some words only sound alike (a phonetic key), as speech recognisers get them.
    case phonetic
}

/// The best material for a phrase, with the runner-up when it was close.
public struct MaterialMatch: Sendable, Equatable {
    public let material: Material
    /// 0–1: token-set similarity, 1 for a name or alias written exactly.
    public let score: Double
    public let method: MatchMethod
    /// The name or alias that matched.
    public let matchedPhrase: String
    /// Other materials that scored within the ambiguity margin, best first.
    public let rivals: [(sku: String, score: Double)]

    public var isAmbiguous: Bool { !rivals.isEmpty }

    public static func == (lhs: MaterialMatch, rhs: MaterialMatch) -> Bool {
        lhs.material == rhs.material && lhs.score == rhs.score && lhs.method == rhs.method
            && lhs.matchedPhrase == rhs.matchedPhrase && lhs.rivals.map(\.sku) == rhs.rivals.map(\.sku)
    }
}
