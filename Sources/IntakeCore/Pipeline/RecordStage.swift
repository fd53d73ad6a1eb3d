import Foundation

/// `OrderDraft` → `InputOrders`: gives the understood intent its identity (id, source,
/// pipeline) and a first status: `no_action` when nothing is asked for, else `pending_review`.
/// The review queue may later decide otherwise (promoted sandboxes auto-approve).
///
/// A draft with `otherOrders` (a stack of purchase orders in one file) makes one record each:
/// the first under the input's order id, the n-th under an id derived from it, so the same
/// input always yields the same ids. Each record's notes name its siblings.
///
/// An order holding a NaN or infinity fails here (`non_finite_number`), where its input
/// becomes a dead letter, rather than at the sink, where it would stop every other order.
public struct RecordStage: Stage {
    public let pipeline: String

    public init(pipeline: String) {
        self.pipeline = pipeline
    }

    public func process(_ draft: OrderDraft, context: StageContext) throws -> InputOrders {
        let drafts = [draft] + draft.otherOrders
        let ids = drafts.indices.map { InputOrders.orderID(context.orderID, part: $0) }
        let orders = InputOrders(records: zip(drafts, ids).enumerated().map { index, entry in
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
        for record in orders.records {
            if let path = NonFiniteNumbers.firstPath(in: record) { throw RecordError.nonFiniteNumber(path: path) }
        }
        return orders
    }
}

/// Why an understood input cannot become a record.
public enum RecordError: IntakeError, Equatable {
    /// A NaN or infinity reached the order: a stage let an input beyond its range through.
    case nonFiniteNumber(path: String)

    public var code: String { "non_finite_number" }

    public var description: String {
        switch self {
        case let .nonFiniteNumber(path):
            "the order's \(path) is not a finite number, which JSON cannot hold; the input is kept as a dead letter: report it with the input, a stage should have refused it"
        }
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
