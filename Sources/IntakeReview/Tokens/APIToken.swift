import Foundation

/// What a token may do. Each role includes the one before it, except that only `device`
/// tokens are bound to a subject.
public enum APIRole: String, Codable, Sendable, CaseIterable, Comparable {
    /// Submits inputs only, as its subject (a device or app id): the subject becomes the sender.
    case device
    /// Reads orders and sandboxes, claims, approves, corrects and rejects.
    case reviewer
    /// Everything: promotes and demotes sandboxes, changes policies, retries dead letters.
    case admin

    public static func < (lhs: APIRole, rhs: APIRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A stored API token: never its secret, which is shown once when it is created.
public struct APIToken: Codable, Sendable, Equatable {
    public var id: String
    /// A name for people: who or what holds the token.
    public var name: String
    public var role: APIRole
    /// For `device` tokens, the device or app id the token submits as.
    public var subject: String?
    public var createdAt: String
    public var createdBy: String
    public var revokedAt: String?

    public var isRevoked: Bool { revokedAt != nil }

    enum CodingKeys: String, CodingKey {
        case id, name, role, subject
        case createdAt = "created_at"
        case createdBy = "created_by"
        case revokedAt = "revoked_at"
    }
}
