import Foundation
import IntakeCore
import IntakeTestSupport
import Testing

/// docs/order.schema.json against what `intake` really emits and what the Swift contract types
/// can emit, checked with the small validator in Support/JSONSchemaValidator.swift.
@Suite("Order contract schema (docs/order.schema.json)")
struct OrderSchemaTests {
    static let schemaURL = IntakeBinary.packageFile("docs/order.schema.json")

    static func schemaObject() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL))
        return try #require(object as? [String: Any], "the schema is not a JSON object")
    }

    static func validator() throws -> JSONSchemaValidator {
        try JSONSchemaValidator(contentsOf: schemaURL)
    }

    static func jsonObject(of record: OrderRecord) throws -> [String: Any] {
        let data = try OrderRecordCoding.encoder().encode(record)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    // MARK: - The schema itself

    @Test("The schema uses only keywords the test validator implements, and every property has a description")
    func schemaIsSupportedAndDocumented() throws {
        _ = try Self.validator()  // throws on any unsupported keyword, bad pattern or dangling $ref

        var undocumented: [String] = []
        func walk(_ schema: Any, at location: String) {
            guard let schema = schema as? [String: Any] else { return }
            if let properties = schema["properties"] as? [String: Any] {
                for (name, property) in properties {
                    let here = "\(location)/properties/\(name)"
                    if ((property as? [String: Any])?["description"] as? String)?.isEmpty ?? true { undocumented.append(here) }
                    walk(property, at: here)
                }
            }
            for keyword in ["items", "if", "then", "else", "additionalProperties"] {
                if let child = schema[keyword] { walk(child, at: "\(location)/\(keyword)") }
            }
            for keyword in ["allOf", "anyOf", "oneOf"] {
                for (index, child) in ((schema[keyword] as? [Any]) ?? []).enumerated() { walk(child, at: "\(location)/\(keyword)/\(index)") }
            }
            for (name, definition) in (schema["$defs"] as? [String: Any]) ?? [:] {
                if ((definition as? [String: Any])?["description"] as? String)?.isEmpty ?? true { undocumented.append("\(location)/$defs/\(name)") }
                walk(definition, at: "\(location)/$defs/\(name)")
            }
        }
        walk(try Self.schemaObject(), at: "#")
        #expect(undocumented.isEmpty, "properties without a description: \(undocumented.sorted())")
    }

    @Test("The validator refuses a schema that uses a keyword it does not implement")
    func validatorRefusesUnknownKeywords() {
        let unsupported: [(String, [String: Any])] = [
            ("unknown keyword at the root", ["type": "object", "propertyNames": ["pattern": "^a"]]),
            ("unknown keyword deep inside", ["properties": ["a": ["items": ["contains": ["type": "string"]]]]]),
            ("unknown keyword in $defs", ["$defs": ["x": ["dependentRequired": [:] as [String: Any]]]]),
            ("unsupported $ref form", ["$ref": "#/definitions/x"]),
            ("dangling $ref", ["$ref": "#/$defs/missing"]),
            ("unknown format", ["type": "string", "format": "email"]),
            ("misspelt type", ["type": "int"]),
            ("then without if", ["then": ["required": ["a"]]]),
        ]
        for (label, schema) in unsupported {
            #expect(throws: JSONSchemaValidator.SchemaError.self, "\(label) must be refused") {
                try JSONSchemaValidator(schema: schema)
            }
        }
    }

    @Test("The schema's enums are exactly the cases of the Swift contract types")
    func enumsMatchSwiftTypes() throws {
        let schema = try Self.schemaObject()
        let properties = try #require(schema["properties"] as? [String: Any])
        let defs = try #require(schema["$defs"] as? [String: Any])
        func enumValues(_ object: Any?, _ key: String) -> Set<String> {
            let property = ((object as? [String: Any])?["properties"] as? [String: Any])?[key] as? [String: Any]
            return Set((property?["enum"] as? [String]) ?? [])
        }
        #expect(Set(((properties["status"] as? [String: Any])?["enum"] as? [String]) ?? []) == Set(OrderStatus.allCases.map(\.rawValue)))
        #expect(enumValues(defs["intent"], "type") == Set(IntentType.allCases.map(\.rawValue)))
        #expect(enumValues(defs["party"], "kind") == Set([Party.Kind.store, .customer, .supplier, .device].map(\.rawValue)))
        #expect(enumValues(defs["source"], "modality") == Set([Modality.text, .voice, .document, .vibration].map(\.rawValue)))
    }

    // MARK: - What the Swift types can emit

    /// A record with every optional field set, including the voice, document and vibration locators.
    static func fullyPopulatedRecord(status: OrderStatus = .pendingReview, modality: Modality = .voice) -> OrderRecord {
        var record = OrderRecord(
            id: "ord_0123456789abcdef01234567", status: status,
            source: OrderSource(
                modality: modality, uri: "/inbox/report.wav", sha256: String(repeating: "ab", count: 32), bytes: 4096, sender: "courier-app"),
            pipeline: "default", createdAt: Date(timeIntervalSince1970: 1_767_225_600.25),
            intent: OrderIntent(
                type: .repair, party: Party(kind: .device, id: "P101", name: "pump P101", site: "plant-1"), reference: "PO-2025-0042",
                lines: [OrderLine(
                    sku: "MRO-3001", name: "Mechanical Seal", text: "two and a half kilos of seal", quantity: 2.5, unit: "kg",
                    unitPrice: 12.75, amount: 31.875, modifiers: ["urgent"], handling: ["hazmat"], confidence: 0.82)],
                notes: ["call before delivery"],
                procedure: ProcedureRef(code: "Q/SP-2025-03", title: "Pump seal replacement", priority: "high"),
                diagnosis: Diagnosis(fault: "outer_race", confidence: 0.9, isoZone: "B", velocityRMSmmPerSecond: 2.1, rpm: 2950),
                confidence: 0.82),
            evidence: [Evidence(
                field: "intent.lines[0].sku", method: "phonetic", text: "seal", span: TextSpan(start: 0, end: 4),
                audio: AudioSpan(start: 1.5, end: 2.25), box: ImageBox(page: 1, x: 10, y: 20, width: 300, height: 40),
                peak: SpectrumPeak(frequencyHz: 49.8, amplitude: 0.31, spectrum: "velocity"),
                path: ["device:P101", "symptom:seal_leak"], confidence: 0.9, detail: "matched \"Mechanical Seal\"")],
            error: OrderError(code: "timeout", message: "took too long", stage: "align"))
        record.sandbox = "voice/courier-app"
        return record
    }

    @Test("A record with every optional field the Swift types can emit validates, and every key it has is declared")
    func fullyPopulatedRecordValidates() throws {
        let validator = try Self.validator()
        let record = try Self.jsonObject(of: Self.fullyPopulatedRecord())
        let errors = validator.validate(record)
        #expect(errors.isEmpty, "\(errors)")

        // Every emitted key is declared under `properties`: the schema documents the whole contract.
        let schema = try Self.schemaObject()
        let defs = try #require(schema["$defs"] as? [String: Any])
        func undeclared(_ value: Any, _ schema: [String: Any], at path: String) -> [String] {
            var schema = schema
            if let reference = schema["$ref"] as? String, let target = defs[String(reference.dropFirst("#/$defs/".count))] as? [String: Any] {
                schema = target
            }
            if let object = value as? [String: Any] {
                let properties = (schema["properties"] as? [String: Any]) ?? [:]
                return object.flatMap { key, child -> [String] in
                    guard let property = properties[key] as? [String: Any] else { return ["\(path).\(key)"] }
                    return undeclared(child, property, at: "\(path).\(key)")
                }
            }
            if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
                return array.enumerated().flatMap { undeclared($1, items, at: "\(path)[\($0)]") }
            }
            return []
        }
        let missing = undeclared(record, schema, at: "$")
        #expect(missing.isEmpty, "keys the Swift types emit but the schema does not declare: \(missing.sorted())")
        // And the optional locators really were emitted (so the check above covered them).
        let evidence = try #require((record["evidence"] as? [[String: Any]])?.first)
        #expect(Set(evidence.keys).isSuperset(of: ["span", "audio", "box", "peak", "path", "confidence", "detail"]))
    }

    @Test("Records of every status, modality and intent type the Swift types allow validate")
    func everyEnumCaseValidates() throws {
        let validator = try Self.validator()
        let modalities: [Modality] = [.text, .voice, .document, .vibration]
        for (index, status) in OrderStatus.allCases.enumerated() {
            var record = Self.fullyPopulatedRecord(status: status, modality: modalities[index % modalities.count])
            if status == .failed { record.intent = .none; record.evidence = [] }
            let errors = validator.validate(try Self.jsonObject(of: record))
            #expect(errors.isEmpty, "status \(status.rawValue): \(errors)")
        }
        for type in IntentType.allCases {
            var record = Self.fullyPopulatedRecord()
            record.intent.type = type
            record.source.modality = nil  // an unrecognised input has no modality
            let errors = validator.validate(try Self.jsonObject(of: record))
            #expect(errors.isEmpty, "intent type \(type.rawValue): \(errors)")
        }
    }

    // MARK: - What intake really emits

    @Test("Every record intake emits for samples/messages validates against the schema")
    func sampleRecordsValidate() throws {
        let validator = try Self.validator()
        let run = try SharedRuns.samples.get()
        #expect(run.status == 0, "\(run)")
        let records = try run.jsonObjects()
        try #require(!records.isEmpty, "intake emitted no records for samples/messages: \(run)")
        for record in records {
            let errors = validator.validate(record)
            #expect(errors.isEmpty, "record \(record["id"] ?? "?") from \((record["source"] as? [String: Any])?["uri"] ?? "?"): \(errors)")
        }
    }

    @Test("Every record intake emits for samples/vibration (diagnoses, repair orders, no_action, failures) validates")
    func vibrationRecordsValidate() throws {
        let validator = try Self.validator()
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try IntakeBinary.run([
            "process", "--quiet", "--no-events", "--db", folder.appendingPathComponent("intake.db").path, "samples/vibration",
        ])
        #expect(run.status == 0, "\(run)")
        let records = try run.jsonObjects()
        #expect(records.count == 10, "\(run)")
        for record in records {
            let errors = validator.validate(record)
            #expect(errors.isEmpty, "record from \((record["source"] as? [String: Any])?["uri"] ?? "?"): \(errors)")
        }
        func record(_ file: String) -> [String: Any]? {
            records.first { (($0["source"] as? [String: Any])?["uri"] as? String)?.hasSuffix(file) == true }
        }
        let healthy = try #require(record("p102-healthy.json"))
        #expect(healthy["status"] as? String == "no_action")
        let outer = try #require(record("p101-outer-race.json"))
        let intent = try #require(outer["intent"] as? [String: Any])
        #expect((intent["diagnosis"] as? [String: Any])?["fault"] as? String == "outer_race")
        #expect(outer["sandbox"] as? String == "vibration/plant-1")
        #expect((record("bad-unknown-device.json")?["error"] as? [String: Any])?["code"] as? String == "unknown_device")
        #expect((record("bad-truncated-payload.json")?["error"] as? [String: Any])?["code"] as? String == "malformed_alert")
    }

    @Test("The validator rejects a broken record and names the path of each problem")
    func brokenRecordIsRejected() throws {
        let validator = try Self.validator()
        var record = try Self.jsonObject(of: Self.fullyPopulatedRecord())
        #expect(validator.validate(record).isEmpty, "the unbroken record must be valid")

        record["status"] = "bogus"
        record["id"] = nil
        record["contract_version"] = 2
        var source = try #require(record["source"] as? [String: Any])
        source["sha256"] = "ABC"
        source["modality"] = "smell"
        // A JSON `true` as JSONSerialization gives it (an NSNumber) is a boolean, not an integer.
        source["bytes"] = try #require((try JSONSerialization.jsonObject(with: Data("[true]".utf8)) as? [Any])?.first)
        record["source"] = source
        var intent = try #require(record["intent"] as? [String: Any])
        intent["confidence"] = 1.5
        var lines = try #require(intent["lines"] as? [[String: Any]])
        lines[0]["quantity"] = "three"
        lines[0]["handling"] = nil
        intent["lines"] = lines
        var party = try #require(intent["party"] as? [String: Any])
        party["kind"] = "robot"
        intent["party"] = party
        record["intent"] = intent
        var evidence = try #require(record["evidence"] as? [[String: Any]])
        evidence[0]["span"] = ["start": 1.5, "end": 3]
        record["evidence"] = evidence

        let errors = validator.validate(record)
        let expectedPaths = [
            "$: missing required property \"id\"", "$.status:", "$.contract_version:", "$.source.sha256:",
            "$.source.modality:", "$.source.bytes: expected integer, got boolean", "$.intent.confidence:", "$.intent.lines[0].quantity:",
            "$.intent.lines[0]: missing required property \"handling\"", "$.intent.party.kind:",
            "$.evidence[0].span.start:",
        ]
        for expected in expectedPaths {
            #expect(errors.contains { $0.hasPrefix(expected) }, "no error starting with \(expected) in \(errors)")
        }
        #expect(errors.count == expectedPaths.count, "\(errors)")
    }

    @Test("A failed record from a corrupt input validates and carries error.code; without its error it is rejected")
    func failedRecordValidates() throws {
        let validator = try Self.validator()
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let corrupt = folder.appendingPathComponent("corrupt.bin")
        try Data([0x00, 0xFF, 0xFE, 0x00, 0x01, 0x02, 0x80, 0x81, 0xC3, 0x28]).write(to: corrupt)

        let run = try IntakeBinary.run(["process", "--quiet", "--no-events", "--db", folder.appendingPathComponent("intake.db").path, corrupt.path])
        #expect(run.status == 0, "\(run)")
        let records = try run.jsonObjects()
        try #require(records.count == 1, "\(run)")
        var record = records[0]
        #expect(record["status"] as? String == "failed")
        let error = try #require(record["error"] as? [String: Any], "a failed record must carry error: \(run)")
        let code = try #require(error["code"] as? String)
        #expect(!code.isEmpty)
        #expect(!((error["message"] as? String) ?? "").isEmpty)
        let errors = validator.validate(record)
        #expect(errors.isEmpty, "\(errors)")

        record["error"] = nil
        #expect(validator.validate(record).contains { $0.hasPrefix("$: missing required property \"error\"") },
                "the schema must require error on failed records")
    }
}
