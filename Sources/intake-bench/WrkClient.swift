import Foundation

/// Debian's `wrk` as the load generator of `intake-bench http --client wrk`: a C client that
/// spends far less CPU per post than URLSession, so on a 2-core machine more of the cores go to
/// the server under test.
///
/// In: the body files to post (rotated), the headers every post carries, for how long. Each post
/// gets its own `Idempotency-Key`, so each becomes its own order even when bodies repeat. Out:
/// the answers by HTTP status, wrk's latency percentiles (request start to answer) and its
/// client CPU.
struct WrkClient {
    struct Result: Decodable {
        var statuses: [String: Int]
        var durationMicroseconds: Double
        var p50Microseconds: Double
        var p99Microseconds: Double
        var maxMicroseconds: Double
        /// User + system CPU wrk used, seconds.
        var cpuSeconds = 0.0

        enum CodingKeys: String, CodingKey {
            case statuses
            case durationMicroseconds = "duration_us"
            case p50Microseconds = "p50_us"
            case p99Microseconds = "p99_us"
            case maxMicroseconds = "max_us"
        }
    }

    let url: URL
    let token: String
    let headers: [String: String]
    let connections: Int
    /// wrk's event-loop threads: one per core.
    var threads = 2

    /// Posts `bodies` (files) in turn for `seconds` and waits for wrk to finish; its script goes
    /// in `folder`. (wrk runs for a time, not a count: a thread that stops early leaves its main
    /// thread asleep until the end.)
    func post(bodies: [URL], seconds: Int, folder: URL) throws -> Result {
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw LoadGeneratorError("wrk is not installed; apt-get install wrk, or use --client urlsession")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let paths = bodies.map(\.path)
        let threads = min(self.threads, connections)
        let script = folder.appendingPathComponent("post.lua")
        try Self.script(paths: paths, token: token, headers: headers)
            .write(to: script, atomically: true, encoding: .utf8)

        let output = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t", "\(threads)", "-c", "\(connections)", "-d", "\(seconds)s", "--timeout", "30s", "-s", script.path, url.absoluteString]
        process.standardOutput = output
        let before = childrenCPUSeconds()
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") })
        else {
            throw LoadGeneratorError("wrk exited with status \(process.terminationStatus) and no figures:\n\(text)")
        }
        var result = try JSONDecoder().decode(Result.self, from: Data(line.utf8))
        result.cpuSeconds = childrenCPUSeconds() - before
        return result
    }

    /// The Lua script: bodies loaded once per thread, a key per post, statuses counted per
    /// thread and summed in `done`, which prints one JSON line.
    static func script(paths: [String], token: String, headers: [String: String]) -> String {
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        let pathList = paths.map(quoted).joined(separator: ", ")
        let headerList = headers.sorted { $0.key < $1.key }.map { "[\(quoted($0.key))] = \(quoted($0.value))" }.joined(separator: ", ")
        return """
            -- Written by intake-bench http --client wrk.
            local paths = {\(pathList)}
            local extra = {\(headerList)}
            local token = \(quoted(token))
            local bodies, sent = {}, 0
            statuses = {}
            local threads = {}

            function setup(thread)
              table.insert(threads, thread)
              thread:set("id", #threads)
            end

            function init(args)
              for i, path in ipairs(paths) do
                local file = assert(io.open(path, "rb"))
                bodies[i] = file:read("*a")
                file:close()
              end
            end

            function request()
              sent = sent + 1
              local headers = {["Authorization"] = "Bearer " .. token, ["Idempotency-Key"] = "wrk-" .. id .. "-" .. sent}
              for name, value in pairs(extra) do headers[name] = value end
              return wrk.format("POST", nil, headers, bodies[(sent % #bodies) + 1])
            end

            function response(status, headers, body)
              statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
            end

            function done(summary, latency, requests)
              local counts = {}
              for _, thread in ipairs(threads) do
                for status, n in pairs(thread:get("statuses")) do counts[status] = (counts[status] or 0) + n end
              end
              local parts = {}
              for status, n in pairs(counts) do table.insert(parts, string.format('"%s":%d', status, n)) end
              io.write(string.format('{"statuses":{%s},"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
                table.concat(parts, ","), summary.duration, latency:percentile(50), latency:percentile(99), latency.max))
            end
            """
    }
}

struct LoadGeneratorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
