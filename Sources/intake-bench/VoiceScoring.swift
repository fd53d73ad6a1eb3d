import Dispatch
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeVoice

// MARK: - Running and scoring

/// Intake's path for one file: bytes → WAV → segmenter and decoder → order text → alignment.
struct VoicePath: Sendable {
    struct Outcome: Sendable {
        let heard: String
        let lines: [VoiceLine]
        /// `Party.scoringKey` of where the order goes; nil when no party was read.
        let party: String?
        /// The order's confidence, which decides whether auto mode may approve it.
        let confidence: Double
        /// The word the recogniser was least sure of, with its confidence ("forty 0.62").
        let leastSure: String
        /// File to order.
        let seconds: Double
        let recognizeSeconds: Double
    }

    let stage: RecognizeStage
    let aligner: IntentAligner

    func run(_ file: URL, worker: Int) throws -> Outcome {
        let start = DispatchTime.now()
        let audio = try WAVDecoder.decode(Data(contentsOf: file))
        let recognizing = DispatchTime.now()
        let transcript = try stage.transcribe(audio, worker: worker)
        let recognizeSeconds = elapsedSeconds(since: recognizing)
        let text = transcript.orderText(rewrites: stage.vocabulary.rewrites, doubtfulShare: stage.settings.doubtfulShare)
        let intent = aligner.align(text).intent
        let leastSure = text.origins.filter { $0.confidence != nil }.min { $0.confidence! < $1.confidence! }
            .map { "\(text.slice($0.span)) \(String(format: "%.2f", $0.confidence!))" } ?? "-"
        return Outcome(
            heard: text.text, lines: intent.lines.map(VoiceLine.init), party: intent.party?.scoringKey, confidence: intent.confidence, leastSure: leastSure,
            seconds: elapsedSeconds(since: start), recognizeSeconds: recognizeSeconds)
    }
}

/// Expected against produced lines, with what went wrong.
struct VoiceScore {
    let expectedLines: Int
    let exactLines: Int
    let extraLines: Int
    let patterns: [String]
    var exact: Bool { exactLines == expectedLines && extraLines == 0 }

    init(expected: [VoiceLine], got: [VoiceLine]) {
        var left = got
        var missed: [VoiceLine] = []
        for line in expected {
            if let index = left.firstIndex(of: line) { left.remove(at: index) } else { missed.append(line) }
        }
        var patterns: [String] = []
        for line in missed {
            if let index = left.firstIndex(where: { $0.sku == line.sku }) {
                patterns.append(left[index].quantity != line.quantity ? "wrong quantity" : "wrong modifiers")
                left.remove(at: index)
            } else if let index = left.firstIndex(where: { $0.quantity == line.quantity }) {
                patterns.append("wrong SKU")
                left.remove(at: index)
            } else if let index = left.indices.first {
                patterns.append("wrong SKU and quantity")
                left.remove(at: index)
            } else {
                patterns.append("missing line")
            }
        }
        patterns += left.map { _ in "extra line" }
        expectedLines = expected.count
        exactLines = expected.count - missed.count
        extraLines = max(0, got.count - expected.count)
        self.patterns = patterns
    }
}

extension Party {
    /// Kind and id, as a corpus names an expected party ("store 12").
    var scoringKey: String { "\(kind.rawValue) \(id ?? name)" }
}

struct VoiceTally {
    var orders = 0, exactOrders = 0, lines = 0, exactLines = 0, extraLines = 0
    /// Against the review policy's `min_confidence`: wrong orders at or above it (auto mode
    /// would approve them unseen) and exact orders below it (a reviewer would see them anyway).
    var wrongAboveMinConfidence = 0, exactBelowMinConfidence = 0
    /// Orders sent to a store or machine other than the one said (or to one when none was),
    /// and how many of them reached `min_confidence`. Apart from `exactOrders`, which counts lines.
    var wrongParty = 0, wrongPartyAboveMinConfidence = 0
    var orderAccuracy: Double { Double(exactOrders) / Double(max(orders, 1)) }
    var lineAccuracy: Double { Double(exactLines) / Double(max(lines, 1)) }

    /// `confident`: whether the order reached `min_confidence` (nil: not judged).
    /// `partyRight`: whether the order went where it was said to (nil: not judged).
    mutating func add(_ score: VoiceScore, partyRight: Bool? = nil, confident: Bool? = nil) {
        orders += 1
        if partyRight == false {
            wrongParty += 1
            wrongPartyAboveMinConfidence += confident == true ? 1 : 0
        }
        exactOrders += score.exact ? 1 : 0
        lines += score.expectedLines
        exactLines += score.exactLines
        extraLines += score.extraLines
        if let confident {
            wrongAboveMinConfidence += !score.exact && confident ? 1 : 0
            exactBelowMinConfidence += score.exact && !confident ? 1 : 0
        }
    }

    mutating func merge(_ other: VoiceTally) {
        orders += other.orders
        exactOrders += other.exactOrders
        lines += other.lines
        exactLines += other.exactLines
        extraLines += other.extraLines
        wrongAboveMinConfidence += other.wrongAboveMinConfidence
        exactBelowMinConfidence += other.exactBelowMinConfidence
        wrongParty += other.wrongParty
        wrongPartyAboveMinConfidence += other.wrongPartyAboveMinConfidence
    }
}

/// Results written by several threads, each to its own index.
final class LockedResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    private var firstError: Error?

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }
    func fail(_ error: Error) { lock.withLock { if firstError == nil { firstError = error } } }
    var values: [Value?] { lock.withLock { slots } }
    var error: Error? { lock.withLock { firstError } }
}

/// Hands out indexes 0, 1, 2… to worker threads.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard next < limit else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
