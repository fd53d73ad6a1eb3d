import Foundation
import HTTPTypes
import Hummingbird
import IntakeReview

/// Sandboxes: list and history for reviewers; promote, demote and policy changes for admins.
/// Ids contain a slash (`vibration/plant-1`): send it percent-encoded (`vibration%2Fplant-1`).
struct SandboxRoutes {
    let queue: ReviewQueue
    let jsonLimit: Int

    struct SandboxList: Encodable { var sandboxes: [Sandbox] }
    struct SandboxDetail: Encodable { var sandbox: Sandbox; var history: [AuditEntry] }

    func add(to group: RouterGroup<IntakeRequestContext>) {
        group.get("sandboxes") { _, context in
            _ = try context.require(.reviewer)
            return try JSONBody.response(SandboxList(sandboxes: try queue.sandboxes()))
        }
        group.get("sandboxes/:id") { _, context in
            _ = try context.require(.reviewer)
            let id = try Self.id(context)
            return try JSONBody.response(SandboxDetail(sandbox: try queue.sandbox(id: id), history: try queue.history(of: id)))
        }
        group.post("sandboxes/:id/promote") { request, context in
            try await changeMode(request, context) { id, actor, reason in try queue.promote(id, actor: actor, reason: reason) }
        }
        group.post("sandboxes/:id/demote") { request, context in
            try await changeMode(request, context) { id, actor, reason in try queue.demote(id, actor: actor, reason: reason) }
        }
        group.post("sandboxes/:id/policy") { request, context in
            let actor = try context.require(.admin).name
            let overrides = try await JSONBody.decode(SandboxPolicyOverrides.self, from: request, limit: jsonLimit)
            let id = try Self.id(context)
            _ = try queue.setPolicy(overrides, sandbox: id, actor: actor)
            return try JSONBody.response(try queue.sandbox(id: id))
        }
    }

    private func changeMode(
        _ request: Request, _ context: IntakeRequestContext, _ change: (String, String, String) throws -> Sandbox
    ) async throws -> Response {
        let actor = try context.require(.admin).name
        let reason = try await JSONBody.requiredReason(
            from: request, limit: jsonLimit, missing: "say why in `reason`: it is kept in the audit trail")
        return try JSONBody.response(try change(try Self.id(context), actor, reason))
    }

    static func id(_ context: IntakeRequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        return raw.removingPercentEncoding ?? raw
    }
}
