import Hummingbird

/// Turns every error a route throws into a JSON answer with the right status: review-queue and
/// store errors become 404, 409, 422, 503…, anything unexpected 500, always with a message.
struct ErrorAnswers<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            let answer = APIError(error)
            if answer.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error.intakeMessage)"])
            }
            throw answer
        }
    }
}
