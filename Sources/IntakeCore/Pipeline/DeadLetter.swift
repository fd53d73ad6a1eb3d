import Foundation

/// An input that could not become an order: the stage that gave up, why, and the original bytes,
/// kept so nothing is lost and the input can be retried once the cause is fixed.
public struct DeadLetter: Sendable {
    public let orderID: String
    public let stage: String
    public let code: String
    public let reason: String
    public let input: ReceivedInput
    public let failedAt: Date

    public init(orderID: String, stage: String, code: String, reason: String, input: ReceivedInput, failedAt: Date = Date()) {
        self.orderID = orderID
        self.stage = stage
        self.code = code
        self.reason = reason
        self.input = input
        self.failedAt = failedAt
    }
}

/// Somewhere dead letters are kept durably.
public protocol DeadLetterStore: Sendable {
    func store(_ letter: DeadLetter) throws
}
