import Foundation
import IntakeCore
import IntakeReview
import IntakeTestSupport
import Testing

/// The malformed-input corpus (samples/malformed, written by scripts/make-malformed-samples) in
/// one `intake process` run, mixed with one good input per modality: every broken input gets the
/// failed record and dead letter its entry in samples/expected-malformed.json names, with its
/// original bytes, and the good inputs behind them still become orders.
@Suite("Malformed inputs of every modality")
struct MalformedInputTests {
    struct Expectation: Decodable {
        var code: String?
        var status: String?
    }

    static let goodInputs = [
        "samples/messages/courier-store12.txt", "samples/vibration/p101-outer-race.json",
        "samples/voice/store12-oat-milk.wav", "samples/documents/acme-ruled.png",
    ]

    @Test("Each malformed input gets its error code and a dead letter with its bytes; good inputs after them still become orders")
    func corpusFailsCleanlyAndThePipelineKeepsGoing() throws {
        let expected = try JSONDecoder().decode(
            [String: Expectation].self, from: Data(contentsOf: IntakeBinary.packageFile("samples/expected-malformed.json")))
        #expect(Set(expected.keys.map { $0.split(separator: "/")[0] }) == ["voice", "documents", "vibration", "text"])
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }

        let run = try ProcessCommandTests.process(
            [IntakeBinary.packageFile("samples/malformed").path] + Self.goodInputs.map { IntakeBinary.packageFile($0).path },
            storeIn: folder)
        #expect(run.status == 0, "\(run)")
        let records = try ProcessCommandTests.records(of: run)
        #expect(records.count == expected.count + Self.goodInputs.count, "one record per input")

        let queue = ReviewQueue(store: try OrderStore(path: folder.appendingPathComponent("intake.db").path))
        for (path, expectation) in expected.sorted(by: { $0.key < $1.key }) {
            let file = IntakeBinary.packageFile("samples/malformed/\(path)")
            guard let record = records.first(where: { $0.source.uri == file.path }) else {
                Issue.record("no record for \(path)")
                continue
            }
            if let code = expectation.code {
                #expect(record.status == .failed, "\(path)")
                #expect(record.error?.code == code, "\(path): \(String(describing: record.error))")
                #expect((record.error?.message.count ?? 0) > 20, "\(path): the reason says what is wrong")
                let letter = try queue.deadLetter(record.id)
                #expect(letter.letter.code == code, "\(path)")
                #expect(letter.bytes == (try Data(contentsOf: file)), "\(path): the dead letter keeps the original bytes")
            } else {
                #expect(record.status.rawValue == expectation.status, "\(path)")
            }
        }
        for path in Self.goodInputs {
            let record = try #require(records.first { $0.source.uri == IntakeBinary.packageFile(path).path }, "\(path)")
            #expect(record.status != .failed && !record.intent.lines.isEmpty, "\(path): \(record.status)")
        }
    }

    @Test("A file over the input limit (3 GiB, sparse) fails as input_too_large without being read; the files beside it still become orders")
    func aFileOverTheInputLimitIsRefusedBeforeItIsRead() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let inbox = folder.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let huge = inbox.appendingPathComponent("scan.png")
        #expect(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 3 << 30)  // sparse: no disk, and read whole it was 3 GiB of memory
        try handle.close()
        try Data("3 butter croissants".utf8).write(to: inbox.appendingPathComponent("order.txt"))

        // It crashed: the dead letter's bytes went to an SQLite binding that takes at most 2 GiB.
        let run = try ProcessCommandTests.process([inbox.path], storeIn: folder)
        #expect(run.status == 0, "\(run)")
        let records = try ProcessCommandTests.records(of: run)
        let failed = try #require(records.first { $0.source.uri == huge.path })
        #expect(failed.status == .failed)
        #expect(failed.error?.code == "input_too_large")
        #expect(failed.error?.message.contains("3221225472 bytes") == true, "\(String(describing: failed.error))")
        #expect(records.contains { $0.source.uri.hasSuffix("order.txt") && $0.status == .pendingReview })
    }
}
