import Foundation
import IntakeCore

/// One (modality, source) pair whose orders earn automation together: `voice/courier-app`,
/// `document/northwind`, `vibration/plant-2`.
public struct SandboxKey: Hashable, Sendable {
    public var modality: String
    public var source: String

    public init(modality: String, source: String) {
        self.modality = modality
        self.source = Self.slug(source)
    }

    public var id: String { "\(modality)/\(source)" }

    /// The sandbox of a record: its modality, and as source the sender when known, else the
    /// supplier named on the order, else the site of the device it is about, else `default`.
    public static func of(_ record: OrderRecord) -> SandboxKey {
        let party = record.intent.party
        let source = record.source.sender
            ?? party.flatMap { $0.kind == .supplier ? $0.name : nil }
            ?? party.flatMap { $0.kind == .device ? $0.site : nil }
            ?? "default"
        return SandboxKey(modality: record.source.modality?.rawValue ?? "unknown", source: source)
    }

    /// Lower-case letters, digits, `.`, `_` and `-`; other runs become one `-`.
    static func slug(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) || "._".unicodeScalars.contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        let trimmed = slug.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? "default" : trimmed
    }
}

/// Whether a sandbox's orders need a person (`review`) or may be approved by the system (`auto`).
public enum SandboxMode: String, Codable, Sendable {
    case review, auto
}

/// A sandbox's state: its mode, its clean streak and its review record.
public struct Sandbox: Codable, Sendable, Equatable {
    public var id: String
    public var modality: String
    public var source: String
    public var mode: SandboxMode
    /// Approvals without correction since the last correction, rejection or demotion.
    public var streak: Int
    /// Orders a person approved, corrected or rejected.
    public var reviewed: Int
    /// Of those, corrected or rejected.
    public var errors: Int
    /// The policy in force (defaults with this sandbox's overrides applied).
    public var policy: SandboxPolicy
    /// This sandbox's own overrides (from `intake sandbox set` or the pipeline file).
    public var overrides: SandboxPolicyOverrides
    public var createdAt: Date
    public var updatedAt: Date

    public var errorRate: Double { reviewed == 0 ? 0 : Double(errors) / Double(reviewed) }
    public var errorBound: Double { ErrorRateBound.upper95(errors: errors, reviewed: reviewed) }

    /// Why the sandbox may be promoted now, or nil while it has not earned it.
    public var promotionReason: String? {
        guard mode == .review, streak >= policy.promoteAfter else { return nil }
        if let limit = policy.maxErrorBound, errorBound > limit { return nil }
        var reason = "\(streak) orders in a row approved without correction (policy: \(policy.promoteAfter))"
        if let limit = policy.maxErrorBound {
            reason += "; error-rate bound \(Self.percent(errorBound)) ≤ \(Self.percent(limit))"
        }
        return reason
    }

    /// The status a new order of this sandbox gets, and why.
    public func admit(_ record: OrderRecord) -> (status: OrderStatus, auditSample: Bool, reason: String) {
        guard record.status == .pendingReview else {
            return (record.status, false, record.status == .failed ? "input failed" : "nothing to do")
        }
        guard mode == .auto else { return (.pendingReview, false, "sandbox \(id) is in review mode") }
        if AuditSample.includes(orderID: record.id, rate: policy.auditRate) {
            return (.pendingReview, true, "audit sample (\(Self.percent(policy.auditRate)) of auto-approvable orders)")
        }
        let confidence = record.intent.confidence
        guard confidence >= policy.minConfidence else {
            return (.pendingReview, false, String(format: "confidence %.2f below %.2f", confidence, policy.minConfidence))
        }
        return (.autoApproved, false, String(format: "sandbox %@ is in auto mode; confidence %.2f ≥ %.2f", id, confidence, policy.minConfidence))
    }

    static func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }

    enum CodingKeys: String, CodingKey {
        case id, modality, source, mode, streak, reviewed, errors, policy, overrides
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
