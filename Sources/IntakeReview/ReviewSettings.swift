import Foundation
import IntakeCore

/// The `review:` section of a pipeline file: default sandbox policy, per-sandbox policies and
/// the claim lease.
///
/// ```yaml
/// review:
///   lease: 15m                    # a claim expires after this; the order returns to the queue
///   policy:                       # defaults for every sandbox
///     promote_after: 500          # approvals in a row without correction before auto mode
///     audit_rate: 0.02            # share of auto-approvable orders kept in review
///     min_confidence: 0.9         # auto mode approves orders at or above this confidence
///     max_error_bound: 0.01       # optional: also require the 95% error-rate bound below this
///   sandboxes:
///     voice/courier-app: { promote_after: 200 }
/// ```
public struct ReviewSettings: Sendable {
    public var defaults: SandboxPolicyOverrides
    public var sandboxes: [String: SandboxPolicyOverrides]
    /// Seconds a claim lasts.
    public var lease: Double

    public init(defaults: SandboxPolicyOverrides = .init(), sandboxes: [String: SandboxPolicyOverrides] = [:], lease: Double = 900) {
        self.defaults = defaults
        self.sandboxes = sandboxes
        self.lease = lease
    }

    public init(node: ConfigNode?) throws {
        self.init()
        guard let node else { return }
        try node.allowOnly(["lease", "policy", "sandboxes"])
        if let lease = try node.optional("lease") {
            self.lease = try lease.durationValue()
            if self.lease <= 0 { throw lease.error("a lease must be longer than 0s") }
        }
        if let policy = try node.optional("policy") { defaults = try SandboxPolicyOverrides(node: policy) }
        if let sandboxes = try node.optional("sandboxes") {
            for key in try sandboxes.keys() {
                self.sandboxes[key] = try SandboxPolicyOverrides(node: try sandboxes.required(key))
            }
        }
    }
}
