import Foundation
import IntakeCore
import Synchronization
import Testing

/// A sink that fails (a full disk, a store that is down): the run stops, or with `sinkRetry` it
/// pauses and tries the same batch again until it is written or the pipeline is stopped.
@Suite struct PipelineSinkRetryTests {
    /// Refuses every write while `full` is set, as a store on a full disk does.
    final class FullDiskSink: OrderSink, @unchecked Sendable {
        let full = Atomic<Bool>(true)
        let refused = Atomic<Int>(0)
        let written = Mutex<[OrderRecord]>([])

        func write(_ record: OrderRecord) throws {
            guard !full.load(ordering: .relaxed) else {
                refused.add(1, ordering: .relaxed)
                throw InputFailure(code: "storage_full", message: "No space left on device")
            }
            written.withLock { $0.append(record) }
        }

        func finish() throws {}
    }

    @Test func withRetryAFullSinkPausesTheRunAndEveryOrderIsWrittenOnceWhenSpaceIsFreed() throws {
        let sink = FullDiskSink()
        let pipeline = try Pipeline(
            name: "test", routes: [textRoute([draftStage()])], sink: sink, deadLetters: MemoryDeadLetters(),
            sinkRetry: .milliseconds(20))
        let trouble = Mutex<String?>(nil)
        DispatchQueue.global().async {
            while sink.refused.load(ordering: .relaxed) < 3 { usleep(5_000) }
            trouble.withLock { $0 = pipeline.sinkTrouble }
            sink.full.store(false, ordering: .relaxed)  // space freed
        }

        let summary = pipeline.run(inputs(200))

        #expect(trouble.withLock { $0 }?.contains("No space left on device") == true, "the reason is shown while paused")
        #expect(pipeline.sinkTrouble == nil, "cleared once a write succeeds")
        #expect(summary.sinkError == nil && !summary.stopped && summary.unwritten == 0)
        let uris = sink.written.withLock { $0.map(\.source.uri) }
        #expect(uris.count == 200 && Set(uris).count == 200, "each input written exactly once")
    }

    @Test func withRetryAStopEndsThePauseAndReportsTheRecordsNotWritten() throws {
        let sink = FullDiskSink()
        let pipeline = try Pipeline(
            name: "test", routes: [textRoute([draftStage()])], sink: sink, deadLetters: MemoryDeadLetters(),
            sinkRetry: .seconds(30))
        DispatchQueue.global().async {
            while pipeline.sinkTrouble == nil { usleep(5_000) }
            pipeline.stop()
        }
        let started = ContinuousClock.now

        let summary = pipeline.run(inputs(50))

        #expect(started.duration(to: .now) < .seconds(20), "the stop cut the 30 s pause short")
        #expect(summary.sinkError?.contains("No space left on device") == true)
        #expect(summary.written == 0 && summary.unwritten == summary.admitted)
        #expect(sink.written.withLock { $0.isEmpty })
    }

    @Test func withoutRetryTheFirstFailureStopsTheRun() throws {
        let sink = FullDiskSink()
        let pipeline = try Pipeline(name: "test", routes: [textRoute([draftStage()])], sink: sink, deadLetters: MemoryDeadLetters())

        let summary = pipeline.run(inputs(2_000))

        #expect(sink.refused.load(ordering: .relaxed) == 1)
        #expect(summary.sinkError != nil)
        #expect(summary.admitted < 2_000 && summary.admitted + summary.notStarted.count == 2_000)
        #expect(summary.unwritten == summary.admitted)
    }
}
