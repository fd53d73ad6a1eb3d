import Foundation
import IntakeCore

/// The `server:` section of a pipeline file. Every value has a default, so the section is optional.
///
/// ```yaml
/// server:
///   host: 127.0.0.1
///   port: 8080
///   data: ../intake-data/server   # uploads in flight (spool), kept inputs; nothing outside it is served
///   keep_inputs: true             # keep each input's bytes for the review page (audio, scans)
///   inputs_retention:             # kept inputs are removed oldest first past either limit (none: no limit)
///     max_age: 30d                # ...but not while their order waits for review
///     max_size: 20GB              # all kept inputs together; disk space wins over review
///   request_timeout: 30s          # a connection silent this long mid-request (stalled upload) is closed
///   upload_timeout: 10m           # a body still arriving after this is refused (408), however steadily it trickles
///   limits:                       # largest body per endpoint (413 above it)
///     alerts: 16MB
///     audio: 64MB
///     documents: 128MB
///     messages: 64KB
///     json: 1MB                   # review and admin requests
///   rate_limit:                   # per token: sustained requests per second, and burst (429 above)
///     per_second: 400
///     burst: 800
///   watch: [../intake-data/inbox] # folders whose new files are processed once, then moved to done/ or failed/
///   watch_interval: 1s
/// ```
public struct ServerConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var dataFolder: URL
    public var keepInputs = true
    /// How long and how much the kept inputs may grow (`inputs/`).
    public var inputRetention = InputRetentionLimits()
    public var requestTimeout: Double = 30
    /// Seconds a whole request body may take. The idle timeout alone lets a client that sends a
    /// byte every few seconds hold a connection and a spool file forever.
    public var uploadTimeout: Double = 600
    public var limits = BodyLimits()
    public var ratePerSecond: Double = 400
    public var rateBurst: Double = 800
    public var watchFolders: [URL] = []
    public var watchInterval: Double = 1

    /// Largest request body, in bytes, per kind of request.
    public struct BodyLimits: Sendable, Equatable {
        public var alerts = 16 << 20
        public var audio = 64 << 20
        public var documents = 128 << 20
        public var messages = 64 << 10
        public var json = 1 << 20
    }

    /// Limits on the kept inputs; nil: no limit of that kind.
    public struct InputRetentionLimits: Sendable, Equatable {
        public var maxAge: Double? = 30 * 86_400
        public var maxBytes: Int? = 20 << 30
    }

    public init(dataFolder: URL) {
        self.dataFolder = dataFolder
    }

    /// Reads `node` (the `server:` section); relative paths are relative to `directory`.
    public init(node: ConfigNode?, directory: URL, defaultDataFolder: URL) throws {
        self.init(dataFolder: defaultDataFolder)
        guard let node else { return }
        try node.allowOnly(["host", "port", "data", "keep_inputs", "inputs_retention", "request_timeout", "upload_timeout", "limits", "rate_limit", "watch", "watch_interval"])
        func path(_ text: String) -> URL {
            text.hasPrefix("/") ? URL(fileURLWithPath: text) : directory.appendingPathComponent(text).standardizedFileURL
        }
        host = try node.string("host", default: host)
        port = try node.int("port", default: port, in: 0...65535)
        if let data = try node.optionalString("data") { dataFolder = path(data) }
        keepInputs = try node.bool("keep_inputs", default: keepInputs)
        if let retention = try node.optional("inputs_retention") {
            try retention.allowOnly(["max_age", "max_size"])
            func unlimited(_ value: ConfigNode) throws -> Bool { try value.stringValue().lowercased() == "none" }
            if let value = try retention.optional("max_age") {
                inputRetention.maxAge = try unlimited(value) ? nil : try value.durationValue()
            }
            if let value = try retention.optional("max_size") {
                inputRetention.maxBytes = try unlimited(value) ? nil : try value.byteSizeValue()
            }
        }
        if let timeout = try node.optional("request_timeout") {
            requestTimeout = try timeout.durationValue()
            if requestTimeout <= 0 { throw timeout.error("a request timeout must be longer than 0s") }
        }
        if let timeout = try node.optional("upload_timeout") {
            uploadTimeout = try timeout.durationValue()
            if uploadTimeout <= 0 { throw timeout.error("an upload timeout must be longer than 0s") }
        }
        if let limits = try node.optional("limits") {
            try limits.allowOnly(["alerts", "audio", "documents", "messages", "json"])
            if let value = try limits.optional("alerts") { self.limits.alerts = try value.byteSizeValue() }
            if let value = try limits.optional("audio") { self.limits.audio = try value.byteSizeValue() }
            if let value = try limits.optional("documents") { self.limits.documents = try value.byteSizeValue() }
            if let value = try limits.optional("messages") { self.limits.messages = try value.byteSizeValue() }
            if let value = try limits.optional("json") { self.limits.json = try value.byteSizeValue() }
        }
        if let rate = try node.optional("rate_limit") {
            try rate.allowOnly(["per_second", "burst"])
            ratePerSecond = try rate.double("per_second", default: ratePerSecond, in: 0.001...1_000_000)
            rateBurst = try rate.double("burst", default: max(rateBurst, ratePerSecond), in: 1...10_000_000)
        }
        watchFolders = try node.stringList("watch").map(path)
        if let interval = try node.optional("watch_interval") {
            watchInterval = try interval.durationValue()
            if watchInterval < 0.05 { throw interval.error("poll at most every 50ms") }
        }
    }
}
