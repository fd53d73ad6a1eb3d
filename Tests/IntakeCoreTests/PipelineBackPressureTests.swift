import Foundation
import IntakeCore
import Synchronization
import Testing

@Suite struct PipelineBackPressureTests {
    @Test func tenThousandInputsThroughASlowStageNeverExceedTheConfiguredBound() throws {
        let recorder = FlightRecorder()
        let active = Mutex((now: 0, most: 0))
        let slow = draftStage { _ in
            active.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            usleep(50)
            active.withLock { $0.now -= 1 }
        }
        let sink = CollectingSink { _ in recorder.written() }
        let settings = StageSettings(concurrency: 2, buffer: 8, timeout: nil)
        let pipeline = try Pipeline(
            name: "test", routes: [textRoute([slow], settings: settings)], sink: sink, deadLetters: MemoryDeadLetters(), sinkBuffer: 8)

        let summary = pipeline.run(inputs(10_000, recorder: recorder))

        #expect(sink.records.count == 10_000)
        #expect(Set(sink.records.map(\.source.uri)).count == 10_000)
        #expect(summary.admitted == 10_000)
        // Bound: each of the two stages holds buffer + workers, plus the sink's buffer, the batch
        // its writer holds (at most a full buffer) and the reader.
        #expect(pipeline.capacity == 2 * (8 + 2) + 8 + 8 + 1)
        #expect(recorder.peak <= pipeline.capacity, "peak \(recorder.peak) > capacity \(pipeline.capacity)")
        #expect(summary.peakInFlight <= pipeline.capacity)
        #expect(active.withLock { $0.most } <= 2)
    }

    @Test func aFullBufferBlocksTheReaderUntilTheStageCatchesUp() throws {
        // The stage waits until the reader has stalled; if back-pressure did not block the
        // reader, it would read all 1,000 inputs before the first item is done.
        let recorder = FlightRecorder()
        let gate = DispatchSemaphore(value: 0)
        let gated = draftStage { _ in _ = gate.wait(timeout: .now() + 5) }
        let pipeline = try Pipeline(
            name: "test", routes: [textRoute([gated], settings: StageSettings(concurrency: 1, buffer: 4, timeout: nil))],
            sink: CollectingSink(), deadLetters: MemoryDeadLetters(), sinkBuffer: 4)
        let observed = Mutex(0)
        DispatchQueue.global().async {
            // Give the reader time to fill every buffer, then look, then release the stage.
            usleep(200_000)
            observed.withLock { $0 = recorder.readCount }
            for _ in 0..<1_000 { gate.signal() }
        }
        let summary = pipeline.run(inputs(1_000, recorder: recorder))
        #expect(summary.written == 1_000)
        #expect(observed.withLock { $0 } <= pipeline.capacity)
    }
}
