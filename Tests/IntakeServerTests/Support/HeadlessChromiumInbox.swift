import Foundation
import Glibc

/// The browser's side of the pipe, as `HeadlessChromium` reads it.
///
/// In: NUL-terminated CDP messages from the browser's response pipe, read by one thread.
/// Out: replies by command id and page events (console, exceptions, loads) for the test's
/// thread to wait on, each wait bounded by a deadline.
extension HeadlessChromium {
    /// What the reader thread has received, and the waits on it.
    final class Inbox: @unchecked Sendable {
        // @unchecked Sendable is safe: every var below is read and written only inside `locked`
        // (or with `condition` held), which serialises the reader thread and the test's thread.
        struct Event {
            let method: String
            let sessionId: String?
            let params: [String: Any]
        }

        let condition = NSCondition()
        let logPath: String
        var nextId = 0
        var pending: Set<Int> = []  // ids someone waits for; late replies to timed-out ones are dropped
        var responses: [Int: [String: Any]] = [:]
        var events: [Event] = []  // the latest `maxEvents` only
        var eventCount = 0  // events ever received; events[i] is number eventCount - events.count + i
        var pageErrors: [String] = []
        var consoleMessages: [String] = []
        var closed = false  // the pipe reported EOF: the browser is gone
        var readerDone = false
        let maxEvents = 1000

        init(logPath: String) { self.logPath = logPath }

        func locked<T>(_ body: (Inbox) throws -> T) rethrows -> T {
            condition.lock()
            defer { condition.unlock() }
            return try body(self)
        }

        /// Blocks until `check` returns a value, the browser exits, or `deadline` passes.
        private func wait<T>(for what: String, until deadline: Date, _ check: () -> T?) throws -> T {
            condition.lock()
            defer { condition.unlock() }
            while true {
                if let value = check() { return value }
                if closed { throw Error.browserExited(logTail()) }
                if !condition.wait(until: deadline) {
                    if let value = check() { return value }
                    throw Error.timeout(what)
                }
            }
        }

        func waitForResponse(_ id: Int, what: String, until deadline: Date) throws -> [String: Any] {
            defer { _ = locked { $0.pending.remove(id) } }
            return try wait(for: what, until: deadline) { responses.removeValue(forKey: id) }
        }

        func waitForEvent(_ method: String, sessionId: String?, after mark: Int, until deadline: Date) throws {
            try wait(for: method, until: deadline) { () -> Void? in
                let first = eventCount - events.count
                let candidates = events[max(0, mark - first)...]
                return candidates.contains { $0.method == method && $0.sessionId == sessionId } ? () : nil
            }
        }

        func waitForReader(until deadline: Date) {
            condition.lock()
            defer { condition.unlock() }
            while !readerDone, condition.wait(until: deadline) {}
        }

        func logTail() -> String {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no log)"
            // Without a D-Bus, Chromium logs dozens of harmless dbus errors; they hide the real cause.
            let lines = log.split(separator: "\n").filter { !$0.contains("dbus") }.suffix(15)
            return lines.isEmpty ? "(nothing logged)" : lines.joined(separator: "\n")
        }

        /// Reads NUL-terminated JSON messages from the browser until EOF, then closes `fd`.
        static func readLoop(fd: Int32, into inbox: Inbox) {
            var buffer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { break }
                let scanFrom = buffer.count
                buffer.append(contentsOf: chunk[0..<n])
                guard buffer[scanFrom...].contains(0) else { continue }
                var start = 0
                while let end = buffer[start...].firstIndex(of: 0) {
                    inbox.deliver(Data(buffer[start..<end]))
                    start = end + 1
                }
                buffer.removeFirst(start)
            }
            Glibc.close(fd)
            inbox.locked {
                $0.closed = true
                $0.readerDone = true
                $0.condition.broadcast()
            }
        }

        private func deliver(_ data: Data) {
            guard let message = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return }
            locked { inbox in
                if let id = message["id"] as? Int {
                    if inbox.pending.contains(id) { inbox.responses[id] = message }
                } else if let method = message["method"] as? String {
                    let params = message["params"] as? [String: Any] ?? [:]
                    inbox.record(Event(method: method, sessionId: message["sessionId"] as? String, params: params))
                }
                inbox.condition.broadcast()
            }
        }

        private func record(_ event: Event) {
            events.append(event)
            eventCount += 1
            if events.count > maxEvents { events.removeFirst(events.count - maxEvents) }
            switch event.method {
            case "Runtime.consoleAPICalled":
                let type = event.params["type"] as? String ?? "log"
                let args = event.params["args"] as? [[String: Any]] ?? []
                let text = args.map { arg in
                    if let value = arg["value"], !(value is NSNull) { return "\(value)" }
                    return arg["description"] as? String ?? arg["type"] as? String ?? "?"
                }.joined(separator: " ")
                consoleMessages.append("\(type): \(text)")
                if type == "error" || type == "assert" { pageErrors.append("console.\(type): \(text)") }
            case "Runtime.exceptionThrown":
                let details = event.params["exceptionDetails"] as? [String: Any] ?? [:]
                pageErrors.append(HeadlessChromium.describe(exception: details))
            case "Inspector.targetCrashed":
                pageErrors.append("the page's renderer crashed")
            default:
                break
            }
        }
    }
}
