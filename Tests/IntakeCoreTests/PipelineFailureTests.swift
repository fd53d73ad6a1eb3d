import Foundation
import IntakeTestSupport
import IntakeCore
import Synchronization
import Testing

@Suite struct PipelineFailureTests {
    @Test func aThrowingItemBecomesADeadLetterWithItsOriginalBytesAndTheRestFlow() throws {
        let letters = MemoryDeadLetters()
        let sink = CollectingSink()
        let picky = draftStage { bytes in
            if String(decoding: bytes, as: UTF8.self).hasSuffix("7") {
                throw InputFailure(code: "bad_seven", message: "sevens are not accepted")
            }
        }
        let pipeline = try Pipeline(name: "test", routes: [textRoute([picky])], sink: sink, deadLetters: letters)

        let summary = pipeline.run(inputs(100))

        #expect(sink.records.count == 100)
        let failed = sink.records.filter { $0.status == .failed }
        #expect(failed.count == 10)
        #expect(summary.failed == 10)
        #expect(failed.allSatisfy { $0.error?.code == "bad_seven" && $0.error?.stage == "draft" })
        #expect(letters.letters.count == 10)
        for letter in letters.letters {
            #expect(letter.stage == "draft")
            #expect(letter.reason == "sevens are not accepted")
            #expect(String(decoding: letter.input.bytes, as: UTF8.self).hasSuffix("7"))
            #expect(letter.input.sha256 == ContentHash.sha256(letter.input.bytes))
        }
        #expect(sink.records.filter { $0.status == .pendingReview }.count == 90)
    }

    @Test func anOrderWithANaNIsADeadLetterAndTheSinkWritesEveryOtherOrder() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-nan")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("orders.jsonl")
        let letters = MemoryDeadLetters()
        let nan = AnyStage(ClosureStage<Data, OrderDraft> { bytes, _ in
            let text = String(decoding: bytes, as: UTF8.self)
            let quantity = text == "item-3" ? Double.nan : 1
            return OrderDraft(intent: OrderIntent(type: .delivery, lines: [OrderLine(sku: nil, text: text, quantity: quantity, confidence: 1)]))
        }, name: "draft")
        // JSON Lines, as `intake process` writes: JSON has no NaN, so encoding that order throws.
        let pipeline = try Pipeline(name: "test", routes: [textRoute([nan])], sink: try JSONLinesSink(url: output), deadLetters: letters)

        let summary = pipeline.run(inputs(6))

