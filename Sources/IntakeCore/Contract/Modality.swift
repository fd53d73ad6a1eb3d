/// The kind of signal an order came from: `text`, `voice`, `document` or `vibration`.
///
/// A string-backed value rather than an enum so that a new modality (say, gestures from AR
/// glasses) is a new target plus a pipeline entry, with no change here.
public struct Modality: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let text = Modality("text")
    public static let voice = Modality("voice")
    public static let document = Modality("document")
    public static let vibration = Modality("vibration")

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
