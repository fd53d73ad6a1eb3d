import Foundation
import IntakeCore
import IntakeReview
import Metrics
import Prometheus

typealias Gauge = Prometheus.Gauge

/// Prometheus metrics for `/metrics`: everything recorded through swift-metrics (per-stage
/// latency histograms, items, errors, queue depths, records, dead letters, outbox deliveries,
/// HTTP requests), plus gauges read from the store when scraped (orders by status and sandbox,
/// sandbox streaks and modes, open dead letters, outbox backlog) and the server's own queue.
final class ServerMetrics: Sendable {
    /// The registry `/metrics` shows. What swift-metrics records reaches it once the process has
    /// bootstrapped it with `IntakeServer.bootstrapMetrics()` (the composition root's call: the
    /// metrics system can be bootstrapped once per process).
    static let registry = PrometheusCollectorRegistry()

    static func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
        ]
        MetricsSystem.bootstrap(factory)
    }

    private let queue: ReviewQueue
    private let eventSinks: [String]
    private let feed: InputFeed
    private let completions: Completions

    init(queue: ReviewQueue, eventSinks: [String], feed: InputFeed, completions: Completions) {
        self.queue = queue
        self.eventSinks = eventSinks
        self.feed = feed
        self.completions = completions
    }

    /// The Prometheus text exposition, with the store's gauges read now.
    func scrape() throws -> [UInt8] {
        for (sandbox, statuses) in try queue.countsBySandbox() {
            for status in OrderStatus.allCases {
                gauge("orders", "Orders in the store by sandbox and status.", [("sandbox", sandbox), ("status", status.rawValue)])
                    .set(Double(statuses[status.rawValue] ?? 0))
            }
        }
        for sandbox in try queue.sandboxes() {
            let labels = [("sandbox", sandbox.id)]
            gauge("sandbox_streak", "Approvals in a row without correction.", labels).set(Double(sandbox.streak))
            gauge("sandbox_auto", "1 when the sandbox is in auto-approval mode.", labels).set(Double(sandbox.mode == .auto ? 1 : 0))
            gauge("sandbox_error_bound", "95% upper bound of the sandbox's error rate.", labels).set(sandbox.errorBound)
        }
        gauge("dead_letters_open", "Dead letters not yet resolved by a successful retry.").set(Double(try queue.openDeadLetterCount()))
        for sink in eventSinks {
            gauge("outbox_backlog", "Events not yet delivered to a sink.", [("sink", sink)]).set(Double(try queue.outboxBacklog(sink: sink)))
        }
        gauge("server_queued_inputs", "Accepted inputs waiting for the pipeline.").set(Double(feed.depth))
        gauge("server_inputs_in_progress", "Accepted inputs whose order is not stored yet.").set(Double(completions.waiting))
        var buffer: [UInt8] = []
        Self.registry.emit(into: &buffer)
        return buffer
    }

    private func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        Self.registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "intake", metricName: name, helpText: help), labels: labels)
    }
}
