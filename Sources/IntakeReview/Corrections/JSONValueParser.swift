import Foundation

/// JSON text → `JSONValue`, directly: how the outbox reads stored events back for delivery.
/// `JSONSerialization` instead cost a dynamic cast and an `NSNumber` per value.
struct JSONValueParser {
    struct Malformed: Error, CustomStringConvertible {
        let offset: Int
        let expected: String
        var description: String { "malformed JSON at byte \(offset): expected \(expected)" }
    }

    private let bytes: [UInt8]
    private var index = 0

    static func parse(_ data: Data) throws -> JSONValue {
        var parser = JSONValueParser(bytes: [UInt8](data))
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw Malformed(offset: parser.index, expected: "end of input") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 512 else { throw Malformed(offset: index, expected: "nesting under 512 levels") }
        skipWhitespace()
        guard index < bytes.count else { throw Malformed(offset: index, expected: "a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return .object(members) }
            repeat {
                skipWhitespace()
                let key = try string()
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { throw Malformed(offset: index, expected: ":") }
                members[key] = try value(depth: depth + 1)
                skipWhitespace()
            } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "}")) else { throw Malformed(offset: index, expected: ", or }") }
            return .object(members)
        case UInt8(ascii: "["):
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return .array(elements) }
            repeat { elements.append(try value(depth: depth + 1)); skipWhitespace() } while consume(UInt8(ascii: ","))
            guard consume(UInt8(ascii: "]")) else { throw Malformed(offset: index, expected: ", or ]") }
            return .array(elements)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func string() throws -> String {
        guard consume(UInt8(ascii: "\"")) else { throw Malformed(offset: index, expected: "a string") }
        var utf8: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), bytes[index...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) {
                        index += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    utf8 += String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8
                default: utf8.append(escape)  // \" \\ \/
                }
            default: utf8.append(byte)
            }
        }
        throw Malformed(offset: index, expected: "a closing quote")
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
            throw Malformed(offset: index, expected: "four hex digits")
        }
        index += 4
        return code
    }

    private mutating func number() throws -> Double {
        let start = index
        while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
        guard index > start, let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
            throw Malformed(offset: start, expected: "a value")
        }
        return value
    }

    private mutating func literal(_ word: String) throws {
        guard bytes[index...].starts(with: word.utf8) else { throw Malformed(offset: index, expected: word) }
        index += word.utf8.count
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }
}
