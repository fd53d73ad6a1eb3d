import Foundation
import IntakeCore
import Logging
import Metrics
import ServiceLifecycle

/// Keeps the inputs the server keeps for the review page (`inputs/`) within an age and a size:
/// an edge-box fleet posting 15 s alerts writes about 1.5 MB per alert, and without a limit
/// the data folder fills and intake stops with 507.
///
/// Every `interval`, the kept inputs are looked at oldest first (by the time they were
/// received) and removed while they are older than `maxAge` (unless their order still waits
/// for review: a reviewer needs them) or while all of them together are larger than `maxBytes`
/// (disk space wins; each input of an order under review removed for it is logged). The order
/// itself, its evidence and any dead letter's bytes stay in the store; only the review page's
/// copy of the input goes.
final class InputRetention: Service {
    typealias Limits = ServerConfiguration.InputRetentionLimits

    /// What one sweep found and did.
    struct Sweep: Sendable, Equatable {
        var removed = 0
        var removedBytes = 0
        /// Of `removed`, inputs whose order was still waiting for review.
        var removedUnderReview = 0
        var kept = 0
        var keptBytes = 0
    }

    let folder: URL
    let limits: Limits
    private let interval: Double
    /// Whether the order `id` still waits for a reviewer.
    private let awaitsReview: @Sendable (String) -> Bool
    private let logger: Logger

    init(folder: URL, limits: Limits, interval: Double = 60, awaitsReview: @escaping @Sendable (String) -> Bool, logger: Logger) {
        self.folder = folder
        self.limits = limits
        self.interval = interval
        self.awaitsReview = awaitsReview
        self.logger = logger
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let sweep = self.sweep()
            if sweep.removed > 0 {
                logger.info("removed kept inputs past their retention", metadata: [
                    "removed": "\(sweep.removed)", "removed_bytes": "\(sweep.removedBytes)",
                    "kept": "\(sweep.kept)", "kept_bytes": "\(sweep.keptBytes)",
                ])
            }
            // The wait ends early at shutdown: a minute's sleep must not hold the server up.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(self.interval)) }
        }
    }

    /// One pass over `inputs/` at `now`.
    @discardableResult
    func sweep(now: Date = Date()) -> Sweep {
        let names = Set((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        var inputs: [(id: String, bytes: Int, received: Date)] = []
        for name in names where !name.hasSuffix(".json") {
            guard let file = FileStatus(path: folder.path + "/" + name), file.isRegularFile else { continue }
            // An input kept in the old layout has its entry beside it: they go together.
            let legacy = names.contains(name + ".json") ? FileStatus(path: folder.path + "/" + name + ".json")?.size ?? 0 : 0
            inputs.append((name, file.size + legacy, file.modified))
        }
        inputs.sort { ($0.received, $0.id) < ($1.received, $1.id) }

        var sweep = Sweep(kept: inputs.count, keptBytes: inputs.reduce(0) { $0 + $1.bytes })
        for input in inputs {
            let expired = limits.maxAge.map { now.timeIntervalSince(input.received) > $0 } ?? false
            let overSize = limits.maxBytes.map { sweep.keptBytes > $0 } ?? false
            guard expired || overSize else { break }  // oldest first: the rest are younger and fit
            let underReview = awaitsReview(input.id)
            if underReview && !overSize { continue }
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(input.id))
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(input.id + ".json"))
            if underReview {
                sweep.removedUnderReview += 1
                logger.warning("removed the kept input of an order still under review: the kept inputs exceed server.inputs_retention.max_size",
                               metadata: ["order": "\(input.id)"])
            }
            sweep.removed += 1
            sweep.removedBytes += input.bytes
            sweep.kept -= 1
            sweep.keptBytes -= input.bytes
        }
        Metrics.Gauge(label: Self.keptBytesMetric).record(sweep.keptBytes)
        Metrics.Counter(label: Self.removedMetric).increment(by: sweep.removed)
        return sweep
    }

    static let keptBytesMetric = "intake_kept_inputs_bytes"
    static let removedMetric = "intake_kept_inputs_removed"
}