        #expect(summary.sinkError == nil)
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6, "every input has its record")
        let failed = try #require(lines.first { $0.contains("\"failed\"") })
        #expect(failed.contains("non_finite_number") && failed.contains("test:3"))
        let letter = try #require(letters.letters.first)
        #expect(letters.letters.count == 1 && letter.stage == "record" && letter.input.bytes == Data("item-3".utf8))
        #expect(letter.reason.contains("intent.lines[0].quantity is not a finite number"))
    }

    @Test func theFirstNonFiniteNumberIsFoundByItsPath() {
        var intent = OrderIntent(type: .delivery, lines: [OrderLine(sku: nil, text: "a", quantity: 1, confidence: 1)])
        #expect(NonFiniteNumbers.firstPath(in: intent) == nil)
        intent.lines.append(OrderLine(sku: nil, text: "b", quantity: 2, confidence: -.infinity))
        #expect(NonFiniteNumbers.firstPath(in: intent) == "lines[1].confidence")
        #expect(NonFiniteNumbers.firstPath(in: [[1.0], [2.0, Double.nan]]) == "[1][1]")
        #expect(NonFiniteNumbers.firstPath(in: Float.infinity) == "")
    }

    @Test func anUnreadableInputIsAFailedRecordNotACrash() throws {
        let sink = CollectingSink()
        let letters = MemoryDeadLetters()
        let pipeline = try Pipeline(name: "test", routes: [textRoute([draftStage()])], sink: sink, deadLetters: letters)
        struct Gone: Error {}
        let summary = pipeline.run([PipelineInput(uri: "file:///gone", load: { throw Gone() })] + inputs(2))
        #expect(summary.written == 3)
        let failed = try #require(sink.records.first { $0.status == .failed })
        #expect(failed.error?.code == "unreadable_input")
        #expect(failed.error?.stage == "read")
        #expect(letters.letters.count == 1)
    }

    @Test func contentNoRouteRecognisesIsAFailedRecordNamingTheRoutes() throws {
        let sink = CollectingSink()
        let route = textRoute([draftStage()], sniffer: AcceptPrefix(prefix: "item"))
        let pipeline = try Pipeline(name: "test", routes: [route], sink: sink, deadLetters: MemoryDeadLetters())
        _ = pipeline.run(inputs(3) + [PipelineInput(uri: "test:binary", bytes: Data([0, 1, 2, 255]))])
        let failed = try #require(sink.records.first { $0.source.uri == "test:binary" })
        #expect(failed.status == .failed)
        #expect(failed.error?.code == "unsupported_input")
        #expect(failed.error?.message.contains("routes: text") == true)
        #expect(sink.records.filter { $0.status == .pendingReview }.count == 3)
    }

    @Test func inputsAreRoutedByContentToTheirModality() throws {
        let sink = CollectingSink()
        let voice = Route(modality: .voice, sniffer: AcceptPrefix(prefix: "RIFF"), stages: [
            (stage: draftStage(), settings: StageSettings()),
            (stage: AnyStage(RecordStage(pipeline: "test"), name: "record"), settings: StageSettings()),
        ])
        let pipeline = try Pipeline(
            name: "test", routes: [voice, textRoute([draftStage()])], sink: sink, deadLetters: MemoryDeadLetters())
        _ = pipeline.run([PipelineInput(uri: "a.txt", bytes: Data("RIFF....".utf8)), PipelineInput(uri: "b.wav", bytes: Data("hello".utf8))])
        let byURI = Dictionary(uniqueKeysWithValues: sink.records.map { ($0.source.uri, $0.source.modality) })
        #expect(byURI["a.txt"] == .voice)
        #expect(byURI["b.wav"] == .text)
    }

    @Test func aHungItemTimesOutWhileTheOthersAreProcessed() throws {
        let release = DispatchSemaphore(value: 0)
        let hung = draftStage { bytes in
            if String(decoding: bytes, as: UTF8.self) == "item-0" { _ = release.wait(timeout: .now() + 30) }
        }
        let sink = CollectingSink()
        let letters = MemoryDeadLetters()
        let pipeline = try Pipeline(
            name: "test", routes: [textRoute([hung], settings: StageSettings(concurrency: 1, buffer: 4, timeout: 0.2))],
            sink: sink, deadLetters: letters)

        let summary = pipeline.run(inputs(20))
        // The run finished while item-0 was still stuck in its worker.
        release.signal()

        #expect(summary.written == 20)
        let timedOut = try #require(sink.records.first { $0.source.uri == "test:0" })
        #expect(timedOut.status == .failed)
        #expect(timedOut.error?.code == "timeout")
        #expect(letters.letters.map(\.code) == ["timeout"])
        #expect(sink.records.filter { $0.status == .pendingReview }.count == 19)
    }

    @Test func aStageScalesItsTimeoutToTheItemItIsGiven() throws {
        /// Allows the configured timeout once per byte. One byte hangs until released; eight take
        /// 0.5 s, more than the configured 0.2 s and well under the 1.6 s they are allowed.
        struct PerByte: Stage {
            let release: DispatchSemaphore
            func process(_ bytes: Data, context: StageContext) throws -> OrderDraft {
                if bytes.count == 1 { _ = release.wait(timeout: .now() + 30) } else { Thread.sleep(forTimeInterval: 0.5) }
                return OrderDraft(intent: OrderIntent(type: .delivery, lines: [OrderLine(sku: nil, text: "x", quantity: 1, confidence: 1)]))
            }
            func timeout(for bytes: Data, configured: Double) -> Double { configured * Double(bytes.count) }
        }
        let release = DispatchSemaphore(value: 0)
        let sink = CollectingSink()
        let stage = AnyStage(PerByte(release: release), name: "draft")
        let pipeline = try Pipeline(
            name: "test", routes: [textRoute([stage], settings: StageSettings(concurrency: 2, timeout: 0.2))],
            sink: sink, deadLetters: MemoryDeadLetters())

        _ = pipeline.run([PipelineInput(uri: "short", bytes: Data("a".utf8)), PipelineInput(uri: "long", bytes: Data("abcdefgh".utf8))])
        release.signal()

        let records = Dictionary(uniqueKeysWithValues: sink.records.map { ($0.source.uri, $0) })
        #expect(records["short"]?.error?.code == "timeout")
        #expect(records["short"]?.error?.message.contains("gave up after 0.2 s") == true)
        #expect(records["long"]?.status == .pendingReview)
    }

    @Test func stagesThatDoNotChainAreRejectedWhenBuilt() throws {
        let textToText = AnyStage(ClosureStage<String, String> { text, _ in text }, name: "upper")
        let route = Route(modality: .text, sniffer: AcceptAll(), stages: [(stage: textToText, settings: StageSettings())])
        #expect(throws: PipelineError.stagesDoNotChain(route: "text", stage: "upper", expects: "String", receives: "Data")) {
            try Pipeline(name: "test", routes: [route], sink: CollectingSink(), deadLetters: MemoryDeadLetters())
        }
        let noRecord = Route(modality: .text, sniffer: AcceptAll(), stages: [(stage: draftStage(), settings: StageSettings())])
        #expect(throws: PipelineError.routeDoesNotEndInRecord(route: "text", produces: "OrderDraft")) {
            try Pipeline(name: "test", routes: [noRecord], sink: CollectingSink(), deadLetters: MemoryDeadLetters())
        }
    }
}
