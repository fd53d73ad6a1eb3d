import Foundation

/// `OrderDraft` → `InputOrders`: gives the understood intent its identity (id, source,
/// pipeline) and a first status: `no_action` when nothing is asked for, else `pending_review`.
/// The review queue may later decide otherwise (promoted sandboxes auto-approve).
///
/// A draft with `otherOrders` (a stack of purchase orders in one file) makes one record each:
/// the first under the input's order id, the n-th under an id derived from it, so the same
/// input always yields the same ids. Each record's notes name its siblings.
public struct RecordStage: Stage {
    public let pipeline: String

    public init(pipeline: String) {
        self.pipeline = pipeline
    }

    public func process(_ draft: OrderDraft, context: StageContext) throws -> InputOrders {
        let drafts = [draft] + draft.otherOrders
        let ids = drafts.indices.map { InputOrders.orderID(context.orderID, part: $0) }
        return InputOrders(records: zip(drafts, ids).enumerated().map { index, entry in
            var intent = entry.0.intent
            if drafts.count > 1 {
                let others = ids.enumerated().filter { $0.offset != index }.map(\.element).joined(separator: ", ")
                intent.notes.append("Order \(index + 1) of \(drafts.count) in \(context.input.uri); the others: \(others).")
            }
            return OrderRecord(
                id: entry.1,
                status: intent.type == .none ? .noAction : .pendingReview,
                source: context.input.source,
                pipeline: pipeline,
                intent: intent,
                evidence: entry.0.evidence)
        })
    }
}

/// The records one input made: one, or one per order when the input holds several. The
/// pipeline stores them together (one transaction), so a crash keeps all or none.
public struct InputOrders: Sendable, Equatable {
    public var records: [OrderRecord]

    public init(records: [OrderRecord]) {
        self.records = records
    }

    /// The id of the `part`-th order of the input whose first order is `orderID` (0: itself).
    public static func orderID(_ orderID: String, part: Int) -> String {
        part == 0 ? orderID : ContentHash.orderID(idempotencyKey: "\(orderID)#\(part + 1)")
    }
}
