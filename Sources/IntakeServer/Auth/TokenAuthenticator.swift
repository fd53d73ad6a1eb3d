import Foundation
import HTTPTypes
import Hummingbird
import IntakeReview

/// Middleware for `/v1`: checks the bearer token (401 without a live one), then the caller's
/// rate limit (429), and puts the token in the context for the routes' role checks (403).
struct TokenAuthenticator: RouterMiddleware {
    typealias Context = IntakeRequestContext
    let tokens: TokenRegistry
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized
        }
        let secret = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard let token = try tokens.authenticate(secret: secret) else { throw APIError.unauthorized }
        if let wait = limiter.admit(token.id) {
            throw APIError.rateLimited(retryAfter: max(1, Int(wait.rounded(.up))))
        }
        var context = context
        context.token = token
        context.logger[metadataKey: "token"] = "\(token.id)"
        return try await next(request, context)
    }
}
