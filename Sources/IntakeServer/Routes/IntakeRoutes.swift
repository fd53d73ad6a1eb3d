import Foundation
import HTTPTypes
import Hummingbird
import IntakeCore
import IntakeReview

/// `POST /v1/alerts|audio|documents|messages`: inputs in, `202 Accepted` with the order id and
/// a `Location` out. Bodies stream to the spool; the pipeline routes them by content.
///
/// Any token may submit. A device token submits as its subject (the order's sender); other
/// tokens may name a sender with `Intake-Sender`. `Idempotency-Key` is scoped to the sender.
struct IntakeRoutes {
    /// One intake endpoint: the modality it expects, its body limit and content types.
    struct Endpoint: Sendable {
        var path: String
        var modality: Modality
        var limit: Int
        var contentTypes: [String]
        var multipart: Bool
    }

    let receiver: InputReceiver
    let endpoints: [Endpoint]
    /// Modalities the pipeline has a route for.
    let routed: Set<Modality>
    /// Seconds a whole body may take to arrive.
    let uploadTimeout: Double

    static func endpoints(limits: ServerConfiguration.BodyLimits) -> [Endpoint] {
        [
            Endpoint(path: "alerts", modality: .vibration, limit: limits.alerts,
                     contentTypes: ["application/json", "application/octet-stream"], multipart: false),
            Endpoint(path: "audio", modality: .voice, limit: limits.audio,
                     contentTypes: ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave", "application/octet-stream"], multipart: true),
            Endpoint(path: "documents", modality: .document, limit: limits.documents,
                     contentTypes: ["image/png", "image/jpeg", "image/tiff", "image/bmp", "image/x-portable-anymap",
                                    "image/x-portable-graymap", "image/x-portable-pixmap", "application/pdf", "application/octet-stream"],
                     multipart: true),
            Endpoint(path: "messages", modality: .text, limit: limits.messages,
                     contentTypes: ["text/plain"], multipart: false),
        ]
    }

    /// Every type an input is kept and served under: what some endpoint accepts, and the spooled
    /// binary alert. Anything else is served as application/octet-stream, so no upload comes
    /// back as a page (text/html, an SVG) that would run in the review page's origin.
    static let keptTypes: Set<String> = Set(endpoints(limits: .init()).flatMap(\.contentTypes)).union([BinaryAlert.spooledType])

    func add(to group: RouterGroup<IntakeRequestContext>) {
        for endpoint in endpoints {
            group.post(RouterPath(endpoint.path)) { request, context in
                try await accept(request, context: context, endpoint: endpoint)
            }
        }
    }

    private func accept(_ request: Request, context: IntakeRequestContext, endpoint: Endpoint) async throws -> Response {
        let token = try context.require(.device)
        guard routed.contains(endpoint.modality) else {
            throw APIError(status: .notImplemented, code: "modality_not_configured",
                           message: "pipeline \(receiver.pipelineName) has no \(endpoint.modality) route; add one to its pipeline file")
        }
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = Self.mediaType(contentType)
        let boundary = endpoint.multipart ? MultipartFile.boundary(of: contentType) : nil
        guard endpoint.contentTypes.contains(mediaType) || boundary != nil else {
            throw APIError.unsupportedType(contentType.isEmpty ? nil : contentType,
                                           accepted: endpoint.contentTypes + (endpoint.multipart ? ["multipart/form-data"] : []))
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > endpoint.limit {
            throw APIError.tooLarge(limit: endpoint.limit)
        }
        for name in [HTTPField.Name.idempotencyKey, .intakeSender, .intakeFilename] {
            if let value = request.headers[name], value.utf8.count > Self.longestNameField {
                throw APIError.badRequest("\(name) is \(value.utf8.count) bytes; at most \(Self.longestNameField) are kept")
            }
        }
        let sender = try Self.sender(token: token, request: request)
        var header: Data?
        if endpoint.modality == .vibration, mediaType == "application/octet-stream" {
            header = try BinaryAlert.header(headers: request.headers, token: token)
        }

        var upload = try await receiver.spool.receive(request.body, limit: endpoint.limit, timeout: uploadTimeout, header: header)
        var storedType = header == nil ? mediaType : BinaryAlert.spooledType
        var uri = "http:/v1/\(endpoint.path)"
        if let boundary {
            let extracted = try await Spool.offPool { [receiver, upload] in try receiver.spool.extractMultipart(upload, boundary: boundary) }
            upload = extracted.upload
            // The part's own type only if this endpoint takes it: the pipeline routes by content anyway.
            let partType = extracted.part.contentType.map(Self.mediaType)
            storedType = partType.flatMap { endpoint.contentTypes.contains($0) ? $0 : nil } ?? "application/octet-stream"
            if let name = extracted.part.filename, !name.isEmpty { uri += "/" + name }
        } else if let name = request.headers[.intakeFilename], !name.isEmpty {
            uri += "/" + name
        }
        guard upload.bytes > 0 else {
            receiver.spool.discard(upload)
            throw APIError.badRequest("the body is empty; send the \(endpoint.path == "messages" ? "message text" : "file") as the request body")
        }
        let (key, scope, type, path) = (request.headers[.idempotencyKey], sender ?? token.id, storedType, uri)
        let receipt = try await Spool.offPool { [receiver, upload] in
            try receiver.accept(upload, uri: path, sender: sender, key: key, scope: scope, contentType: type)
        }
        return try JSONBody.response(receipt, status: .accepted, headers: [.location: receipt.location])
    }

    /// "Image/PNG; charset=x" → "image/png": the type without its parameters, as endpoints list them.
    static func mediaType(_ contentType: String) -> String {
        contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    /// Bytes an `Idempotency-Key`, `Intake-Sender` or `Intake-Filename` may hold: each is
    /// stored with the order, and a name or key longer than a file name is a client's bug.
    static let longestNameField = 255

    /// The sender recorded on the order: a device token's subject, or `Intake-Sender` from others.
    static func sender(token: APIToken, request: Request) throws -> String? {
        let named = request.headers[.intakeSender]
        if token.role == .device {
            if let named, named != token.subject {
                throw APIError.forbidden("this device token submits as \(token.subject ?? "?"), not \(named)")
            }
            return token.subject
        }
        return named
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let intakeSender = Self("Intake-Sender")!
    static let intakeFilename = Self("Intake-Filename")!
}
