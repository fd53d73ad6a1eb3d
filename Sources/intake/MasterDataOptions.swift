import ArgumentParser
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeVoice

/// `--pipeline`, `--materials`, `--devices`, `--graph`: which pipeline file and which master
/// data to use. Flags win over the pipeline file's `master:` paths.
struct MasterDataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Pipeline file.", valueName: "yaml"))
    var pipeline: String = "pipelines/default.yaml"

    @Option(name: .long, help: ArgumentHelp("Material master CSV (sku,name,aliases,unit,category,handling,…).", valueName: "csv"))
    var materials: String?

    @Option(name: .long, help: ArgumentHelp("Device registry CSV.", valueName: "csv"))
    var devices: String?

    @Option(name: .long, help: ArgumentHelp("Intent knowledge graph YAML.", valueName: "yaml"))
    var graph: String?

    @Option(name: .long, help: ArgumentHelp("Maintenance history CSV (device_id,date,action,parts,notes).", valueName: "csv"))
    var maintenance: String?

    func loadConfiguration() throws -> PipelineConfiguration {
        let url = URL(fileURLWithPath: pipeline)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ConfigurationError(file: pipeline, reason: "no such pipeline file; pass --pipeline FILE or run from the project folder")
        }
        return try PipelineConfiguration.load(url)
    }

    func loadMasterData(for configuration: PipelineConfiguration) throws -> MasterData {
        guard let materialsURL = materials.map(URL.init(fileURLWithPath:)) ?? configuration.materials else {
            throw ConfigurationError(
                file: configuration.file, key: "master.materials", reason: "no material master; set it here or pass --materials FILE")
        }
        return try MasterData.load(
            materials: materialsURL,
            devices: devices.map(URL.init(fileURLWithPath:)) ?? configuration.devices,
            graph: graph.map(URL.init(fileURLWithPath:)) ?? configuration.graph,
            maintenance: maintenance.map(URL.init(fileURLWithPath:)) ?? configuration.maintenance)
    }
}

extension MasterDataOptions {
    /// The pipeline's speech recogniser over its master data, with its `voice.recognize` options,
    /// as `intake process` builds it (`intake transcribe`, `intake adapt-voice`).
    func recognizeStage(_ configuration: PipelineConfiguration) throws -> RecognizeStage {
        let data = try loadMasterData(for: configuration)
        let options = configuration.routes.flatMap(\.stages).first { $0.uses == "voice.recognize" }?.options
        return try RecognizeStage(master: data, options: options ?? ConfigNode.empty(file: configuration.file))
    }
}
