import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// HTTP for tests without FoundationNetworking's async API: on Linux `URLSession.data(for:)`
/// blocks a cooperative thread in `DispatchQueue.sync`, and with two such threads (2 cores)
/// concurrent tests deadlocked. Each request runs on its own ephemeral session, off the pool.
public enum BlockingHTTP {
    public static func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let session = URLSession(configuration: .ephemeral)
                session.dataTask(with: request) { data, response, error in
                    session.finishTasksAndInvalidate()
                    if let error { return continuation.resume(throwing: error) }
                    continuation.resume(returning: (data ?? Data(), response as! HTTPURLResponse))
                }.resume()
            }
        }
    }
}
