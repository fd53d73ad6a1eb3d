import Foundation
import HTTPTypes
import Hummingbird
import IntakeReview

/// Dead letters (inputs that failed, with their original bytes): reviewer tokens and up.
/// `POST …/retry` runs one through the pipeline again (after the cause is fixed), as
/// `intake deadletters retry` does on the same store.
struct DeadLetterRoutes {
    let queue: ReviewQueue
    let receiver: InputReceiver

    struct DeadLetterList: Encodable {
        var deadLetters: [StoredDeadLetter]
        enum CodingKeys: String, CodingKey { case deadLetters = "dead_letters" }
    }

    func add(to group: RouterGroup<IntakeRequestContext>) {
        group.get("deadletters") { request, context in
            _ = try context.require(.reviewer)
            let query = request.uri.queryParameters
            let all = query["resolved"] == "true"
            let limit = try OrderRoutes.limit(query)
            return try JSONBody.response(DeadLetterList(deadLetters: try queue.deadLetters(includeResolved: all, limit: limit)))
        }
        group.get("deadletters/:id") { _, context in
            _ = try context.require(.reviewer)
            return try JSONBody.response(try queue.deadLetter(try context.parameters.require("id")).letter)
        }
        group.post("deadletters/:id/retry") { _, context in
            _ = try context.require(.reviewer)
            let (letter, input) = try queue.retryInput(try context.parameters.require("id"))
            let receipt = try receiver.retry(letter, input: input)
            return try JSONBody.response(receipt, status: .accepted, headers: [.location: receipt.location])
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
