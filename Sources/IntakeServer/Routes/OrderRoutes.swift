import Foundation
import HTTPTypes
import Hummingbird
import IntakeCore
import IntakeReview

/// Orders and their review: list, detail with evidence, original input, claim, approve,
/// correct, reject. Reviewer tokens and up; the token's name is the actor in the audit trail.
struct OrderRoutes {
    let queue: ReviewQueue
    let receiver: InputReceiver
    let jsonLimit: Int

    struct OrderList: Encodable { var orders: [OrderRecord] }
    struct Queued: Encodable { var id: String; var status = "queued" }
    struct Correction: Decodable {
        /// Intent paths and their new JSON values: `{"lines[0].quantity": 4}`.
        var set: [String: JSONValue]?
        /// The whole corrected intent, instead of `set`.
        var intent: JSONValue?
        var reason: String?
    }

    /// A list's `limit` query parameter: 200 when absent, else a whole number from 1 to 5000. One
    /// that is not is refused, not read as the default.
    static func limit(_ query: Parameters) throws -> Int {
        let limit = query["limit"].map { Int(String($0)) } ?? 200
        guard let limit, (1...5000).contains(limit) else { throw APIError.badRequest("limit must be a whole number from 1 to 5000") }
        return limit
    }

    func add(to group: RouterGroup<IntakeRequestContext>) {
        group.get("orders") { request, context in
            _ = try context.require(.reviewer)
            let query = request.uri.queryParameters
            let status: OrderStatus?
            switch query["status"].map(String.init) {
            case nil, "all": status = nil
            case let text?:
                guard let value = OrderStatus(rawValue: text) else {
                    throw APIError.badRequest("unknown status \(text); use pending_review, approved, auto_approved, rejected, no_action, failed or all")
                }
                status = value
            }
            let orders = try queue.list(status: status, sandbox: query["sandbox"].map(String.init), limit: try Self.limit(query))
            return try JSONBody.response(OrderList(orders: orders))
        }
        group.get("orders/:id") { _, context in
            _ = try context.require(.reviewer)
            let id = try context.parameters.require("id")
            do {
                return try JSONBody.response(try queue.detail(id))
            } catch ReviewError.orderNotFound(let missing) where receiver.isQueued(missing) {
                return try JSONBody.response(Queued(id: missing), status: .accepted)
            }
        }
        group.get("orders/:id/input") { _, context in
            _ = try context.require(.reviewer)
            let id = try context.parameters.require("id")
            guard let kept = receiver.spool.keptInput(id) else {
                throw APIError.notFound("the input of \(id) was not received by this server or not kept (server.keep_inputs)")
            }
            // Inputs kept before types were checked at intake may say text/html: never served as such.
            let type = IntakeRoutes.keptTypes.contains(kept.contentType) ? kept.contentType : "application/octet-stream"
            return Response(
                status: .ok,
                headers: [.contentType: type, .contentDisposition: "inline", .xContentTypeOptions: "nosniff",
                          .contentSecurityPolicy: "sandbox; default-src 'none'"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: kept.bytes)))
        }
        group.post("orders/:id/claim") { _, context in
            let actor = try context.require(.reviewer).name
            let id = try context.parameters.require("id")
            _ = try queue.claim(id, actor: actor)
            return try JSONBody.response(try queue.detail(id))
        }
        group.post("review/next") { request, context in
            let actor = try context.require(.reviewer).name
            guard let record = try queue.claim(actor: actor, sandbox: request.uri.queryParameters["sandbox"].map(String.init)) else {
                return Response(status: .noContent)
            }
            return try JSONBody.response(try queue.detail(record.id))
        }
        group.post("orders/:id/release") { _, context in
            let actor = try context.require(.reviewer).name
            try queue.release(try context.parameters.require("id"), actor: actor)
            return Response(status: .noContent)
        }
        group.post("orders/:id/approve") { request, context in
            let actor = try context.require(.reviewer).name
            let body = try await JSONBody.decode(JSONBody.Reason.self, from: request, limit: jsonLimit)
            return try JSONBody.response(try queue.approve(try context.parameters.require("id"), actor: actor, reason: body.reason))
        }
        group.post("orders/:id/correct") { request, context in
            let actor = try context.require(.reviewer).name
            let body = try await JSONBody.decode(Correction.self, from: request, limit: jsonLimit)
            guard (body.set?.isEmpty ?? true) != (body.intent == nil) else {
                throw APIError.badRequest("send either `set` (paths and values) or `intent` (the whole corrected intent)")
            }
            let record = try queue.correct(try context.parameters.require("id"), actor: actor, reason: body.reason) { intent in
                if let corrected = body.intent { return try IntentCorrection(before: intent, corrected: corrected, catalog: queue.catalog) }
                let assignments = (body.set ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.description)" }
                return try IntentCorrection(intent: intent, assignments: assignments, catalog: queue.catalog)
            }
            return try JSONBody.response(record)
        }
        group.post("orders/:id/reject") { request, context in
            let actor = try context.require(.reviewer).name
            let reason = try await JSONBody.requiredReason(from: request, limit: jsonLimit, missing: "a rejection needs a `reason`")
            return try JSONBody.response(try queue.reject(try context.parameters.require("id"), actor: actor, reason: reason))
        }
    }
}
