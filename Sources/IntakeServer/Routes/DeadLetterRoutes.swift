import Foundation
import HTTPTypes
import Hummingbird
import IntakeReview

/// Dead letters (inputs that failed, with their original bytes): reviewer tokens and up.
/// Retrying is `intake deadletters retry` on the same store.
struct DeadLetterRoutes {
    let queue: ReviewQueue

    struct DeadLetterList: Encodable {
        var deadLetters: [StoredDeadLetter]
        enum CodingKeys: String, CodingKey { case deadLetters = "dead_letters" }
    }

    func add(to group: RouterGroup<IntakeRequestContext>) {
        group.get("deadletters") { request, context in
            _ = try context.require(.reviewer)
            let all = request.uri.queryParameters["resolved"] == "true"
            return try JSONBody.response(DeadLetterList(deadLetters: try queue.deadLetters(includeResolved: all)))
        }
        group.get("deadletters/:id") { _, context in
            _ = try context.require(.reviewer)
            return try JSONBody.response(try queue.deadLetter(try context.parameters.require("id")).letter)
        }
        group.get("deadletters/:id/bytes") { _, context in
            _ = try context.require(.reviewer)
            let bytes = try queue.deadLetter(try context.parameters.require("id")).bytes
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
