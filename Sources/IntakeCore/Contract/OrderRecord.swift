import Foundation

/// One emitted record of the order contract v1 (`docs/order.schema.json`): exactly one per input.
///
/// Field names are part of the contract: extend freely, never rename.
public struct OrderRecord: Codable, Sendable, Equatable {
    /// Contract version written into every record.
    public static let contractVersion = 1

    public var id: String
    public var contractVersion: Int
    public var status: OrderStatus
    public var source: OrderSource
    public var pipeline: String
    public var createdAt: Date
    public var intent: OrderIntent
    public var evidence: [Evidence]
    public var error: OrderError?
    /// The review sandbox the order was put in (`modality/source`); set by the review queue.
    public var sandbox: String?

    public init(
        id: String, status: OrderStatus, source: OrderSource, pipeline: String,
        createdAt: Date = Date(), intent: OrderIntent, evidence: [Evidence] = [], error: OrderError? = nil
    ) {
        self.id = id
        self.contractVersion = Self.contractVersion
        self.status = status
        self.source = source
        self.pipeline = pipeline
        self.createdAt = createdAt
        self.intent = intent
        self.evidence = evidence
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case id, status, source, pipeline, intent, evidence, error, sandbox
        case contractVersion = "contract_version"
        case createdAt = "created_at"
    }
}

/// Where an order stands. `failed` records carry an `error`.
public enum OrderStatus: String, Codable, Sendable, CaseIterable {
    case pendingReview = "pending_review"
    case approved
    case autoApproved = "auto_approved"
    case rejected
    case noAction = "no_action"
    case failed
}

/// The input an order came from, identified by content.
public struct OrderSource: Codable, Sendable, Equatable {
    public var modality: Modality?
    public var uri: String
    public var sha256: String
    public var bytes: Int
    /// Who sent it (an app, device or user id), when known.
    public var sender: String?

    public init(modality: Modality?, uri: String, sha256: String, bytes: Int, sender: String? = nil) {
        self.modality = modality
        self.uri = uri
        self.sha256 = sha256
        self.bytes = bytes
        self.sender = sender
    }
}

/// Why a record is `failed`: a stable machine code and a message that says what to do.
public struct OrderError: Codable, Sendable, Equatable {
    public var code: String
    public var message: String
    public var stage: String?

    public init(code: String, message: String, stage: String? = nil) {
        self.code = code
        self.message = message
        self.stage = stage
    }
}
