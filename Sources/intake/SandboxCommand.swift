import ArgumentParser
import Foundation
import IntakeReview

/// `intake sandbox …`: see and steer which (modality, source) pairs are trusted.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "List sandboxes, promote or demote them, and set their policy.",
        discussion: """
            A sandbox is one (modality, source) pair such as text/default or voice/courier-app. \
            It starts in review mode; after promote_after approvals in a row without correction \
            it is promoted to auto mode, where orders at or above min_confidence are \
            auto-approved except an audit sample (audit_rate). A corrected or rejected order \
            demotes it again.

            Examples:
              intake sandbox list
              intake sandbox list --json
              intake sandbox set --default --promote-after 200 --audit-rate 0.05 --actor alice
              intake sandbox set voice/courier-app --min-confidence 0.95 --actor alice
              intake sandbox demote text/default --reason "new menu, watch closely" --actor alice
            """,
        subcommands: [List.self, Show.self, Promote.self, Demote.self, Set.self])

    /// One sandbox as printed by `--json`.
    struct Summary: Encodable {
        var sandbox: Sandbox
        var history: [AuditEntry]?

        enum CodingKeys: String, CodingKey {
            case id, modality, source, mode, streak, reviewed, errors, policy, overrides, history
            case promoteAfter = "promote_after"
            case auditRate = "audit_rate"
            case minConfidence = "min_confidence"
            case maxErrorBound = "max_error_bound"
            case errorRate = "error_rate"
            case errorBound = "error_rate_upper95"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(sandbox.id, forKey: .id)
            try container.encode(sandbox.modality, forKey: .modality)
            try container.encode(sandbox.source, forKey: .source)
            try container.encode(sandbox.mode, forKey: .mode)
            try container.encode(sandbox.streak, forKey: .streak)
            try container.encode(sandbox.reviewed, forKey: .reviewed)
            try container.encode(sandbox.errors, forKey: .errors)
            try container.encode(sandbox.policy.promoteAfter, forKey: .promoteAfter)
            try container.encode(sandbox.policy.auditRate, forKey: .auditRate)
            try container.encode(sandbox.policy.minConfidence, forKey: .minConfidence)
            try container.encodeIfPresent(sandbox.policy.maxErrorBound, forKey: .maxErrorBound)
            try container.encode(sandbox.errorRate, forKey: .errorRate)
            try container.encode(sandbox.errorBound, forKey: .errorBound)
            try container.encode(sandbox.overrides, forKey: .overrides)
            try container.encode(sandbox.createdAt, forKey: .createdAt)
            try container.encode(sandbox.updatedAt, forKey: .updatedAt)
            try container.encodeIfPresent(history, forKey: .history)
        }

        var text: String {
            let bound = String(format: "%.2f%%", sandbox.errorBound * 100)
            return "\(sandbox.id)  \(sandbox.mode.rawValue)  streak \(sandbox.streak)/\(sandbox.policy.promoteAfter)  reviewed \(sandbox.reviewed), errors \(sandbox.errors) (95% bound \(bound))  audit \(String(format: "%.1f%%", sandbox.policy.auditRate * 100))  min confidence \(sandbox.policy.minConfidence)"
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sandboxes with mode, streak and error-rate bound.")

        @OptionGroup var queue: QueueOptions

        @Flag(name: .long, help: "One JSON object per sandbox.")
        var json = false

        func run() throws {
            for sandbox in try queue.openQueue().sandboxes() {
                let summary = Summary(sandbox: sandbox)
                if json { try JSONOutput.line(summary) } else { print(summary.text) }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a sandbox with its promotion and demotion history.")

        @OptionGroup var queue: QueueOptions

        @Argument(help: "Sandbox id, e.g. text/default.")
        var id: String

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() throws {
            let reviewQueue = try queue.openQueue()
            let summary = Summary(sandbox: try reviewQueue.sandbox(id: id), history: try reviewQueue.history(of: id))
            if json { return try JSONOutput.line(summary) }
            print(summary.text)
            for entry in summary.history ?? [] {
                print("  \(entry.at)  \(entry.actor)  \(entry.action)  \([entry.fromStatus, entry.toStatus].compactMap { $0 }.joined(separator: " → "))  \(entry.reason)")
            }
        }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a sandbox in auto mode by hand.")

        @OptionGroup var queue: QueueOptions
        @OptionGroup var actor: ActorOption

        @Option(name: .long, help: "Why (required, kept in the audit trail).")
        var reason: String

        @Argument(help: "Sandbox id.")
        var id: String

        func run() throws {
            print(Summary(sandbox: try queue.openQueue().promote(id, actor: actor.value, reason: reason)).text)
        }
    }

    struct Demote: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a sandbox back in review mode; its streak starts again.")

        @OptionGroup var queue: QueueOptions
        @OptionGroup var actor: ActorOption

        @Option(name: .long, help: "Why (required, kept in the audit trail).")
        var reason: String

        @Argument(help: "Sandbox id.")
        var id: String

        func run() throws {
            print(Summary(sandbox: try queue.openQueue().demote(id, actor: actor.value, reason: reason)).text)
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set policy knobs for one sandbox or (--default) for all; unset knobs are kept.")

        @OptionGroup var queue: QueueOptions
        @OptionGroup var actor: ActorOption

        @Flag(name: .customLong("default"), help: "Change the defaults every sandbox inherits.")
        var defaults = false

        @Option(name: .long, help: "Approvals in a row without correction before auto mode.")
        var promoteAfter: Int?

        @Option(name: .long, help: "Share (0–1) of auto-approvable orders kept in review as an audit sample.")
        var auditRate: Double?

        @Option(name: .long, help: "Auto mode approves orders at or above this confidence (0–1).")
        var minConfidence: Double?

        @Option(name: .long, help: "Also require the 95% upper bound on the error rate to be at or below this (0–1).")
        var maxErrorBound: Double?

        @Argument(help: "Sandbox id (omit with --default).")
        var id: String?

        func validate() throws {
            if defaults == (id != nil) { throw ValidationError("name a sandbox or pass --default") }
        }

        func run() throws {
            let overrides = SandboxPolicyOverrides(
                promoteAfter: promoteAfter, auditRate: auditRate, minConfidence: minConfidence, maxErrorBound: maxErrorBound)
            if overrides.isEmpty { throw ValidationError("nothing to set; pass --promote-after, --audit-rate, --min-confidence or --max-error-bound") }
            let policy = try queue.openQueue().setPolicy(overrides, sandbox: id, actor: actor.value)
            try JSONOutput.line(policy)
        }
    }
}
