import Foundation
import Testing
@testable import IntakeReview

@Suite("JSONValue: the canonical JSON that records, audit hashes and events are made of")
struct JSONValueTests {
    static let sample: JSONValue = .object([
        "sku": .string("CAF-1001"), "quantity": .number(3), "confidence": .number(0.97), "ok": .bool(true), "none": .null,
        "text": .string("3 \"iced\" americano\\oat/milk\n\ttab \u{01} 咖啡"),
        "lines": .array([.number(-2), .number(1e-5), .number(1e20), .object(["b": .number(2), "a": .number(1)])]),
    ])

    @Test("description parses back to the same value, with sorted keys, escaped controls and slashes kept")
    func roundTrip() throws {
        let text = Self.sample.description
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == Self.sample)
        #expect(text.hasPrefix(#"{"confidence":0.97,"lines":[-2,1e-05,1e+20,{"a":1,"b":2}],"none":null,"ok":true,"quantity":3,"#))
        #expect(text.contains(#"\"iced\" americano\\oat/milk\n\ttab \u0001 咖啡"#))
    }

    @Test("description matches JSONEncoder's sorted, unescaped-slash output byte for byte on ordinary values")
    func matchesJSONEncoder() throws {
        let value: JSONValue = .object([
            "id": .string("ord_1"), "uri": .string("inbox/a b.txt"), "lines": .array([.object(["qty": .number(2), "price": .number(4.5)])]),
        ])
        #expect(value.description == String(decoding: try JSONValue.encoder.encode(value), as: UTF8.self))
    }

    @Test("A CloudEvent's line decodes back to the same event")
    func cloudEventLine() throws {
        let event = CloudEvent(id: "evt_1", source: "/intake/orders", type: "order.created", subject: "ord_1", time: "2026-11-22T00:00:00Z", data: Self.sample)
        let line = event.jsonLine()
        #expect(line.last == 0x0A)
        #expect(try JSONDecoder().decode(CloudEvent.self, from: line) == event)
    }

    @Test("JSONValue(encoding:) reads the encoder's output back exactly: numbers, booleans, nesting, escapes")
    func encodingRoundTrip() throws {
        struct Line: Encodable { var sku: String?; var quantity: Double; var ok: Bool; var tags: [String]; var at: Date }
        let line = Line(sku: nil, quantity: 2.5, ok: false, tags: ["a/b", "say \"hi\"", "tab\t", "😀 咖啡"], at: Date(timeIntervalSince1970: 0))
        let value = try JSONValue(encoding: line)
        #expect(value == .object([
            "quantity": .number(2.5), "ok": .bool(false), "at": .string("1970-01-01T00:00:00Z"),
            "tags": .array([.string("a/b"), .string("say \"hi\""), .string("tab\t"), .string("😀 咖啡")]),
        ]))
        #expect(try JSONValueParser.parse(Data(#"{"s":"\u00e9\ud83d\ude00\/","n":[1e3,-0.5,true,null]}"#.utf8))
                == .object(["s": .string("é😀/"), "n": .array([.number(1000), .number(-0.5), .bool(true), .null])]))
    }

    @Test("Malformed JSON is refused with the byte offset, never read as something else", arguments: [
        "", "{", #"{"a" 1}"#, "[1,]", "tru", #""open"#, "{} x", "1.2.3",
    ])
    func malformed(_ text: String) {
        #expect(throws: JSONValueParser.Malformed.self) { try JSONValueParser.parse(Data(text.utf8)) }
    }
}
