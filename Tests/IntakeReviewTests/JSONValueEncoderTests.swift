import Foundation
import IntakeCore
import Testing
@testable import IntakeReview

@Suite("JSONValueEncoder: the value JSONEncoder's text would parse to, without the text")
struct JSONValueEncoderTests {
    /// What `JSONValue(encoding:)` returned before: `JSONValue.encoder`'s text, parsed.
    static func throughText(_ value: some Encodable) throws -> JSONValue {
        try JSONValueParser.parse(try JSONValue.encoder.encode(value))
    }

    enum Shape: Codable, Equatable {
        case point
        case circle(radius: Float)
        case labelled(String, Int)
    }

    struct Inner: Codable, Equatable {
        var values: [Float]
        var nested: [[Int]]
        var flags: [String: Bool]
    }

    struct Everything: Encodable {
        var text = "say \"hi\"/\t 咖啡"
        var absent: String? = nil
        var float: Float = 0.1
        var odd: Float = 1772.7544
        var double = 1e-7
        var large = Int64.max
        var unsigned = UInt8(200)
        var negative = Int32(-7)
        var date = Date(timeIntervalSince1970: 1_800_000_000.75)
        var url = URL(string: "https://example.com/a b?x=1")!
        var data = Data([0, 1, 2, 250])
        var decimal = Decimal(string: "12.5")!
        var shapes: [Shape] = [.point, .circle(radius: 2.5), .labelled("a", 3)]
        var byNumber: [Int: String] = [1: "one", 20: "twenty"]
        var inner = Inner(values: [1, 0.3, -2], nested: [[], [1, 2]], flags: ["on": true])
        var optionals: [Double?] = [1, nil, 3]
        var empty: [String: Int] = [:]
        var silent = [Silent()]
    }

    /// Encodes nothing at all: `JSONEncoder` writes an empty object for it.
    struct Silent: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    class Base: Encodable, @unchecked Sendable {
        var id = "base"
        enum CodingKeys: CodingKey { case id }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
        }
    }

    final class Derived: Base {
        var extra = 4.25
        enum Keys: CodingKey { case extra }
        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(extra, forKey: .extra)
            try super.encode(to: container.superEncoder())
        }
    }

    @Test("Strings, numbers of every width, Float digits, dates, URLs, data, decimals, enums, nesting, nil and empty values come out as through the text")
    func matchesTheTextRoundTrip() throws {
        let direct = try JSONValue(encoding: Everything())
        #expect(direct == (try Self.throughText(Everything())))
        guard case let .object(fields) = direct else { Issue.record("not an object"); return }
        #expect(fields["float"] == .number(0.1))
        #expect(fields["absent"] == nil)
        #expect(fields["date"] == .string("2027-01-15T08:00:00Z"))
        #expect(fields["silent"] == .array([.object([:])]))
        #expect(try JSONValue(encoding: Derived()) == (try Self.throughText(Derived())))
    }

    @Test("A stored order record: the same value, so its canonical text and audit hash stay the same")
    func orderRecord() throws {
        var record = makeRecord(7, modality: .vibration, sender: "edge-7")
        record.evidence += [
            Evidence(field: "intent.diagnosis.fault", method: "envelope_spectrum", text: "BPFO",
                     peak: SpectrumPeak(frequencyHz: 150.523, amplitude: Double(Float(1772.7544)), spectrum: "envelope"),
                     confidence: 0.975, detail: "expected 150.54 Hz; 689× the local background"),
            Evidence(field: "intent.lines[0].quantity", method: "number_word", audio: AudioSpan(start: 1.25, end: 1.9)),
            Evidence(field: "header.po_number", method: "template", box: ImageBox(page: 1, x: 10, y: 20, width: 300, height: 40)),
            Evidence(field: "intent.procedure", method: "graph", path: ["diagnosis:outer_race", "procedure:MNT-BRG-01"]),
        ]
        let direct = try JSONValue(encoding: record)
        #expect(direct == (try Self.throughText(record)))
        #expect(direct.description == (try Self.throughText(record)).description)
        #expect(try direct.decode(OrderRecord.self) == record)
    }

    @Test("A number JSON cannot hold is refused, at the same coding path as JSONEncoder refuses it", arguments: [Double.nan, .infinity, -.infinity])
    func nonFinite(_ value: Double) {
        struct Reading: Encodable { var value: Double }
        struct Series: Encodable { var readings: [Reading]; var floats: [String: [Float]] }
        func path(_ body: () throws -> Any) -> [String]? {
            do { _ = try body() } catch let EncodingError.invalidValue(_, context) { return context.codingPath.map(\.stringValue) } catch {}
            return nil
        }
        let nested = Series(readings: [Reading(value: 1), Reading(value: value)], floats: [:])
        #expect(path { try JSONValue(encoding: nested) } == ["readings", "Index 1", "value"])
        #expect(path { try JSONValue(encoding: nested) } == path { try Self.throughText(nested) })
        let floats = Series(readings: [], floats: ["x": [1, Float(value)]])
        #expect(path { try JSONValue(encoding: floats) } == path { try Self.throughText(floats) })
        #expect(path { try JSONValue(encoding: floats) } != nil)
    }
}
