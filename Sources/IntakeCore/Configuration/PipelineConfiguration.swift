import Foundation
import Yams

/// A pipeline file (`pipelines/*.yaml`): where inputs and master data are, which routes exist
/// (one per modality, tried in order when sniffing), and how each stage runs.
///
/// ```yaml
/// name: default
/// master:
///   materials: ../samples/master/materials.csv   # paths are relative to this file
///   devices: ../samples/master/devices.csv
///   graph: ../models/intent-graph.yaml
/// defaults: { concurrency: 1, buffer: 16, timeout: 60s }
/// routes:
///   - modality: text
///     stages:
///       - uses: text.decode
///       - uses: align
///         concurrency: 2
///         options: { min_score: 0.62 }
///       - uses: record
/// ```
public struct PipelineConfiguration: Sendable {
    public var name: String
    public var file: String
    public var materials: URL?
    public var devices: URL?
    public var graph: URL?
    public var maintenance: URL?
    /// Inputs used when the command line names none.
    public var inputs: [String]
    public var defaults: StageSettings
    public var sinkBuffer: Int
    /// The order store (`store.path`); nil: the command line decides.
    public var storePath: URL?
    /// A PostgreSQL store shared by many workers (`store.url`, `postgres://…`); wins over `store.path`.
    public var storeURL: String?
    /// Seconds a write waits for a lock held by another process before failing (`store.busy_timeout`).
    public var storeBusyTimeout: Double = 5
    /// Seconds an outbox event is kept once every event sink has had it (`store.outbox_retention`,
    /// 30 days); nil keeps them all. The outbox holds each change's full state, as much again
    /// as the orders, so without a limit it grows as fast as they do.
    public var outboxRetention: Double? = 30 * 86_400
    /// The `review:` section (sandbox policy), read by the review queue.
    public var review: ConfigNode?
    /// The `events:` section (outbox delivery sinks), read by the outbox relay.
    public var events: ConfigNode?
    /// The `server:` section (address, limits, watch folders), read by `intake serve`.
    public var server: ConfigNode?
    public var routes: [RouteConfiguration]

    public struct RouteConfiguration: Sendable {
        public var modality: Modality
        public var line: Int?
        public var stages: [StageConfiguration]
    }

    public struct StageConfiguration: Sendable {
        public var uses: String
        public var settings: StageSettings
        public var options: ConfigNode
        public var node: ConfigNode
    }

    /// Loads and validates a pipeline file; errors name the file, line and key.
    public static func load(_ url: URL) throws -> PipelineConfiguration {
        try PipelineConfiguration(root: ConfigNode.load(url), directory: url.deletingLastPathComponent())
    }

    public static func parse(_ text: String, file: String, directory: URL) throws -> PipelineConfiguration {
        try PipelineConfiguration(root: ConfigNode.parse(text, file: file), directory: directory)
    }

    init(root: ConfigNode, directory: URL) throws {
        try root.allowOnly(["name", "version", "description", "master", "inputs", "defaults", "sink", "store", "review", "events", "server", "routes"])
        if let version = try root.optional("version"), try version.intValue() != 1 {
            throw version.error("this intake reads pipeline version 1")
        }
        file = root.file
        name = try root.string("name")
        guard name.range(of: #"^[A-Za-z0-9._-]+$"#, options: .regularExpression) != nil else {
            throw try root.required("name").error("use letters, digits, '.', '_' or '-' only")
        }
        func path(_ node: ConfigNode?) throws -> URL? {
            guard let node else { return nil }
            let text = try node.stringValue()
            return text.hasPrefix("/") ? URL(fileURLWithPath: text) : directory.appendingPathComponent(text).standardizedFileURL
        }
        if let master = try root.optional("master") {
            try master.allowOnly(["materials", "devices", "graph", "maintenance"])
            materials = try path(master.optional("materials"))
            devices = try path(master.optional("devices"))
            graph = try path(master.optional("graph"))
            maintenance = try path(master.optional("maintenance"))
        }
        inputs = try root.stringList("inputs").map { $0.hasPrefix("/") || $0 == "-" ? $0 : directory.appendingPathComponent($0).path }

        var defaults = StageSettings()
        if let node = try root.optional("defaults") {
            try node.allowOnly(["concurrency", "buffer", "timeout"])
            defaults = try Self.settings(node, inheriting: defaults)
        }
        self.defaults = defaults

        sinkBuffer = 64
        if let sink = try root.optional("sink") {
            try sink.allowOnly(["buffer"])
            sinkBuffer = try sink.int("buffer", default: 64, in: 1...100_000)
        }
        if let store = try root.optional("store") {
            try store.allowOnly(["path", "url", "busy_timeout", "outbox_retention"])
            storePath = try path(store.optional("path"))
            storeURL = try store.optional("url")?.stringValue()
            if let timeout = try store.optional("busy_timeout") { storeBusyTimeout = try timeout.durationValue() }
            if let retention = try store.optional("outbox_retention") {
                outboxRetention = try retention.stringValue().lowercased() == "none" ? nil : try retention.durationValue()
            }
        }
        review = try root.optional("review")
        events = try root.optional("events")
        server = try root.optional("server")

        routes = []
        var seen: Set<Modality> = []
        for route in try root.required("routes").elements() {
            try route.allowOnly(["modality", "stages"])
            let modality = Modality(try route.string("modality"))
            guard seen.insert(modality).inserted else {
                throw try route.required("modality").error("route for \(modality) is defined twice")
            }
            var stages: [StageConfiguration] = []
            for stage in try route.required("stages").elements() {
                try stage.allowOnly(["uses", "concurrency", "buffer", "timeout", "options"])
                let options = try stage.optional("options") ?? ConfigNode.empty(file: root.file, path: "\(stage.path).options")
                if !options.isMapping { throw options.error("expected a mapping of option names to values") }
                stages.append(StageConfiguration(
                    uses: try stage.string("uses"), settings: try Self.settings(stage, inheriting: defaults),
                    options: options, node: stage))
            }
            if stages.isEmpty { throw try route.required("stages").error("a route needs at least one stage") }
            routes.append(RouteConfiguration(modality: modality, line: route.line, stages: stages))
        }
        if routes.isEmpty { throw try root.required("routes").error("a pipeline needs at least one route") }
    }

    private static func settings(_ node: ConfigNode, inheriting defaults: StageSettings) throws -> StageSettings {
        var timeout = defaults.timeout
        if let value = try node.optional("timeout") {
            let seconds = try value.durationValue()
            timeout = seconds > 0 ? seconds : nil
        }
        return StageSettings(
            concurrency: try node.int("concurrency", default: defaults.concurrency, in: 1...256),
            buffer: try node.int("buffer", default: defaults.buffer, in: 1...100_000),
            timeout: timeout)
    }
}

extension PipelineConfiguration {
    /// Sets every stage's worker count (the command line's `--jobs`).
    public mutating func setConcurrency(_ workers: Int) {
        for r in routes.indices {
            for s in routes[r].stages.indices { routes[r].stages[s].settings.concurrency = workers }
        }
    }
}
