import Foundation
import Synchronization
import Testing
@testable import IntakeCore

@Suite("Pipeline: order identity and re-runs")
struct PipelineIdempotencyTests {
    /// Knows the orders a test says are finished.
    final class KnownOrders: OrderLookup {
        let records: [String: OrderRecord]
        init(_ records: [OrderRecord]) { self.records = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) }) }
        func finishedRecord(id orderID: String) throws -> OrderRecord? { records[orderID] }
    }

    @Test("An input whose order is already finished is not processed again; its stored record is written")
    func knownOrdersAreSkipped() throws {
        let first = CollectingSink()
        _ = try Pipeline(name: "test", routes: [textRoute([draftStage()])], sink: first, deadLetters: MemoryDeadLetters())
            .run(inputs(5))
        let stored = first.records.filter { $0.source.uri != "test:4" }

        let processed = Atomic<Int>(0)
        let second = CollectingSink()
        let pipeline = try Pipeline(
            name: "test", routes: [textRoute([draftStage { _ in processed.add(1, ordering: .relaxed) }])], sink: second,
            deadLetters: MemoryDeadLetters(), lookup: KnownOrders(stored))
        let summary = pipeline.run(inputs(5))
        #expect(processed.load(ordering: .relaxed) == 1, "only the unknown input is processed")
        #expect(summary.alreadyDone == 4)
        #expect(second.records.count == 5)
        #expect(Set(second.records.map(\.id)) == Set(first.records.map(\.id)))
    }

    /// Keeps each batch as the sink received it.
    final class BatchSink: OrderSink, @unchecked Sendable {
        let batches = Mutex<[[OrderRecord]]>([])
        func write(_ record: OrderRecord) throws { try write(batch: [record]) }
        func write(batch records: [OrderRecord]) throws { batches.withLock { $0.append(records) } }
    }

    @Test("An input holding several orders makes one record each, in one batch, under ids derived from the input's")
    func anInputWithSeveralOrdersMakesOneRecordEach() throws {
        let split = AnyStage(ClosureStage<Data, OrderDraft> { bytes, _ in
            let drafts = String(decoding: bytes, as: UTF8.self).split(separator: "|").map {
                OrderDraft(intent: OrderIntent(type: .purchase, lines: [OrderLine(sku: nil, text: String($0), quantity: 1, confidence: 1)]))
            }
            var first = drafts[0]
            first.otherOrders = Array(drafts.dropFirst())
            return first
        }, name: "split")
        let sink = BatchSink()
        let input = PipelineInput(uri: "stack.pdf", bytes: Data("PO-1|PO-2|PO-3".utf8))
        let summary = try Pipeline(name: "test", routes: [textRoute([split])], sink: sink, deadLetters: MemoryDeadLetters()).run([input])
        let batches = sink.batches.withLock { $0 }
        #expect(batches.count == 1, "all of an input's orders are stored together")
        let records = try #require(batches.first)
        #expect(records.map { $0.intent.lines.first?.text } == ["PO-1", "PO-2", "PO-3"])
        let first = ContentHash.orderID(sha256: ContentHash.sha256(Data("PO-1|PO-2|PO-3".utf8)), pipeline: "test")
        #expect(records.map(\.id) == [first, InputOrders.orderID(first, part: 1), InputOrders.orderID(first, part: 2)])
        #expect(Set(records.map(\.id)).count == 3)
        #expect(records[1].intent.notes.last == "Order 2 of 3 in stack.pdf; the others: \(records[0].id), \(records[2].id).")
        #expect(summary.admitted == 1 && summary.records["pending_review"] == 3)

        // Run again with the orders known: nothing is processed, and all three are written.
        let again = BatchSink()
        let rerun = try Pipeline(
            name: "test", routes: [textRoute([split])], sink: again, deadLetters: MemoryDeadLetters(), lookup: KnownOrders(records)
        ).run([input])
        #expect(rerun.alreadyDone == 1)
        #expect(again.batches.withLock { $0 } == [records])
    }

    @Test("The sender and a caller-supplied idempotency key are part of an order's identity")
    func senderAndKeyChangeIdentity() throws {
        let sink = CollectingSink()
        let bytes = Data("store 12: 3 lattes".utf8)
        _ = try Pipeline(name: "test", routes: [textRoute([draftStage()])], sink: sink, deadLetters: MemoryDeadLetters()).run([
            PipelineInput(uri: "a", bytes: bytes),
            PipelineInput(uri: "b", sender: "courier-app", bytes: bytes),
            PipelineInput(uri: "c", sender: "courier-app", idempotencyKey: "upload-81", bytes: bytes),
        ])
        let ids = Dictionary(uniqueKeysWithValues: sink.records.map { ($0.source.uri, $0.id) })
        let sha = ContentHash.sha256(bytes)
        #expect(ids["a"] == ContentHash.orderID(sha256: sha, pipeline: "test"))
        #expect(ids["b"] == ContentHash.orderID(sha256: sha, pipeline: "test", sender: "courier-app"))
        #expect(ids["c"] == ContentHash.orderID(idempotencyKey: "upload-81"))
        #expect(Set(ids.values).count == 3)
        #expect(sink.records.first { $0.source.uri == "b" }?.source.sender == "courier-app")
    }

    @Test("An input that names its order keeps that id, whatever its bytes, key or sender (a dead letter's retry)")
    func namedOrderKeepsItsID() throws {
        let sink = CollectingSink()
        let named = "ord_0123456789abcdef01234567"
        _ = try Pipeline(name: "test", routes: [textRoute([draftStage()])], sink: sink, deadLetters: MemoryDeadLetters()).run([
            PipelineInput(uri: "retry", sender: "courier-app", orderID: named, bytes: Data("store 12: 3 lattes".utf8)),
            PipelineInput(uri: "unreadable", orderID: named + "x", load: { throw CocoaError(.fileReadNoSuchFile) }),
        ])
        let ids = Dictionary(uniqueKeysWithValues: sink.records.map { ($0.source.uri, $0.id) })
        #expect(ids["retry"] == named)
        #expect(ids["unreadable"] == named + "x")
    }

    @Test("The sink receives records in batches, every record exactly once")
    func sinkBatches() throws {
        final class BatchSink: OrderSink, @unchecked Sendable {
            let batches = Mutex<[[OrderRecord]]>([])
            func write(_ record: OrderRecord) throws { try write(batch: [record]) }
            func write(batch records: [OrderRecord]) throws { batches.withLock { $0.append(records) } }
        }
        let sink = BatchSink()
        let pipeline = try Pipeline(
            name: "test", routes: [textRoute([draftStage()], settings: StageSettings(concurrency: 2, buffer: 64))],
            sink: sink, deadLetters: MemoryDeadLetters(), sinkBuffer: 512)
        _ = pipeline.run(inputs(2_000))
        let batches = sink.batches.withLock { $0 }
        #expect(batches.allSatisfy { !$0.isEmpty && $0.count <= Pipeline.sinkBatch })
        let ids = batches.joined().map(\.id)
        #expect(ids.count == 2_000)
        #expect(Set(ids).count == 2_000)
    }
}
