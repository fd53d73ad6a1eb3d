import Foundation

import Logging
import Metrics

/// Delivers outbox events to each sink at least once, in order.
///
/// Each sink has a cursor (the last event delivered). An event that fails is retried with
/// exponential back-off; after the sink's `maxAttempts` it is recorded in `outbox_failures` and
/// the sink moves on, so one poisonous event cannot block the rest. A crash between delivery
/// and cursor update means the event is delivered again: consumers dedupe by event `id`.
///
/// An event every one of its sinks has had is removed from the outbox once it is older than
/// `retention`, unless a sink gave up on it. Only this relay's sinks count: a sink taken out of
/// the pipeline file keeps its cursor in the store, and must not hold every event for ever.
public final class OutboxRelay: Sendable {
    public let store: OrderStore
    public let sinks: [any EventSink]
    /// Seconds a delivered event stays in the outbox; nil: for ever.
    public let retention: Double?
    private let clock: @Sendable () -> Date
    private let logger: Logger

    public init(store: OrderStore, sinks: [any EventSink], retention: Double? = nil, clock: @escaping @Sendable () -> Date = { Date() },
                logger: Logger = Logger(label: "intake.outbox")) {
        self.store = store
        self.sinks = sinks
        self.retention = retention
        self.clock = clock
        self.logger = logger
    }

    /// Metric names (swift-metrics counters, dimension `sink`).
    public enum MetricNames {
        public static let delivered = "intake_outbox_delivered_total"
        public static let retries = "intake_outbox_retries_total"
        public static let undeliverable = "intake_outbox_undeliverable_total"
    }

    /// Events handed to a sink at once.
    static let batchSize = 256

    /// What one pass did, per sink.
    public struct Report: Codable, Sendable, Equatable {
        public var delivered = 0
        public var failed = 0
        /// Events still waiting (a sink is backing off or the pass hit its limit).
        public var pending = 0
    }

    /// Delivers what is due now, up to `limit` events per sink, and returns per-sink counts;
    /// then removes up to `removing` events past their retention (in one write, which holds up
    /// the pipeline's: 10,000 at once took about 0.4 s).
    @discardableResult
    public func deliverDue(limit: Int = 10_000, removing: Int = 2_000) throws -> [String: Report] {
        var reports: [String: Report] = [:]
        for sink in sinks { reports[sink.name] = try deliverDue(to: sink, limit: limit) }
        try removeDelivered(limit: removing)
        return reports
    }

    /// Removes up to `limit` of the oldest events every sink has had, written before `retention`
    /// ago (a bounded delete: a long backlog goes over several passes, not in one long write).
    func removeDelivered(limit: Int) throws {
        guard let retention, !sinks.isEmpty else { return }
        let cutoff = Timestamp.string(clock().addingTimeInterval(-retention))
        try store.write { db in
            var through = Int64.max
            for sink in sinks {
                // A sink that has no cursor yet has had nothing.
                let cursor = try db.value(Int64.self, sql: "SELECT delivered_through FROM outbox_cursors WHERE sink = ?", arguments: [sink.name])
                through = min(through, cursor ?? 0)
            }
            guard through > 0 else { return }
            // The newest event always stays: SQLite numbers a new row one past the largest left,
            // and a number given out again would sit behind every sink's cursor, never delivered.
            let newest = try db.value(Int64.self, sql: "SELECT MAX(seq) FROM outbox", arguments: []) ?? 0
            let last = min(through, newest - 1)
            guard last > 0 else { return }
            // Events are written in seq order, so the run to remove ends before the first one
            // inside the retention. Only `limit` are looked at: each one read costs its event
            // (the time is stored after it), and events from before times were kept have none.
            let candidates = try db.rows(
                sql: "SELECT seq, created_at FROM outbox WHERE seq <= ? AND seq NOT IN (SELECT seq FROM outbox_failures) ORDER BY seq LIMIT ?",
                arguments: [last, limit])
            var end: Int64?
            for row in candidates {
                if let at = row["created_at"] as String?, at >= cutoff { break }
                end = row["seq"] as Int64
            }
            guard let end else { return }
            try db.execute(
                sql: "DELETE FROM outbox WHERE seq <= ? AND seq NOT IN (SELECT seq FROM outbox_failures)", arguments: [end])
        }
    }

