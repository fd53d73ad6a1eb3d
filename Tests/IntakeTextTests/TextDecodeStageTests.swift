import Foundation
import IntakeAlignment
import IntakeCore
import IntakeText
import Logging
import Testing

@Suite struct TextDecodeStageTests {
    func context(_ bytes: Data) -> StageContext {
        StageContext(
            stage: "text.decode", worker: 0, orderID: "ord_test", input: ReceivedInput(uri: "test", bytes: bytes),
            deadline: .distantFuture, logger: Logger(label: "test"))
    }

    func decode(_ bytes: Data, stage: TextDecodeStage = TextDecodeStage()) throws -> OrderText {
        try stage.process(bytes, context: context(bytes))
    }

    @Test func utf8AndUTF16MessagesDecodeToTheSameText() throws {
        let text = "2 flat whites for Harbor Café"
        #expect(try decode(Data(text.utf8)).text == text)
        #expect(try decode(Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)).text == text)
        var utf16 = Data([0xFF, 0xFE])
        utf16.append(text.data(using: .utf16LittleEndian)!)
        #expect(try decode(utf16).text == text)
    }

    @Test func anEmptyMessageIsRejectedWithItsReason() throws {
        let error = try #require(throws: InputFailure.self) { try decode(Data(" \n\t ".utf8)) }
        #expect(error.code == "empty_message")
    }

    @Test func invalidUTF8IsRejectedWithItsReason() throws {
        let error = try #require(throws: InputFailure.self) { try decode(Data([0x41, 0xC3, 0x28, 0x42])) }
        #expect(error.code == "invalid_text_encoding")
    }

    @Test func anOverlongMessageIsRejected() throws {
        let error = try #require(throws: InputFailure.self) {
            try decode(Data(String(repeating: "a", count: 50).utf8), stage: TextDecodeStage(maxCharacters: 10))
        }
        #expect(error.code == "message_too_long")
    }
}

@Suite struct PlainTextSnifferTests {
    let sniffer = PlainTextSniffer()

    @Test func acceptsHumanText() {
        #expect(sniffer.accepts(Data("store 12: 3 iced americano\r\nthanks".utf8)))
        #expect(sniffer.accepts(Data("Grüße, 2 Brezeln".utf8)))
    }

    @Test func rejectsBinaryAndJSON() {
        #expect(!sniffer.accepts(Data([0x52, 0x49, 0x46, 0x46, 0x24, 0x00, 0x00, 0x00, 0x57, 0x41, 0x56, 0x45])))
        #expect(!sniffer.accepts(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])))
        #expect(!sniffer.accepts(Data(#"{"device_id": "P-101", "samples": [0.1]}"#.utf8)))
        #expect(!sniffer.accepts(Data([0xFF, 0xD8, 0xFF, 0xE0])))
    }
}
