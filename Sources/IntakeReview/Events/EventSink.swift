import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IntakeCore

/// Somewhere outbox events are delivered. `deliver` returns only when the event is durably
/// accepted, and throws otherwise (the relay retries it).
public protocol EventSink: Sendable {
    /// A stable name: the relay's delivery cursor is kept under it.
    var name: String { get }
    /// Attempts before an event is given up on and recorded as a failed delivery.
    var maxAttempts: Int { get }
    /// Wait before the first retry; doubled after each further failure.
    var backoff: Double { get }
    func deliver(_ event: CloudEvent) throws
    /// Delivers `events` in order and stops at the first that fails: how many were delivered,
    /// and the error that stopped it (nil when all were). The relay hands a sink every due
    /// event at once, so a sink that can make many durable together does (one write and one
    /// fsync for a file); the default delivers them one by one.
    func deliver(_ events: [CloudEvent]) -> (delivered: Int, error: (any Error)?)
}

extension EventSink {
    public func deliver(_ events: [CloudEvent]) -> (delivered: Int, error: (any Error)?) {
        for (index, event) in events.enumerated() {
            do { try deliver(event) } catch { return (index, error) }
        }
        return (events.count, nil)
    }
}

/// Appends each event as one line of JSON to a file, fsync'ed: a relay pass's events in one
/// write and one fsync (an open and an fsync per event were 6% of a busy server's CPU).
public struct JSONLinesEventSink: EventSink {
    public let name: String
    public let url: URL
    public let maxAttempts: Int
    public let backoff: Double

    public init(name: String, url: URL, maxAttempts: Int = 5, backoff: Double = 1) {
        self.name = name
        self.url = url
        self.maxAttempts = maxAttempts
        self.backoff = backoff
    }

    public func deliver(_ event: CloudEvent) throws {
        if let error = deliver([event]).error { throw error }
    }

    /// All or nothing: a failed write or fsync counts none as delivered, so the relay writes
    /// them again (at least once; consumers dedupe by event `id`).
    public func deliver(_ events: [CloudEvent]) -> (delivered: Int, error: (any Error)?) {
        guard !events.isEmpty else { return (0, nil) }
        do {
            if !FileManager.default.fileExists(atPath: url.path) {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            var lines = Data()
            for event in events { lines.append(event.jsonLine()) }
            try handle.write(contentsOf: lines)
            try handle.synchronize()
            return (events.count, nil)
        } catch {
            return (0, error)
        }
    }
}

/// POSTs each event to a URL in CloudEvents structured mode
/// (`Content-Type: application/cloudevents+json`); any 2xx answer is a delivery.
public struct WebhookEventSink: EventSink {
    public let name: String
    public let url: URL
    public let maxAttempts: Int
    public let backoff: Double
    public let timeout: Double

    public init(name: String, url: URL, maxAttempts: Int = 5, backoff: Double = 1, timeout: Double = 10) {
        self.name = name
        self.url = url
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.timeout = timeout
    }

    public func deliver(_ event: CloudEvent) throws {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/cloudevents+json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.httpBody = event.jsonLine()
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, response, error in
            if let error {
                outcome.set(.failure(EventDeliveryError(reason: error.localizedDescription)))
            } else if let status = (response as? HTTPURLResponse)?.statusCode, !(200..<300).contains(status) {
                outcome.set(.failure(EventDeliveryError(reason: "\(url.absoluteString) answered HTTP \(status)")))
            } else {
                outcome.set(.success(()))
            }
            done.signal()
        }.resume()
        done.wait()
        try outcome.get().get()
    }

    /// The result handed from URLSession's callback thread to the waiting caller.
    private final class Outcome: @unchecked Sendable {
        // @unchecked: written once before `done.signal()`, read after `done.wait()`.
        private var result: Result<Void, any Error> = .failure(EventDeliveryError(reason: "no answer"))
        func set(_ result: Result<Void, any Error>) { self.result = result }
        func get() -> Result<Void, any Error> { result }
    }
}

public struct EventDeliveryError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// Reads the `events:` section of a pipeline file into sinks.
///
/// ```yaml
/// events:
///   - name: audit-file
///     type: jsonl
///     path: ../intake-data/events.jsonl   # relative to the pipeline file
///   - name: erp
///     type: webhook
///     url: https://erp.example.com/intake/events
///     max_attempts: 5                     # then the event is recorded as undeliverable
///     backoff: 2s                         # doubled after each failure
///     timeout: 10s
/// ```
public enum EventSinkConfiguration {
    public static func sinks(from node: ConfigNode?) throws -> [any EventSink] {
        guard let node else { return [] }
        let directory = URL(fileURLWithPath: node.file).deletingLastPathComponent()
        var names: Set<String> = []
        return try node.elements().map { entry in
            try entry.allowOnly(["name", "type", "path", "url", "max_attempts", "backoff", "timeout"])
            let type = try entry.string("type")
            let name = try entry.string("name", default: type)
            guard names.insert(name).inserted else { throw try entry.required("name").error("two event sinks are named \(name); names must differ") }
            let attempts = try entry.int("max_attempts", default: 5, in: 1...1000)
            let backoff = try entry.optional("backoff")?.durationValue() ?? 1
            switch type {
            case "jsonl":
                let path = try entry.string("path")
                let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path).standardizedFileURL
                return JSONLinesEventSink(name: name, url: url, maxAttempts: attempts, backoff: backoff)
            case "webhook":
                let text = try entry.string("url")
                guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
                    throw try entry.required("url").error("expected an http:// or https:// URL")
                }
                return WebhookEventSink(
                    name: name, url: url, maxAttempts: attempts, backoff: backoff,
                    timeout: try entry.optional("timeout")?.durationValue() ?? 10)
            default:
                throw try entry.required("type").error("unknown event sink type \(type); use jsonl or webhook")
            }
        }
    }
}