    /// Keeps delivering until `shouldStop` says so, polling every `interval` seconds.
    public func run(interval: Double = 1, shouldStop: @Sendable () -> Bool) {
        while !shouldStop() {
            do { try deliverDue() } catch { logger.error("outbox relay pass failed", metadata: ["error": "\(error.intakeMessage)"]) }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    private struct Cursor {
        var deliveredThrough: Int64 = 0
        var attempts = 0
        var nextAttempt = 0.0
    }

    private func deliverDue(to sink: any EventSink, limit: Int) throws -> Report {
        var report = Report()
        var cursor = try store.read { db in
            guard let row = try db.row(sql: "SELECT * FROM outbox_cursors WHERE sink = ?", arguments: [sink.name]) else {
                return Cursor()
            }
            return Cursor(deliveredThrough: row["delivered_through"], attempts: row["attempts"], nextAttempt: row["next_attempt"])
        }
        let events = try store.read { db in
            try db.rows(sql: "SELECT seq, event FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                             arguments: [cursor.deliveredThrough, limit]).map { (seq: $0["seq"] as Int64, text: $0["event"] as String) }
        }
        guard clock().timeIntervalSince1970 >= cursor.nextAttempt else {
            report.pending = events.count
            return report
        }
        let dimensions = [("sink", sink.name)]
        defer {
            Counter(label: MetricNames.delivered, dimensions: dimensions).increment(by: report.delivered)
            Counter(label: MetricNames.undeliverable, dimensions: dimensions).increment(by: report.failed)
        }
        // The cursor is saved after the run of successes (one commit, not one per event): a crash
        // before it means those events are delivered again, which at-least-once allows.
        var unsaved = false
        var next = 0
        while next < events.count {
            // The events due go to the sink in batches, each ending before one that cannot be
            // read back: one write and fsync per batch for a file, and memory bounded by the batch.
            var batch: [CloudEvent] = []
            var unreadable: (any Error)?
            for (_, text) in events[next..<min(next + Self.batchSize, events.count)] {
                do { batch.append(try CloudEvent(storedJSON: text)) } catch { unreadable = error; break }
            }
            let result = sink.deliver(batch)
            if result.delivered > 0 {
                next += result.delivered
                cursor = Cursor(deliveredThrough: events[next - 1].seq)
                report.delivered += result.delivered
                unsaved = true
            }
            let failure = result.delivered < batch.count
                ? result.error ?? EventDeliveryError(reason: "sink \(sink.name) stopped after \(result.delivered) of \(batch.count) events")
                : unreadable
            guard let error = failure else { continue }
            let seq = events[next].seq
            Counter(label: MetricNames.retries, dimensions: dimensions).increment()
            cursor.attempts += 1
            if cursor.attempts >= sink.maxAttempts {
                logger.error("event undeliverable; recorded and skipped",
                             metadata: ["sink": "\(sink.name)", "seq": "\(seq)", "attempts": "\(cursor.attempts)", "error": "\(error.intakeMessage)"])
                try recordFailure(seq: seq, sink: sink.name, attempts: cursor.attempts, error: error)
                cursor = Cursor(deliveredThrough: seq)
                report.failed += 1
                try save(cursor, sink: sink.name)
                unsaved = false
                next += 1
                continue
            }
            cursor.nextAttempt = clock().timeIntervalSince1970 + sink.backoff * pow(2, Double(cursor.attempts - 1))
            logger.warning("event delivery failed; will retry",
                           metadata: ["sink": "\(sink.name)", "seq": "\(seq)", "attempt": "\(cursor.attempts)", "error": "\(error.intakeMessage)"])
            try save(cursor, sink: sink.name, error: "\(error.intakeMessage)")
            unsaved = false
            report.pending = events.count - next
            break
        }
        if unsaved { try save(cursor, sink: sink.name) }
        return report
    }

    private func save(_ cursor: Cursor, sink: String, error: String? = nil) throws {
        try store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO outbox_cursors (sink, delivered_through, attempts, next_attempt, last_error) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (sink) DO UPDATE SET delivered_through = excluded.delivered_through, attempts = excluded.attempts,
                      next_attempt = excluded.next_attempt, last_error = excluded.last_error
                    """,
                arguments: [sink, cursor.deliveredThrough, cursor.attempts, cursor.nextAttempt, error])
        }
    }

    private func recordFailure(seq: Int64, sink: String, attempts: Int, error: any Error) throws {
        try store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO outbox_failures (sink, seq, attempts, last_error, failed_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (sink, seq) DO UPDATE SET attempts = excluded.attempts, last_error = excluded.last_error,
                      failed_at = excluded.failed_at
                    """,
                arguments: [sink, seq, attempts, "\(error.intakeMessage)", Timestamp.string(clock())])
        }
    }
}
