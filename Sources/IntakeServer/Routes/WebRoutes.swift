import Foundation
import HTTPTypes
import Hummingbird

/// The review page: three static files shipped with the server, read once at start. Only these
/// names are served, so no request path reaches the file system.
struct WebRoutes {
    private struct Asset {
        let contentType: String
        let bytes: ByteBuffer
    }

    private let assets: [String: Asset]

    init() throws {
        guard let folder = Bundle.module.url(forResource: "Web", withExtension: nil) else {
            throw APIError.storage("the review page's files are missing from the installation (IntakeServer resources)")
        }
        var assets: [String: Asset] = [:]
        for (name, type) in [("index.html", "text/html; charset=utf-8"), ("review.js", "text/javascript; charset=utf-8"),
                             ("review.css", "text/css; charset=utf-8")] {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            assets[name] = Asset(contentType: type, bytes: ByteBuffer(bytes: data))
        }
        self.assets = assets
    }

    func add(to router: Router<IntakeRequestContext>) {
        for (path, name) in [("/", "index.html"), ("/review.js", "review.js"), ("/review.css", "review.css")] {
            guard let asset = assets[name] else { continue }
            router.get(RouterPath(path)) { _, _ in
                Response(
                    status: .ok,
                    headers: [.contentType: asset.contentType, .cacheControl: "no-cache",
                              .contentSecurityPolicy: "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:"],
                    body: ResponseBody(byteBuffer: asset.bytes))
            }
        }
    }
}
