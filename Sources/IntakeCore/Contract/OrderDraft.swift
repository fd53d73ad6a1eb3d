/// The understood and aligned content of one input, before it becomes a record.
///
/// Modalities and alignment produce drafts; `RecordStage` turns a draft into an `OrderRecord`
/// with the input's identity and a status.
public struct OrderDraft: Sendable, Equatable {
    public var intent: OrderIntent
    public var evidence: [Evidence]
    /// Further orders the same input holds, in order: each purchase order after the first in
    /// a scanned stack. Each becomes a record of its own (see `RecordStage`).
    public var otherOrders: [OrderDraft]

    public init(intent: OrderIntent, evidence: [Evidence] = [], otherOrders: [OrderDraft] = []) {
        self.intent = intent
        self.evidence = evidence
        self.otherOrders = otherOrders
    }
}
