import Foundation
import Logging

/// The stages and sniffers a program offers by name; a pipeline file picks from them.
///
/// The composition root (the `intake` executable) registers each modality's stages, so the
/// core knows none of them:
/// ```swift
/// var registry = StageRegistry()
/// registry.register("text.decode") { options in try TextDecodeStage(options: options) }
/// registry.register(sniffer: PlainTextSniffer(), for: .text)
/// let pipeline = try registry.makePipeline(configuration, sink: sink, deadLetters: store)
/// ```
public struct StageRegistry: Sendable {
    public typealias Factory = @Sendable (_ options: ConfigNode) throws -> AnyStage

    private var factories: [String: Factory] = [:]
    private var sniffers: [Modality: any ContentSniffer] = [:]

    public init() {}

    public var stageNames: [String] { factories.keys.sorted() }
    public var modalities: [Modality] { sniffers.keys.sorted { $0.rawValue < $1.rawValue } }

    public mutating func register<S: Stage>(_ name: String, _ make: @escaping @Sendable (_ options: ConfigNode) throws -> S) {
        factories[name] = { options in AnyStage(try make(options), name: name) }
    }

    public mutating func register(sniffer: any ContentSniffer, for modality: Modality) {
        sniffers[modality] = sniffer
    }

    /// Builds every stage the configuration names and checks that each route chains from
    /// `Data` to `OrderRecord`. Errors point at the offending line of the pipeline file.
    public func routes(for configuration: PipelineConfiguration) throws -> [Route] {
        try configuration.routes.map { route in
            guard let sniffer = sniffers[route.modality] else {
                throw ConfigurationError(
                    file: configuration.file, line: route.line, key: "modality",
                    reason: "no modality \(route.modality) in this build; known: \(modalities.map(\.rawValue).joined(separator: ", "))")
            }
            let stages = try route.stages.map { stage in
                guard let factory = factories[stage.uses] else {
                    throw stage.node.error("unknown stage \(stage.uses); known: \(stageNames.joined(separator: ", "))", key: "uses")
                }
                return (stage: try factory(stage.options), settings: stage.settings)
            }
            return Route(modality: route.modality, sniffer: sniffer, stages: stages)
        }
    }

    /// Builds a runnable pipeline from a configuration.
    public func makePipeline(
        _ configuration: PipelineConfiguration, sink: any OrderSink, deadLetters: any DeadLetterStore,
        lookup: (any OrderLookup)? = nil, sinkRetry: Duration? = nil, logger: Logger = Logger(label: "intake.pipeline")
    ) throws -> Pipeline {
        let routes = try routes(for: configuration)
        do {
            return try Pipeline(
                name: configuration.name, routes: routes, sink: sink, deadLetters: deadLetters, lookup: lookup,
                sinkBuffer: configuration.sinkBuffer, sinkRetry: sinkRetry, logger: logger)
        } catch let error as PipelineError {
            throw ConfigurationError(file: configuration.file, key: "routes", reason: error.description)
        }
    }
}
