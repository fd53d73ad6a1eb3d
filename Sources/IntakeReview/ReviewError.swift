import IntakeCore

/// Why a review-queue or store operation was refused, and what to do about it.
public enum ReviewError: IntakeError, Equatable {
    case orderNotFound(String)
    case sandboxNotFound(String)
    case deadLetterNotFound(String)
    case tokenNotFound(String)
    case invalidToken(String)
    case claimedByOther(order: String, actor: String, until: String)
    case notReviewable(order: String, status: OrderStatus)
    case invalidCorrection(String)
    case invalidPolicy(String)
    case databaseLocked(path: String)
    case storageFull(path: String)
    case storeUnavailable(path: String, reason: String)
    case newerSchema(path: String, version: String)

    public var code: String {
        switch self {
        case .orderNotFound: "order_not_found"
        case .sandboxNotFound: "sandbox_not_found"
        case .deadLetterNotFound: "dead_letter_not_found"
        case .tokenNotFound: "token_not_found"
        case .invalidToken: "invalid_token"
        case .claimedByOther: "claimed_by_other"
        case .notReviewable: "not_reviewable"
        case .invalidCorrection: "invalid_correction"
        case .invalidPolicy: "invalid_policy"
        case .databaseLocked: "database_locked"
        case .storageFull: "storage_full"
        case .storeUnavailable: "store_unavailable"
        case .newerSchema: "store_schema_newer"
        }
    }

    public var description: String {
        switch self {
        case let .orderNotFound(id): "no order \(id); list orders with `intake review list --status all`"
        case let .sandboxNotFound(id): "no sandbox \(id); list them with `intake sandbox list`"
        case let .deadLetterNotFound(id): "no dead letter for \(id); list them with `intake deadletters list`"
        case let .tokenNotFound(id): "no token \(id); list them with `intake tokens list`"
        case let .invalidToken(reason): "invalid token: \(reason)"
        case let .claimedByOther(order, actor, until):
            "order \(order) is claimed by \(actor) until \(until); pick another order or wait for the claim to expire"
        case let .notReviewable(order, status):
            "order \(order) is \(status.rawValue), not waiting for review; only pending_review (and auto_approved, for corrections and rejections) can be reviewed"
        case let .invalidCorrection(reason): "invalid correction: \(reason)"
        case let .invalidPolicy(reason): "invalid policy: \(reason)"
        case let .databaseLocked(path):
            "the order store \(path) is locked by another process; nothing was written. Retry, or raise store.busy_timeout"
        case let .storageFull(path):
            "the disk (or database size limit) of \(path) is full; nothing was written. Free space and run again: finished orders are kept"
        case let .storeUnavailable(path, reason): "cannot use the order store \(path): \(reason)"
        case let .newerSchema(path, version):
            "the order store \(path) was written by a newer intake (migration \(version)); upgrade intake"
        }
    }
}
