import Foundation
import IntakeCore
import Testing

@Suite struct PipelineConfigurationTests {
    let directory = URL(fileURLWithPath: "/srv/intake/pipelines")

    func parse(_ yaml: String) throws -> PipelineConfiguration {
        try PipelineConfiguration.parse(yaml, file: "test.yaml", directory: directory)
    }

    @Test func readsRoutesStagesSettingsAndRelativePaths() throws {
        let configuration = try parse("""
            name: demo
            master:
              materials: ../data/materials.csv
            defaults: { concurrency: 2, buffer: 8, timeout: 1500ms }
            routes:
              - modality: text
                stages:
                  - uses: text.decode
                  - uses: align
                    concurrency: 4
                    timeout: 2m
                    options: { min_score: 0.7 }
                  - uses: record
            """)
        #expect(configuration.name == "demo")
        #expect(configuration.materials?.path == "/srv/intake/data/materials.csv")
        let stages = try #require(configuration.routes.first?.stages)
        #expect(stages.map(\.uses) == ["text.decode", "align", "record"])
        #expect(stages[0].settings == StageSettings(concurrency: 2, buffer: 8, timeout: 1.5))
        #expect(stages[1].settings == StageSettings(concurrency: 4, buffer: 8, timeout: 120))
        #expect(try stages[1].options.double("min_score", default: 0) == 0.7)
    }

    @Test func anUnknownKeyIsReportedWithFileLineAndKeyPath() throws {
        let yaml = """
            name: demo
            routes:
              - modality: text
                stages:
                  - uses: record
                    concurency: 2
            """
        let error = try #require(throws: ConfigurationError.self) { try parse(yaml) }
        #expect(error.file == "test.yaml")
        #expect(error.line == 6)
        #expect(error.key == "routes[0].stages[0].concurency")
        #expect(error.description.hasPrefix("test.yaml:6: routes[0].stages[0].concurency: unknown key"))
    }

    @Test func badValuesNameTheirKey() throws {
        let badDuration = try #require(throws: ConfigurationError.self) {
            try parse("name: demo\ndefaults:\n  timeout: soon\nroutes:\n  - modality: text\n    stages: [{uses: record}]\n")
        }
        #expect(badDuration.line == 3)
        #expect(badDuration.key == "defaults.timeout")

        let badConcurrency = try #require(throws: ConfigurationError.self) {
            try parse("name: demo\nroutes:\n  - modality: text\n    stages:\n      - uses: record\n        concurrency: 0\n")
        }
        #expect(badConcurrency.key == "routes[0].stages[0].concurrency")

        let missingRoutes = try #require(throws: ConfigurationError.self) { try parse("name: demo\n") }
        #expect(missingRoutes.key == "routes")

        let twice = try #require(throws: ConfigurationError.self) {
            try parse("name: demo\nroutes:\n  - {modality: text, stages: [{uses: record}]}\n  - {modality: text, stages: [{uses: record}]}\n")
        }
        #expect(twice.reason.contains("defined twice"))
    }

    @Test func invalidYAMLIsReportedWithItsLine() throws {
        let error = try #require(throws: ConfigurationError.self) { try parse("name: demo\nroutes: [\n  - oops: : :\n") }
        #expect(error.line != nil)
        #expect(error.reason.hasPrefix("not valid YAML"))
    }

    @Test func theRegistryRejectsUnknownStagesAndModalities() throws {
        var registry = StageRegistry()
        registry.register(sniffer: AcceptAll(), for: .text)
        registry.register("record") { _ in RecordStage(pipeline: "demo") }
        let unknownStage = try parse("name: demo\nroutes:\n  - modality: text\n    stages:\n      - uses: transcribe\n")
        let stageError = try #require(throws: ConfigurationError.self) { try registry.routes(for: unknownStage) }
        #expect(stageError.line == 5)
        #expect(stageError.reason.contains("unknown stage transcribe; known: record"))

        let unknownModality = try parse("name: demo\nroutes:\n  - modality: smell\n    stages: [{uses: record}]\n")
        let modalityError = try #require(throws: ConfigurationError.self) { try registry.routes(for: unknownModality) }
        #expect(modalityError.reason.contains("no modality smell"))
    }
}
