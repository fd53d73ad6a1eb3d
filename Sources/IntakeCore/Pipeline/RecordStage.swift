import Foundation

/// `OrderDraft` → `OrderRecord`: gives the understood intent its identity (id, source,
/// pipeline) and a first status: `no_action` when nothing is asked for, else `pending_review`.
/// The review queue may later decide otherwise (promoted sandboxes auto-approve).
public struct RecordStage: Stage {
    public let pipeline: String

    public init(pipeline: String) {
        self.pipeline = pipeline
    }

    public func process(_ draft: OrderDraft, context: StageContext) throws -> OrderRecord {
        OrderRecord(
            id: context.orderID,
            status: draft.intent.type == .none ? .noAction : .pendingReview,
            source: context.input.source,
            pipeline: pipeline,
            intent: draft.intent,
            evidence: draft.evidence)
    }
}
