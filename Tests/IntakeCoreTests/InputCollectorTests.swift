import Foundation
import IntakeTestSupport
import Testing

@testable import IntakeCore

#if canImport(Glibc)
import Glibc
#endif

@Suite("Collecting inputs from files, links, pipes and folders")
struct InputCollectorTests {
    @Test func aFolderWalkTakesFilesAndLinksToFilesAndPassesOverPipesAndDevices() throws {
        let root = try makeTemporaryDirectory(prefix: "intake-inputs")
        defer { try? FileManager.default.removeItem(at: root) }
        let elsewhere = try makeTemporaryDirectory(prefix: "intake-inputs")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        try Data("3 lattes".utf8).write(to: root.appendingPathComponent("a.txt"))
        try Data("5 bagels".utf8).write(to: elsewhere.appendingPathComponent("b.txt"))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("b.txt"), withDestinationURL: elsewhere.appendingPathComponent("b.txt"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("c.txt").path, withDestinationPath: "/dev/zero")
        #expect(mkfifo(root.appendingPathComponent("d.txt").path, 0o600) == 0)

        let inputs = try InputCollector.collect([root.path])

        #expect(inputs.map { URL(fileURLWithPath: $0.uri).lastPathComponent } == ["a.txt", "b.txt"])
        #expect(try inputs.map { String(decoding: try $0.load(), as: UTF8.self) } == ["3 lattes", "5 bagels"])
    }

    @Test func aPipeNamedOnItsOwnIsReadToItsEnd() throws {
        let root = try makeTemporaryDirectory(prefix: "intake-inputs")
        defer { try? FileManager.default.removeItem(at: root) }
        let pipe = root.appendingPathComponent("report.txt")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        // As `intake process <(command)` hands over /dev/fd/N: Data(contentsOf:) refuses it.
        Thread.detachNewThread { try? Data("2 butter croissants".utf8).write(to: pipe) }

        let inputs = try InputCollector.collect([pipe.path])

        #expect(try inputs.map { String(decoding: try $0.load(), as: UTF8.self) } == ["2 butter croissants"])
    }

    @Test func aFolderOrAMissingFileNamedToReadGetsAPlainReason() throws {
        let root = try makeTemporaryDirectory(prefix: "intake-inputs")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: InputFailure(code: "unreadable_input", message: "it is a folder, not a file; name the files in it")) {
            try InputCollector.read(root.path)
        }
        let missing = root.appendingPathComponent("gone.wav").path
        #expect(throws: InputFailure(code: "unreadable_input", message: "no such file or directory")) { try InputCollector.read(missing) }
        // Foundation's own file errors read as their description too.
        let cocoa = try #require(throws: CocoaError.self) { try Data(contentsOf: URL(fileURLWithPath: missing)) }
        #expect(cocoa.intakeCode == "unreadable_input")
        #expect(!cocoa.intakeMessage.contains("Domain=") && !cocoa.intakeMessage.isEmpty, "\(cocoa.intakeMessage)")
    }

    @Test func aStreamThatDoesNotEndIsCutAtTheLimit() throws {
        let zero = try #require(FileHandle(forReadingAtPath: "/dev/zero"))
        defer { try? zero.close() }
        #expect(throws: InputFailure(code: "input_too_large", message: "/dev/zero gave more than 4096 bytes without ending; send a file")) {
            try InputCollector.readStream(zero, name: "/dev/zero", limit: 4096)
        }
    }
}
