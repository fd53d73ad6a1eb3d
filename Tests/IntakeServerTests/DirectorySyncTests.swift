import Foundation
@testable import IntakeServer
import Synchronization
import Testing

/// Group commit of directory fsyncs: every caller is covered by an fsync that began after it
/// called, and callers arriving together share one.
@Suite struct DirectorySyncTests {
    /// What happened, in order: calls and fsyncs, each with when it began and ended.
    private final class Timeline: Sendable {
        let fsyncs = Mutex<[(start: ContinuousClock.Instant, end: ContinuousClock.Instant)]>([])
        let calls = Mutex<[(start: ContinuousClock.Instant, end: ContinuousClock.Instant)]>([])
    }

    @Test func everyCallerIsCoveredByAnFsyncThatBeganAfterItCalledAndCallersShareThem() throws {
        let timeline = Timeline()
        let sync = DirectorySync(FileManager.default.temporaryDirectory) { url in
            let start = ContinuousClock.now
            Thread.sleep(forTimeInterval: 0.005)
            let result = DirectorySync.fsyncDirectory(url)
            timeline.fsyncs.withLock { $0.append((start, .now)) }
            return result
        }
        let threads = 8, rounds = 10
        // Threads of their own: `concurrentPerform` would run only as many as there are cores.
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            Thread {
                for _ in 0..<rounds {
                    let start = ContinuousClock.now
                    try! sync.sync()
                    timeline.calls.withLock { $0.append((start, .now)) }
                }
                done.leave()
            }.start()
        }
        done.wait()
        let calls = timeline.calls.withLock { $0 }
        let fsyncs = timeline.fsyncs.withLock { $0 }
        #expect(calls.count == threads * rounds)
        for call in calls {
            #expect(fsyncs.contains { $0.start >= call.start && $0.end <= call.end })
        }
        // Eight callers at a time, one fsync each 5 ms: most calls share.
        #expect(fsyncs.count < calls.count / 2)
    }

    @Test func aFailedFsyncIsAnErrorForItsCallers() {
        let sync = DirectorySync(URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)"))
        #expect(throws: APIError.self) { try sync.sync() }
    }
}
