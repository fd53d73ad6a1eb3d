import Foundation
import IntakeCore
import Testing

@Suite struct PipelineStopTests {
    @Test func stopFinishesItemsInFlightAndHandsBackTheRest() throws {
        let encoder = OrderRecordCoding.encoder()
        let lines = LockedLines()
        let pipelineBox = PipelineBox()
        let slow = draftStage { _ in usleep(200) }
        let sink = CollectingSink { count in
            if count == 50 { pipelineBox.pipeline?.stop() }
        }
        let pipeline = try Pipeline(
            name: "test", routes: [textRoute([slow], settings: StageSettings(concurrency: 2, buffer: 8, timeout: nil))],
            sink: sink, deadLetters: MemoryDeadLetters(), sinkBuffer: 8)
        pipelineBox.pipeline = pipeline

        let summary = pipeline.run(inputs(1_000))
        for record in sink.records { lines.append(try encoder.encode(record)) }

        #expect(summary.stopped)
        // Every admitted input has exactly one whole record; the rest are handed back untouched.
        #expect(summary.written == summary.admitted)
        #expect(summary.admitted + summary.notStarted.count == 1_000)
        #expect(summary.admitted < 1_000)
        #expect(summary.admitted >= 50)
        let written = Set(sink.records.map(\.source.uri))
        #expect(written.count == sink.records.count)
        #expect(written.isDisjoint(with: summary.notStarted))
        #expect(sink.finished)
        let decoder = OrderRecordCoding.decoder()
        for line in lines.all { _ = try decoder.decode(OrderRecord.self, from: line) }
    }

    @Test func aSignalStopsTheRunGracefully() throws {
        let pipelineBox = PipelineBox()
        let sink = CollectingSink()
        let pipeline = try Pipeline(
            name: "test", routes: [textRoute([draftStage { _ in usleep(1_000) }])], sink: sink, deadLetters: MemoryDeadLetters())
        pipelineBox.pipeline = pipeline
        let signals = StopSignals { pipelineBox.pipeline?.stop() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { kill(getpid(), SIGTERM) }
        let summary = pipeline.run(inputs(100_000))
        withExtendedLifetime(signals) {}
        #expect(summary.stopped)
        #expect(summary.written == summary.admitted)
    }
}

final class PipelineBox: @unchecked Sendable {
    var pipeline: Pipeline?
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [Data] = []
    func append(_ line: Data) { lock.withLock { lines.append(line) } }
    var all: [Data] { lock.withLock { lines } }
}
