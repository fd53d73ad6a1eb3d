/// The end of a pipeline: receives every record, one per input, from a single thread.
public protocol OrderSink: AnyObject, Sendable {
    /// Writes one record whole or throws; a throw stops the pipeline (the output is unusable).
    func write(_ record: OrderRecord) throws
    /// Called once after the last record.
    func finish() throws
}

extension OrderSink {
    public func finish() throws {}
}
