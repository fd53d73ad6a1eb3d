import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The load generator of `intake-bench http --client sendfile`: one thread and one keep-alive
/// connection per client, each post's headers written with `send(2)` and its body handed to
/// the kernel with `sendfile(2)` from a file, so the client copies no body bytes itself.
///
/// Why: on a 2-core machine the client shares the cores with the server under test, and a
/// real edge box runs elsewhere. wrk builds each 1.5 MB request as a Lua string and writes it
/// (about 1.5 ms of CPU per post here); `sendfile` leaves the kernel's copy into the server's
/// socket buffer, which is the server's cost anyway.
///
/// In: body files (posted in turn), the headers every post carries, for how long. Each post
/// gets its own `Idempotency-Key`. Out: answers by HTTP status, latency from the first header
/// byte sent to the last answer byte read, and the client's CPU (this process's, over the run).
struct SendfileClient {
    struct Result {
        var statuses: [Int: Int]
        var latencies: [Double]
        var cpuSeconds: Double
    }

    let host: String
    let port: Int
    let path: String
    let token: String
    let headers: [String: String]
    let connections: Int

    /// Posts `bodies` (files) in turn from `connections` threads for `seconds`.
    func post(bodies: [URL], seconds: Double) throws -> Result {
        signal(SIGPIPE, SIG_IGN)
        let files = try bodies.map { url -> (descriptor: Int32, size: Int) in
            let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw LoadGeneratorError("cannot open \(url.path): \(String(cString: strerror(errno)))") }
            var info = stat()
            fstat(descriptor, &info)
            return (descriptor, Int(info.st_size))
        }
        defer { for file in files { close(file.descriptor) } }

        let shared = Mutex(Result(statuses: [:], latencies: [], cpuSeconds: 0))
        let next = Atomic<Int>(0)
        let cpuBefore = processCPUSeconds()
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let group = DispatchGroup()
        for client in 0..<connections {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var connection: Connection?
                var statuses: [Int: Int] = [:]
                var latencies: [Double] = []
                var sent = 0
                while ContinuousClock.now < deadline {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    let file = files[index % files.count]
                    sent += 1
                    let head = head(contentLength: file.size, key: "sendfile-\(client)-\(sent)")
                    let started = ContinuousClock.now
                    do {
                        if connection == nil { connection = try Connection(host: host, port: port) }
                        let status = try connection!.post(head: head, file: file.descriptor, size: file.size)
                        if !connection!.isReusable { connection = nil }
                        statuses[status, default: 0] += 1
                        if status == 202 { latencies.append((ContinuousClock.now - started) / .seconds(1)) }
                    } catch {
                        // A dropped connection is an answer too: counted as status 0, then redialled.
                        statuses[0, default: 0] += 1
                        connection = nil
                    }
                }
                shared.withLock { result in
                    result.statuses.merge(statuses, uniquingKeysWith: +)
                    result.latencies += latencies
                }
            }
            thread.start()
        }
        group.wait()
        var result = shared.withLock { $0 }
        result.cpuSeconds = processCPUSeconds() - cpuBefore
        return result
    }

    private func head(contentLength: Int, key: String) -> [UInt8] {
        var text = "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nAuthorization: Bearer \(token)\r\nIdempotency-Key: \(key)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(contentLength)\r\n\r\n"
        return Array(text.utf8)
    }
}

/// One blocking HTTP/1.1 keep-alive connection to a loopback server.
private final class Connection {
    private let socket: Int32
    /// Bytes read past the end of the last answer (none, with one post in flight at a time).
    private var buffer: [UInt8] = []

    init(host: String, port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw LoadGeneratorError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw LoadGeneratorError("connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        var on: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(socket) }

    /// False once the server has said it closes the connection after its answer.
    private(set) var isReusable = true

    /// Sends `head` and then `size` bytes of `file`, reads the answer, returns its status.
    func post(head: [UInt8], file: Int32, size: Int) throws -> Int {
        var written = 0
        while written < head.count {
            let n = head.withUnsafeBytes { send(socket, $0.baseAddress! + written, head.count - written, Int32(MSG_NOSIGNAL | MSG_MORE)) }
            guard n > 0 else { throw LoadGeneratorError("send: \(String(cString: strerror(errno)))") }
            written += n
        }
        var offset = off_t(0)
        while offset < size {
            let n = sendfile(socket, file, &offset, size - Int(offset))
            guard n > 0 else { throw LoadGeneratorError("sendfile: \(String(cString: strerror(errno)))") }
        }
        return try readAnswer()
    }

    /// Reads one answer (status line, headers, `Content-Length` bytes of body).
    private func readAnswer() throws -> Int {
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            try fill()
            headEnd = buffer.indices.dropLast(3).first { buffer[$0..<$0 + 4].elementsEqual(end) }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
              let status = Int(statusLine.split(separator: " ")[1]) else {
            throw LoadGeneratorError("not an HTTP answer: \(head.prefix(80))")
        }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces).lowercased() }
        }
        let length = fields["content-length"].flatMap { Int($0) } ?? 0
        if fields["connection"] == "close" { isReusable = false }
        let total = headEnd! + 4 + length
        while buffer.count < total { try fill() }
        buffer.removeFirst(total)
        return status
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress!, $0.count, 0) }
        guard n > 0 else { throw LoadGeneratorError(n == 0 ? "the server closed the connection" : "recv: \(String(cString: strerror(errno)))") }
        buffer += chunk[..<n]
    }
}
