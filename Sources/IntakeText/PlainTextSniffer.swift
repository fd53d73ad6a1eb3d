import Foundation
import IntakeCore

/// Recognises a human-written text message: UTF-8 (or UTF-16 with a byte-order mark) without
/// NUL or other control bytes. JSON documents are left to the modalities that read them.
public struct PlainTextSniffer: ContentSniffer {
    public init() {}

    public func accepts(_ bytes: Data) -> Bool {
        guard let text = TextDecoding.decode(bytes) else { return false }
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "{" || trimmed.first == "[" { return false }
        return !text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" }
    }
}

/// The one way text bytes become a `String` here.
enum TextDecoding {
    static func decode(_ bytes: Data) -> String? {
        if bytes.starts(with: [0xFF, 0xFE]) { return String(data: bytes.dropFirst(2), encoding: .utf16LittleEndian) }
        if bytes.starts(with: [0xFE, 0xFF]) { return String(data: bytes.dropFirst(2), encoding: .utf16BigEndian) }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        return String(validating: body, as: UTF8.self)
    }
}
