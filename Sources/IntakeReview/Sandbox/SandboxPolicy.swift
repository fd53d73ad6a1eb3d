import IntakeCore

/// When a sandbox earns auto-approval and how it is watched afterwards.
///
/// Defaults: promote after 500 approvals in a row without correction, auto-approve orders at
/// or above confidence 0.9, keep 2% of them in review as an audit sample. `maxErrorBound`
/// additionally requires the 95% upper bound on the error rate to be at or below it.
public struct SandboxPolicy: Codable, Sendable, Equatable {
    public var promoteAfter: Int
    public var auditRate: Double
    public var minConfidence: Double
    public var maxErrorBound: Double?

    public init(promoteAfter: Int = 500, auditRate: Double = 0.02, minConfidence: Double = 0.9, maxErrorBound: Double? = nil) {
        self.promoteAfter = promoteAfter
        self.auditRate = auditRate
        self.minConfidence = minConfidence
        self.maxErrorBound = maxErrorBound
    }

    enum CodingKeys: String, CodingKey {
        case promoteAfter = "promote_after"
        case auditRate = "audit_rate"
        case minConfidence = "min_confidence"
        case maxErrorBound = "max_error_bound"
    }
}

/// Some knobs of a policy, set at one level (built-in ← pipeline file ← `intake sandbox set`,
/// defaults ← one sandbox); unset knobs fall through to the level below.
public struct SandboxPolicyOverrides: Codable, Sendable, Equatable {
    public var promoteAfter: Int?
    public var auditRate: Double?
    public var minConfidence: Double?
    public var maxErrorBound: Double?

    public init(promoteAfter: Int? = nil, auditRate: Double? = nil, minConfidence: Double? = nil, maxErrorBound: Double? = nil) {
        self.promoteAfter = promoteAfter
        self.auditRate = auditRate
        self.minConfidence = minConfidence
        self.maxErrorBound = maxErrorBound
    }

    public var isEmpty: Bool { self == SandboxPolicyOverrides() }

    /// `policy` with these overrides applied.
    public func applied(to policy: SandboxPolicy) -> SandboxPolicy {
        SandboxPolicy(
            promoteAfter: promoteAfter ?? policy.promoteAfter,
            auditRate: auditRate ?? policy.auditRate,
            minConfidence: minConfidence ?? policy.minConfidence,
            maxErrorBound: maxErrorBound ?? policy.maxErrorBound)
    }

    /// These overrides with `newer`'s set knobs taking precedence.
    public func merging(_ newer: SandboxPolicyOverrides) -> SandboxPolicyOverrides {
        SandboxPolicyOverrides(
            promoteAfter: newer.promoteAfter ?? promoteAfter,
            auditRate: newer.auditRate ?? auditRate,
            minConfidence: newer.minConfidence ?? minConfidence,
            maxErrorBound: newer.maxErrorBound ?? maxErrorBound)
    }

    /// Rejects values that make no sense, naming the knob.
    public func validate() throws {
        if let promoteAfter, promoteAfter < 1 { throw ReviewError.invalidPolicy("promote_after must be at least 1") }
        if let auditRate, !(0...1).contains(auditRate) { throw ReviewError.invalidPolicy("audit_rate must be between 0 and 1") }
        if let minConfidence, !(0...1).contains(minConfidence) { throw ReviewError.invalidPolicy("min_confidence must be between 0 and 1") }
        if let maxErrorBound, !(0...1).contains(maxErrorBound) { throw ReviewError.invalidPolicy("max_error_bound must be between 0 and 1") }
    }

    enum CodingKeys: String, CodingKey {
        case promoteAfter = "promote_after"
        case auditRate = "audit_rate"
        case minConfidence = "min_confidence"
        case maxErrorBound = "max_error_bound"
    }

    /// Reads `promote_after`, `audit_rate`, `min_confidence`, `max_error_bound` from a YAML mapping.
    public init(node: ConfigNode) throws {
        try node.allowOnly(["promote_after", "audit_rate", "min_confidence", "max_error_bound"])
        promoteAfter = try node.optional("promote_after")?.intValue()
        auditRate = try node.optional("audit_rate")?.doubleValue()
        minConfidence = try node.optional("min_confidence")?.doubleValue()
        maxErrorBound = try node.optional("max_error_bound")?.doubleValue()
        do { try validate() } catch let error as ReviewError { throw node.error(error.description) }
    }
}
