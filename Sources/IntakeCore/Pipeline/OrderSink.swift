/// The end of a pipeline: receives every record, one per input, from a single thread.
public protocol OrderSink: AnyObject, Sendable {
    /// Writes one record whole or throws; a throw stops the pipeline (the output is unusable).
    func write(_ record: OrderRecord) throws
    /// Writes the records waiting at the sink together, all or none (a store commits them in
    /// one transaction: one fsync for many orders).
    func write(batch records: [OrderRecord]) throws
    /// Called once after the last record.
    func finish() throws
}

extension OrderSink {
    public func write(batch records: [OrderRecord]) throws {
        for record in records { try write(record) }
    }

    public func finish() throws {}
}

/// Answers whether an order already exists, so a re-run skips inputs it has finished.
public protocol OrderLookup: Sendable {
    /// The stored record for `orderID`, or nil when it is unknown or failed (worth trying again).
    func finishedRecord(id orderID: String) throws -> OrderRecord?
}
