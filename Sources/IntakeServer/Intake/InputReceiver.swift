import Foundation
import IntakeCore
import IntakeReview
import Logging
import Synchronization

/// The front door shared by HTTP uploads and the spool's replay: names an upload's order,
/// honours idempotency keys, makes the upload durable and queues it for the pipeline.
final class InputReceiver: Sendable {
    /// What the caller is told: the order id, where to find it, and whether it already existed.
    struct Receipt: Encodable, Sendable {
        var id: String
        var status: String
        var location: String
        /// True when this request repeated an earlier one (same key and body, or same body).
        var replayed: Bool
    }

    let spool: Spool
    let feed: InputFeed
    let completions: Completions
    let queue: ReviewQueue
    let pipelineName: String
    private let logger: Logger
    private let committing = Mutex<Set<String>>([])

    init(spool: Spool, feed: InputFeed, completions: Completions, queue: ReviewQueue, pipelineName: String, logger: Logger) {
        self.spool = spool
        self.feed = feed
        self.completions = completions
        self.queue = queue
        self.pipelineName = pipelineName
        self.logger = logger
    }

    /// Accepts a received upload. With an `Idempotency-Key`, the key (scoped to the sender or
    /// token) names the order: the same key with the same bytes gets the same order, with other
    /// bytes 422. Without one, the bytes, pipeline and sender name it.
    func accept(_ upload: Spool.Upload, uri: String, sender: String?, key: String?, scope: String, contentType: String) throws -> Receipt {
        let idempotencyKey = key.map { "http\u{0}\(scope)\u{0}\($0)" }
            ?? ContentHash.idempotencyKey(sha256: upload.sha256, pipeline: pipelineName, sender: sender)
        let id = ContentHash.orderID(idempotencyKey: idempotencyKey)
        let first = committing.withLock { $0.insert(id).inserted }
        guard first else {
            spool.discard(upload)
            throw APIError(status: .conflict, code: "in_progress", message: "the same input is being received right now; retry in a moment")
        }
        defer { _ = committing.withLock { $0.remove(id) } }

        if let stored = try queue.record(id: id) {
            guard stored.source.sha256 == upload.sha256 else {
                spool.discard(upload)
                throw APIError.idempotencyConflict(key: key ?? id)
            }
            if stored.status != .failed {
                spool.discard(upload)
                return Receipt(id: id, status: stored.status.rawValue, location: Self.location(id), replayed: true)
            }
        }
        if let entry = spool.entry(id) {
            spool.discard(upload)
            guard entry.sha256 == upload.sha256 else { throw APIError.idempotencyConflict(key: key ?? id) }
            return Receipt(id: id, status: "queued", location: Self.location(id), replayed: true)
        }
        let entry = Spool.Entry(
            id: id, uri: uri, sender: sender, idempotencyKey: idempotencyKey, sha256: upload.sha256,
            contentType: contentType, bytes: upload.bytes, receivedAt: Date().formatted(.iso8601))
        do {
            try spool.commit(upload, as: entry)
        } catch {
            spool.discard(upload)
            throw APIError.diskFull(error) ?? APIError.storage("could not keep the upload on disk: \(error.intakeMessage)")
        }
        enqueue(entry)
        logger.info("accepted", metadata: ["order": "\(id)", "uri": "\(uri)", "bytes": "\(upload.bytes)"])
        return Receipt(id: id, status: "queued", location: Self.location(id), replayed: false)
    }

    /// Queues a dead letter's input (`ReviewQueue.retryInput`) again, under its order's id: a success replaces
    /// the failed order and resolves the letter; a failure counts again. Not spooled: the letter
    /// itself is durable, and stays unresolved if the server stops first.
    func retry(_ letter: StoredDeadLetter, input: PipelineInput) throws -> Receipt {
        guard letter.resolvedAt == nil else {
            throw APIError(status: .conflict, code: "already_resolved", message: "dead letter \(letter.orderID) was resolved by a retry; see its order")
        }
        guard feed.append(input) else {
            throw APIError(status: .serviceUnavailable, code: "shutting_down", message: "the server is stopping; retry after it is back")
        }
        logger.info("dead letter queued again", metadata: ["order": "\(letter.orderID)", "uri": "\(letter.uri)"])
        return Receipt(id: letter.orderID, status: "queued", location: Self.location(letter.orderID), replayed: false)
    }

    /// Queues every upload accepted before the last stop and not yet stored. Returns how many.
    @discardableResult
    func replayPending() -> Int {
        let entries = spool.pendingEntries()
        for entry in entries { enqueue(entry) }
        if !entries.isEmpty { logger.notice("queued \(entries.count) uploads accepted before the last stop") }
        return entries.count
    }

    /// Whether `id` was accepted and waits for the pipeline.
    func isQueued(_ id: String) -> Bool {
        spool.entry(id) != nil
    }

    private func enqueue(_ entry: Spool.Entry) {
        completions.register(entry.id) { [spool] _ in spool.finished(entry.id) }
        // A closed feed (shutting down) leaves the entry on disk for the next start.
        feed.append(spool.input(for: entry))
    }

    static func location(_ id: String) -> String { "/v1/orders/\(id)" }
}
