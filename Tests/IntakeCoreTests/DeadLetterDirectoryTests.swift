import Foundation
import IntakeCore
import Testing

@Suite struct DeadLetterDirectoryTests {
    @Test func keepsTheOriginalBytesAndTheReasonAndReplacesOnRetry() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dead-letters-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = DeadLetterDirectory(directory: folder)
        let bytes = Data([0x00, 0xFF, 0x10, 0x41])
        let input = ReceivedInput(uri: "file:///inbox/a.bin", bytes: bytes, modality: .text)
        try store.store(DeadLetter(orderID: "ord_1", stage: "text.decode", code: "invalid_text_encoding", reason: "not UTF-8", input: input))
        try store.store(DeadLetter(orderID: "ord_1", stage: "text.decode", code: "invalid_text_encoding", reason: "still not UTF-8", input: input))

        #expect(try store.bytes(of: "ord_1") == bytes)
        let letters = try store.list()
        #expect(letters.count == 1)
        let letter = try #require(letters.first)
        #expect(letter.reason == "still not UTF-8")
        #expect(letter.sha256 == ContentHash.sha256(bytes))
        #expect(letter.uri == "file:///inbox/a.bin")
        #expect(letter.modality == "text")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["ord_1.input", "ord_1.json"])
    }
}

@Suite struct InputCollectorTests {
    @Test func expandsFoldersRecursivelyAndGlobsSkippingHiddenFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("inputs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for name in ["b.txt", "a.txt", "sub/c.txt", ".hidden", "d.wav"] {
            try Data(name.utf8).write(to: root.appendingPathComponent(name))
        }
        let folder = try InputCollector.collect([root.path]).map { URL(fileURLWithPath: $0.uri).lastPathComponent }
        #expect(folder == ["a.txt", "b.txt", "d.wav", "c.txt"])
        let glob = try InputCollector.collect([root.path + "/*.txt"]).map { URL(fileURLWithPath: $0.uri).lastPathComponent }
        #expect(glob == ["a.txt", "b.txt"])
        let loaded = try InputCollector.collect([root.appendingPathComponent("a.txt").path])
        #expect(try loaded.first?.load() == Data("a.txt".utf8))
    }

    @Test func aMissingPathOrAnEmptyGlobIsAnError() throws {
        let missing = try #require(throws: InputFailure.self) { try InputCollector.collect(["/nonexistent/intake/file"]) }
        #expect(missing.code == "input_not_found")
        let glob = try #require(throws: InputFailure.self) { try InputCollector.collect(["/nonexistent/intake/*.txt"]) }
        #expect(glob.message.contains("no file matches"))
    }
}
