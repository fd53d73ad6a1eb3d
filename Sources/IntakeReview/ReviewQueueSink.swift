import Foundation
import IntakeCore

/// The pipeline's sink when a store is in use: each batch of records is stored in one
/// transaction, then the records *as stored* (status decided by the sandbox, or the existing
/// order on a re-run) are passed on to `next` (JSON Lines on stdout, usually), if any.
public final class ReviewQueueSink: OrderSink, @unchecked Sendable {
    // @unchecked: the pipeline calls `write` from its one sink thread only.
    private let queue: ReviewQueue
    private let next: (any OrderSink)?
    public private(set) var created = 0
    public private(set) var existing = 0

    public init(queue: ReviewQueue, next: (any OrderSink)? = nil) {
        self.queue = queue
        self.next = next
    }

    public func write(_ record: OrderRecord) throws {
        try write(batch: [record])
    }

    public func write(batch records: [OrderRecord]) throws {
        let stored = try queue.submit(records)
        for submission in stored {
            if submission.created { created += 1 } else { existing += 1 }
        }
        try next?.write(batch: stored.map(\.record))
    }

    public func finish() throws {
        try next?.finish()
    }
}
