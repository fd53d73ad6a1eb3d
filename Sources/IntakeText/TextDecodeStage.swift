import Foundation
import IntakeAlignment
import IntakeCore

/// `Data` → `OrderText`: the bytes of a text message (SMS, chat, e-mail body, typed
/// transcript) as text ready for alignment. The text is kept exactly as sent, so evidence
/// offsets point into the original message.
///
/// Options: `max_characters` (20000): longer messages are refused, since they are documents,
/// not orders.
public struct TextDecodeStage: Stage {
    public let maxCharacters: Int

    public init(maxCharacters: Int = 20_000) {
        self.maxCharacters = maxCharacters
    }

    public init(options: ConfigNode) throws {
        try options.allowOnly(["max_characters"])
        self.init(maxCharacters: try options.int("max_characters", default: 20_000, in: 1...10_000_000))
    }

    public func process(_ bytes: Data, context: StageContext) throws -> OrderText {
        guard let text = TextDecoding.decode(bytes) else {
            throw InputFailure(code: "invalid_text_encoding", message: "the message is not valid UTF-8 or UTF-16; save it as UTF-8")
        }
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw InputFailure(code: "empty_message", message: "the message is empty or only whitespace")
        }
        guard text.unicodeScalars.count <= maxCharacters else {
            throw InputFailure(
                code: "message_too_long",
                message: "the message has \(text.unicodeScalars.count) characters, more than max_characters (\(maxCharacters))")
        }
        return OrderText(text: text)
    }
}
