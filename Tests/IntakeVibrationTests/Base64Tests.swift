import Foundation
import Testing
@testable import IntakeVibration

@Suite("Base64 decoding of alert samples")
struct Base64Tests {
    @Test("Every length from 0 to 64 bytes, with and without padding, decodes to Foundation's result")
    func agreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...64 {
            let bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let text = Data(bytes.base64EncodedString().utf8)
            #expect(Base64.decode(text) == bytes, "length \(length)")
            #expect(Base64.decode(text + Data("\r\n".utf8)) == bytes, "trailing line break, length \(length)")
        }
    }

    @Test("A foreign character anywhere, or a length that is not a multiple of 4, is refused")
    func refusesNonBase64() {
        let text = Array(Data((0..<30).map { UInt8($0) }).base64EncodedString().utf8)
        for position in [0, 1, 2, 3, 17, text.count - 3] {
            var broken = text
            broken[position] = UInt8(ascii: "*")
            #expect(Base64.decode(Data(broken)) == nil, "'*' at \(position)")
        }
        #expect(Base64.decode(Data(text.dropLast())) == nil)
        #expect(Base64.decode(Data("QUJD=A==".utf8)) == nil, "padding inside the text")
    }
}
