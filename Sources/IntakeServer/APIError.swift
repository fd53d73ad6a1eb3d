import Foundation
import HTTPTypes
import Hummingbird
import IntakeCore
import IntakeReview
import NIOHTTP1

/// An error answered to an HTTP client as `{"error": {"code", "message"}}` with its status.
/// Messages say what to do, like the command line's.
struct APIError: HTTPResponseError, CustomStringConvertible {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var headers: HTTPFields = [:]

    var description: String { "\(status.code) \(code): \(message)" }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONBody.response(ErrorBody(error: .init(code: code, message: message)), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }

    private struct ErrorBody: Encodable {
        struct Detail: Encodable { let code: String; let message: String }
        let error: Detail
    }

    static let unauthorized = APIError(
        status: .unauthorized, code: "unauthorized",
        message: "send an API token: `Authorization: Bearer itk_…` (create one with `intake tokens create`)",
        headers: [.wwwAuthenticate: "Bearer"])

    static func forbidden(_ message: String) -> APIError { APIError(status: .forbidden, code: "forbidden", message: message) }
    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, code: "bad_request", message: message) }
    static func notFound(_ message: String) -> APIError { APIError(status: .notFound, code: "not_found", message: message) }
    static func storage(_ message: String) -> APIError { APIError(status: .insufficientStorage, code: "storage", message: message) }

    static func tooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, code: "body_too_large",
                 message: "the body is larger than this endpoint's limit of \(limit) bytes (server.limits in the pipeline file)")
    }

    static func uploadTimedOut(after seconds: Double) -> APIError {
        APIError(status: .requestTimeout, code: "upload_timeout",
                 message: "the body took longer than \(Int(seconds))s to arrive (server.upload_timeout in the pipeline file); send it again")
    }

    static func unsupportedType(_ type: String?, accepted: [String]) -> APIError {
        APIError(status: .unsupportedMediaType, code: "unsupported_media_type",
                 message: "Content-Type \(type ?? "(none)") is not accepted here; send one of: \(accepted.joined(separator: ", "))")
    }

    static func idempotencyConflict(key: String) -> APIError {
        APIError(status: .unprocessableContent, code: "idempotency_key_reused",
                 message: "Idempotency-Key \(key) was already used with a different body; use a new key for a new input")
    }

    /// 507 `storage_full` when `error` is a full disk (ENOSPC), else nil. Retry-After tells an
    /// edge box to keep its alert and send it again, not to drop it as bad input.
    static func diskFull(_ error: any Error) -> APIError? {
        let full = (error as? CocoaError)?.code == .fileWriteOutOfSpace || (error as? POSIXError)?.code == .ENOSPC
        guard full else { return nil }
        return APIError(status: .insufficientStorage, code: "storage_full",
                        message: "the server's disk is full (\(error.intakeMessage)): nothing was accepted; send it again later",
                        headers: [.retryAfter: "60"])
    }

    static func rateLimited(retryAfter seconds: Int) -> APIError {
        APIError(status: .tooManyRequests, code: "rate_limited",
                 message: "too many requests for this token; retry after \(seconds)s",
                 headers: [.retryAfter: "\(seconds)"])
    }

}

extension APIError {
    /// The status and code for an error from the review queue or store.
    init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as ReviewError:
            let status: HTTPResponse.Status = switch error {
            case .orderNotFound, .sandboxNotFound, .deadLetterNotFound, .tokenNotFound: .notFound
            case .claimedByOther: .conflict
            case .notReviewable: .conflict
            case .invalidCorrection, .invalidPolicy, .invalidToken: .unprocessableContent
            case .databaseLocked, .storeUnavailable: .serviceUnavailable
            case .storageFull: .insufficientStorage
            case .newerSchema: .internalServerError
            }
            self.init(status: status, code: error.code, message: error.description)
        case let error as DecodingError:
            self = .badRequest("the JSON body does not match: \(Self.describe(error))")
        case let error as HTTPParserError:
            // Met while the body streams in (a bad chunk size): the client's fault, not ours.
            self = .badRequest("the request is malformed HTTP (\(error)); check the client (its chunked encoding, if it sends chunks)")
        default:
            self = .diskFull(error) ?? APIError(status: .internalServerError, code: error.intakeCode, message: error.intakeMessage)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, _): "missing field `\(key.stringValue)`"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            (context.codingPath.map(\.stringValue).joined(separator: ".") + " " + context.debugDescription).trimmingCharacters(in: .whitespaces)
        @unknown default: "\(error)"
        }
    }
}

extension HTTPResponse.Status {
    /// 507: the disk or database is full.
    static let insufficientStorage = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
}
