import Foundation
import IntakeReview
@testable import IntakeServer
import Testing
import Yams

/// docs/openapi.yaml documents exactly the routes the server has.
@Suite struct OpenAPITests {
    @Test func everyRouteIsInTheOpenAPIDocumentAndNothingElse() async throws {
        let server = try await TestServer()
        try await server.stop()
        let parts = try server.makeServer().assemble()
        let served = Set(parts.router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method.rawValue) /\(path.joined(separator: "/"))"
        })
        let text = try String(contentsOf: TestServer.repository.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in
            operations.keys.filter { ["get", "post", "put", "delete", "patch"].contains($0) }.map { "\($0.uppercased()) \(path)" }
        })
        #expect(served.subtracting(documented).sorted() == [], "routes missing from docs/openapi.yaml")
        #expect(documented.subtracting(served).sorted() == [], "documented routes the server does not have")
    }
}
