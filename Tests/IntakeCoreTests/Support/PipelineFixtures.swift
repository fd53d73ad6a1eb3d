import Foundation
import IntakeCore
import Synchronization

/// A stage made from a closure, for tests.
struct ClosureStage<Input: Sendable, Output: Sendable>: Stage {
    let body: @Sendable (Input, StageContext) throws -> Output
    func process(_ input: Input, context: StageContext) throws -> Output { try body(input, context) }
}

/// Turns bytes into a draft with one line whose text is the input, so records can be traced back.
func draftStage(_ work: @escaping @Sendable (Data) throws -> Void = { _ in }) -> AnyStage {
    AnyStage(ClosureStage<Data, OrderDraft> { bytes, _ in
        try work(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        return OrderDraft(intent: OrderIntent(type: .delivery, lines: [OrderLine(sku: nil, text: text, quantity: 1, confidence: 1)]))
    }, name: "draft")
}

func textRoute(_ stages: [AnyStage], settings: StageSettings = StageSettings(), sniffer: any ContentSniffer = AcceptAll()) -> Route {
    Route(modality: .text, sniffer: sniffer, stages: (stages + [AnyStage(RecordStage(pipeline: "test"), name: "record")]).map {
        (stage: $0, settings: settings)
    })
}

struct AcceptAll: ContentSniffer {
    func accepts(_ bytes: Data) -> Bool { true }
}

struct AcceptPrefix: ContentSniffer {
    let prefix: String
    func accepts(_ bytes: Data) -> Bool { bytes.starts(with: Data(prefix.utf8)) }
}

/// Keeps every record; optionally runs a hook after each.
final class CollectingSink: OrderSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [OrderRecord] = []
    private let onWrite: @Sendable (Int) -> Void
    private(set) var finished = false

    init(onWrite: @escaping @Sendable (Int) -> Void = { _ in }) { self.onWrite = onWrite }

    func write(_ record: OrderRecord) throws {
        let count = lock.withLock {
            stored.append(record)
            return stored.count
        }
        onWrite(count)
    }

    func finish() throws { lock.withLock { finished = true } }

    var records: [OrderRecord] { lock.withLock { stored } }
}

/// Keeps dead letters in memory.
final class MemoryDeadLetters: DeadLetterStore, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [DeadLetter] = []
    func store(_ letter: DeadLetter) throws { lock.withLock { stored.append(letter) } }
    var letters: [DeadLetter] { lock.withLock { stored } }
}

/// Counts how many inputs have been read but not yet written, and the most at once.
final class FlightRecorder: @unchecked Sendable {
    private let state = Mutex((inFlight: 0, peak: 0, read: 0))
    func read() {
        state.withLock {
            $0.inFlight += 1
            $0.read += 1
            $0.peak = max($0.peak, $0.inFlight)
        }
    }
    func written() { state.withLock { $0.inFlight -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
    var readCount: Int { state.withLock { $0.read } }
}

func inputs(_ count: Int, recorder: FlightRecorder? = nil, prefix: String = "item") -> [PipelineInput] {
    (0..<count).map { index in
        PipelineInput(uri: "test:\(index)", load: {
            recorder?.read()
            return Data("\(prefix)-\(index)".utf8)
        })
    }
}
