/// The understood and aligned content of one input, before it becomes a record.
///
/// Modalities and alignment produce drafts; `RecordStage` turns a draft into an `OrderRecord`
/// with the input's identity and a status.
public struct OrderDraft: Sendable, Equatable {
    public var intent: OrderIntent
    public var evidence: [Evidence]

    public init(intent: OrderIntent, evidence: [Evidence] = []) {
        self.intent = intent
        self.evidence = evidence
    }
}
