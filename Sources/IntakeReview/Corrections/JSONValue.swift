import Foundation

/// A JSON document as a value: what corrections edit and diff, and what events carry as `data`.
public enum JSONValue: Codable, Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(value):
            if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    /// Any `Encodable` as a JSON value (dates as ISO 8601, keys as the type encodes them).
    /// Goes through `JSONSerialization`, which is several times faster than decoding by trial.
    public init(encoding value: some Encodable) throws {
        let data = try Self.encoder.encode(value)
        self = Self.from(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    /// A `JSONSerialization` tree as a value. Booleans are told from numbers by their type code
    /// (`c`), as `Bool` and `NSNumber` bridge both ways.
    static func from(_ object: Any) -> JSONValue {
        switch object {
        case let string as String: .string(string)
        case let number as NSNumber:
            String(cString: number.objCType) == "c" ? .bool(number.boolValue) : .number(number.doubleValue)
        case let array as [Any]: .array(array.map(from))
        case let dictionary as [String: Any]: .object(dictionary.mapValues(from))
        default: .null
        }
    }

    /// Decodes this value as `type`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Self.encoder.encode(self))
    }

    /// Compact JSON with sorted keys: the same bytes for the same value.
    public var description: String { String(decoding: (try? Self.encoder.encode(self)) ?? Data(), as: UTF8.self) }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Reads a command-line value: JSON when it parses as JSON (`4`, `true`, `null`, `"x"`,
    /// `{…}`), else the text as a string (`oat milk`).
    public static func parseLoose(_ text: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
    }
}
