import Foundation
#if canImport(Glibc)
import Glibc
#endif
import IntakeTestSupport

/// A client no HTTP library will play: it writes a request's bytes exactly as given (a broken
/// chunk size, a body a few bytes at a time) and returns whatever the server answers first
/// (the status line and on).
enum RawHTTP {
    /// Sends a request's head, then a body of `length` bytes `chunk` bytes per `interval`.
    static func trickle(
        port: Int, path: String, token: String, contentType: String, length: Int, chunk: Int, every interval: Double
    ) async throws -> String {
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: \(contentType)\r\nContent-Length: \(length)\r\n\r\n"
        return try await exchange(port: port, head: Array(head.utf8), body: [UInt8](repeating: UInt8(ascii: "a"), count: length), chunk: chunk, every: interval)
    }

    /// Sends `request` (head and body) as it is.
    static func send(port: Int, _ request: String) async throws -> String {
        try await exchange(port: port, head: Array(request.utf8), body: [], chunk: 1, every: 0.2)
    }

    private static func exchange(port: Int, head: [UInt8], body: [UInt8], chunk: Int, every interval: Double) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            // Blocking socket calls: off the cooperative pool, as `BlockingHTTP` does.
            DispatchQueue.global().async {
                continuation.resume(with: Result { try exchange(port: port, head: head, body: body, chunk: chunk, every: interval) })
            }
        }
    }

    private static func exchange(port: Int, head: [UInt8], body: [UInt8], chunk: Int, every interval: Double) throws -> String {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED) }
        var timeout = timeval(tv_sec: Int(interval), tv_usec: Int((interval - interval.rounded(.down)) * 1e6))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        _ = head.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var sent = 0
        var answer = [UInt8](repeating: 0, count: 4_096)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let count = recv(socket, &answer, answer.count, 0)
            if count > 0 { return String(decoding: answer[0..<count], as: UTF8.self) }
            if count == 0 { return "(closed without an answer)" }
            guard sent < body.count else { continue }
            let part = Array(body[sent..<min(body.count, sent + chunk)])
            // A refused send means the server has answered and closed: the answer is read next turn.
            if Glibc.send(socket, part, part.count, Int32(MSG_NOSIGNAL)) > 0 { sent += part.count } else { sent = body.count }
        }
        return "(no answer in 60 s)"
    }
}
