import Foundation
import IntakeTestSupport
import Testing
@testable import IntakeCore

@Suite("JSON Lines sink")
struct JSONLinesSinkTests {
    static func record(_ n: Int) -> OrderRecord {
        OrderRecord(
            id: "ord_\(n)", status: .failed, source: OrderSource(modality: .text, uri: "in/\(n).txt", sha256: "00", bytes: 1),
            pipeline: "test", intent: .none, error: OrderError(code: "x", message: "y"))
    }

    @Test("--out writes through the path it is given: a symlink stays a symlink and its target gets the records")
    func writesInPlace() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-sink")
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("orders.jsonl"), link = folder.appendingPathComponent("latest.jsonl")
        try Data("old contents\n".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)

        let sink = try JSONLinesSink(url: link)
        try sink.write(batch: [Self.record(1), Self.record(2)])
        try sink.finish()

        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path,
                "the link is not replaced by a new file (as an atomic create would; for /dev/null that breaks the machine)")
        let lines = try String(contentsOf: target, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2, "truncated, then one line per record")
        #expect(lines.first?.contains("ord_1") == true)
    }

    @Test("An output in a missing folder is refused with output_unwritable and the reason")
    func missingFolder() {
        #expect {
            _ = try JSONLinesSink(url: URL(fileURLWithPath: "/nonexistent-intake-folder/out.jsonl"))
        } throws: { error in
            (error as? InputFailure)?.code == "output_unwritable" && "\(error)".contains("No such file")
        }
    }

    @Test("A write to a full disk throws output_unwritable naming the file and the system's reason")
    func fullDisk() throws {
        // /dev/full answers every write with ENOSPC, as a full disk does.
        let sink = try JSONLinesSink(url: URL(fileURLWithPath: "/dev/full"))
        #expect {
            try sink.write(batch: [Self.record(1)])
        } throws: { error in
            let message = "\(error)"
            return (error as? InputFailure)?.code == "output_unwritable" && message.contains("/dev/full")
                && message.contains("No space left on device") && !message.contains("NSCocoaErrorDomain")
        }
    }

    @Test("A Foundation file error's message is the system's reason, from FileHandle and from Data.write alike")
    func fileErrorsSayTheSystemsReason() throws {
        var failures: [any Error] = []
        do { try Data([1]).write(to: URL(fileURLWithPath: "/dev/full")) } catch { failures.append(error) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Data([1])) } catch { failures.append(error) }
        #expect(failures.count == 2)
        for error in failures { #expect(error.intakeMessage == "No space left on device", "\(error)") }
    }
}
