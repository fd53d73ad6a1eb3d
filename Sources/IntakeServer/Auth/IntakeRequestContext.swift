import Hummingbird
import IntakeReview
import Logging

/// Hummingbird's request context plus who is calling, set by `TokenAuthenticator`.
struct IntakeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The caller's token; nil on public routes (health, metrics, the page's files).
    var token: APIToken?

    init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The caller's token, or 401.
    func caller() throws -> APIToken {
        guard let token else { throw APIError.unauthorized }
        return token
    }

    /// The caller's token if its role is at least `role`, else 403.
    func require(_ role: APIRole) throws -> APIToken {
        let token = try caller()
        guard token.role >= role else {
            throw APIError.forbidden("this needs a \(role.rawValue) token; yours (\(token.name)) is \(token.role.rawValue)")
        }
        return token
    }
}
