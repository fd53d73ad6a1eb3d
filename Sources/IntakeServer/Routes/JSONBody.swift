import Foundation
import HTTPTypes
import Hummingbird
import IntakeCore

/// JSON in and out, with the same encoder as the command line (`--json`): sorted keys, ISO 8601 dates.
enum JSONBody {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try OrderRecordCoding.encoder().encode(value)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes the request body as `T`, refusing bodies over `limit` bytes (413) and bad JSON (400).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError.tooLarge(limit: limit)
        }
        if buffer.readableBytes == 0, let empty = try? OrderRecordCoding.decoder().decode(T.self, from: Data("{}".utf8)) {
            return empty
        }
        do {
            return try OrderRecordCoding.decoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError(error)
        } catch {
            throw APIError.badRequest("the body is not JSON: \(error.localizedDescription)")
        }
    }

    /// `{"reason": …}`: the body of approve, reject, promote and demote.
    struct Reason: Decodable { var reason: String? }

    /// The trimmed `reason` of the body, or 400 saying `missing`.
    static func requiredReason(from request: Request, limit: Int, missing: String) async throws -> String {
        let body = try await decode(Reason.self, from: request, limit: limit)
        guard let reason = body.reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else {
            throw APIError.badRequest(missing)
        }
        return reason
    }
}
