import IntakeAlignment
import IntakeCore
import Testing

/// Bad master data fails fast, naming the file, the line and the reason.
@Suite struct MasterDataErrorTests {
    @Test func aMissingColumnIsNamed() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try MaterialMaster.parse("sku,name,aliases,category,handling\nA,B,,c,\n", file: "m.csv")
        }
        #expect(error.file == "m.csv")
        #expect(error.line == 1)
        #expect(error.key == "unit")
        #expect(error.reason.contains("missing column"))
    }

    @Test func aDuplicateSKUNamesBothLines() throws {
        let csv = "sku,name,aliases,unit,category,handling\nA-1,One,,each,x,\nA-2,Two,,each,x,\na-1,Again,,each,x,\n"
        let error = try #require(throws: ConfigurationError.self) { try MaterialMaster.parse(csv, file: "m.csv") }
        #expect(error.line == 4)
        #expect(error.key == "sku")
        #expect(error.reason == "duplicate SKU a-1 (first on line 2)")
    }

    @Test func anEmptyRequiredFieldAndARaggedRowAreReported() throws {
        let empty = try #require(throws: ConfigurationError.self) {
            try MaterialMaster.parse("sku,name,aliases,unit,category,handling\nA-1,,,each,x,\n", file: "m.csv")
        }
        #expect(empty.line == 2 && empty.key == "name")
        let ragged = try #require(throws: ConfigurationError.self) {
            try MaterialMaster.parse("sku,name,aliases,unit,category,handling\nA-1,One, two,each,x,,extra\n", file: "m.csv")
        }
        #expect(ragged.line == 2)
        #expect(ragged.reason.contains("expected 6 fields, found 7"))
        let price = try #require(throws: ConfigurationError.self) {
            try MaterialMaster.parse("sku,name,aliases,unit,category,handling,unit_price\nA-1,One,,each,x,,cheap\n", file: "m.csv")
        }
        #expect(price.key == "unit_price")
        let noRows = try #require(throws: ConfigurationError.self) {
            try MaterialMaster.parse("sku,name,aliases,unit,category,handling\n", file: "m.csv")
        }
        #expect(noRows.reason.contains("no materials"))
        let unclosed = try #require(throws: ConfigurationError.self) {
            try MaterialMaster.parse("sku,name,aliases,unit,category,handling\nA-1,\"One,,each,x,\n", file: "m.csv")
        }
        #expect(unclosed.reason.contains("never closed"))
    }

    @Test func quotedFieldsAndExtraColumnsAreKept() throws {
        let csv = "sku,name,aliases,unit,category,handling,colour\nA-1,\"Cup, \"\"large\"\"\",big cup|mug,each,x,fragile|hot,red\n"
        let master = try MaterialMaster.parse(csv, file: "m.csv")
        let material = try #require(master["a-1"])
        #expect(material.name == "Cup, \"large\"")
        #expect(material.aliases == ["big cup", "mug"])
        #expect(material.handling == ["fragile", "hot"])
        #expect(material.extra == ["colour": "red"])
    }

    @Test func deviceErrorsNameTheirLineAndColumn() throws {
        let header = DeviceRegistry.requiredColumns.joined(separator: ",")
        let duplicate = try #require(throws: ConfigurationError.self) {
            try DeviceRegistry.parse("\(header)\nP-1,pump,s,,,,,,,\np1,pump,s,,,,,,,\n", file: "d.csv")
        }
        #expect(duplicate.line == 3 && duplicate.reason.contains("duplicate device"))
        let partial = try #require(throws: ConfigurationError.self) {
            try DeviceRegistry.parse("\(header)\nP-1,pump,s,6205,9,,39,0,2950,2\n", file: "d.csv")
        }
        #expect(partial.key == "bearing_model" && partial.reason.contains("incomplete"))
        let badNumber = try #require(throws: ConfigurationError.self) {
            try DeviceRegistry.parse("\(header)\nP-1,pump,s,6205,nine,7.94,39,0,2950,2\n", file: "d.csv")
        }
        #expect(badNumber.key == "n_balls")
        let missing = try #require(throws: ConfigurationError.self) {
            try DeviceRegistry.parse("device_id,type,site\nP-1,pump,s\n", file: "d.csv")
        }
        #expect(missing.key == "bearing_model")
    }

    @Test func aTransformerNeedsNoBearingData() throws {
        let registry = try DeviceRegistry.parse(DemoMaster.devicesCSV, file: "d.csv")
        #expect(registry["t3"]?.bearing == nil)
        #expect(registry["p101"]?.bearing?.balls == 9)
        #expect(registry["P-101"]?.machineGroup == 2)
        #expect(registry["P-101"]?.extra["foundation"] == "rigid")
    }

    @Test func graphReferencesMustResolve() throws {
        let materials = try MaterialMaster.parse(DemoMaster.materialsCSV, file: "m.csv")
        func graphError(_ yaml: String) throws -> ConfigurationError {
            try #require(throws: ConfigurationError.self) { try IntentGraph.parse(yaml, file: "g.yaml", materials: materials) }
        }
        let unknownProcedure = try graphError("""
            procedures: []
            symptoms:
              - id: hot
                phrases: [running hot]
                procedure: NOPE-1
            """)
        #expect(unknownProcedure.line == 5)
        #expect(unknownProcedure.reason == "unknown procedure NOPE-1; define it under `procedures`")

        let unknownSKU = try graphError("""
            procedures:
              - code: P-1
                title: t
                order_type: repair
                parts:
                  - sku: NOPE-9
            """)
        #expect(unknownSKU.line == 6 && unknownSKU.reason.contains("unknown SKU NOPE-9"))

        let unknownAction = try graphError("""
            procedures:
              - code: P-1
                title: t
                order_type: repair
                forbids: [teleport]
            """)
        #expect(unknownAction.reason.contains("unknown action teleport"))

        let badType = try graphError("procedures:\n  - code: P-1\n    title: t\n    order_type: party\n")
        #expect(badType.key == "procedures[0].order_type")

        let emptyModifier = try graphError("modifiers:\n  - id: m\n    phrases: [x]\n")
        #expect(emptyModifier.reason.contains("needs `handling`, `note` or both"))

        let unknownKey = try graphError("procedures: []\nsymptom: []\n")
        #expect(unknownKey.line == 2 && unknownKey.key == "symptom")
    }
}
