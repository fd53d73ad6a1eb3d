import Foundation
import IntakeCore
import IntakeReview
import IntakeTestSupport
@testable import IntakeServer
import Logging
import Testing

/// `--watch`: files dropped into a folder are processed once and moved to `done/` or `failed/`.
@Suite struct WatchFolderTests {
    @Test func aFileNamedAsTheWatchFolderIsRefusedWithTheReasonAndAMissingFolderIsMade() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-watch")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("passwd")
        try Data("root:x:0:0\n".utf8).write(to: file)
        func watch(_ url: URL) throws -> WatchFolder {
            try WatchFolder(folder: url, interval: 1, pipelineName: "test", feed: InputFeed(), completions: Completions(), logger: Logger(label: "test"))
        }
        #expect {
            _ = try watch(file)
        } throws: { error in
            "\(error)".contains("the watch folder \(file.path) is a file, not a folder")
        }
        let missing = folder.appendingPathComponent("scans/inbox")
        _ = try watch(missing)
        #expect(FileManager.default.fileExists(atPath: missing.appendingPathComponent("done").path))
    }

    @Test func droppedFilesAreProcessedOnceEvenAcrossARestart() async throws {
        let server = try await TestServer(watch: ["inbox"])
        let inbox = server.folder.appendingPathComponent("inbox")
        let done = inbox.appendingPathComponent("done")
        let failed = inbox.appendingPathComponent("failed")
        try TestServer.sample("samples/messages/courier-store12.txt").write(to: inbox.appendingPathComponent("store12.txt"))
        try TestServer.sample("samples/vibration/bad-unknown-device.json").write(to: inbox.appendingPathComponent("alert.json"))
        try Data("half-written".utf8).write(to: inbox.appendingPathComponent("scan.tiff.part"))

        try await server.wait(for: "both files to be moved") {
            FileManager.default.fileExists(atPath: done.appendingPathComponent("store12.txt").path)
                && FileManager.default.fileExists(atPath: failed.appendingPathComponent("alert.json").path)
        }
        let reason = try String(contentsOf: failed.appendingPathComponent("alert.json.reason.txt"), encoding: .utf8)
        #expect(reason.contains("unknown_device"))
        #expect(FileManager.default.fileExists(atPath: inbox.appendingPathComponent("scan.tiff.part").path))
        let orders = try server.queue.list(status: nil)
        #expect(orders.count == 2)
        let created = try server.queue.history(of: try #require(orders.first { $0.status == .pendingReview }).id).count

        // As if the server had died after storing the order but before moving the file:
        // the file is back in the folder when the server starts again.
        try await server.stop()
        try FileManager.default.copyItem(at: done.appendingPathComponent("store12.txt"), to: inbox.appendingPathComponent("store12.txt"))
        try await server.start()
        try await server.wait(for: "the re-dropped file to be moved") {
            FileManager.default.fileExists(atPath: done.appendingPathComponent("store12-2.txt").path)
        }
        #expect(try server.queue.list(status: nil).count == 2)
        let pending = try #require(try server.queue.list(status: .pendingReview).first)
        #expect(try server.queue.history(of: pending.id).count == created)
        try await server.stop()
    }

    @Test func aWaveformBesideItsSidecarGoesInWithItAndMovesWithIt() async throws {
        let server = try await TestServer(watch: ["inbox"])
        let inbox = server.folder.appendingPathComponent("inbox")
        let done = inbox.appendingPathComponent("done")
        // Two captures from a box that writes the same sidecar bytes every time.
        let sidecar = Data(#"{"device_id":"P-102","sample_rate_hz":4000,"rpm":2950,"unit":"g"}"#.utf8)
        for (name, hz) in [("capture-1", 49.2), ("capture-2", 98.3)] {
            let samples = (0..<8_000).map { i -> String in
                let t = Double(i) / 4_000
                return String(format: "%.6f", 0.2 * sin(2 * .pi * hz * t) + 0.05 * sin(2 * .pi * 1_234.5 * t) + Double((i * 7_919) % 1_000) / 1e5)
            }
            try (["g"] + samples).joined(separator: "\n").write(to: inbox.appendingPathComponent("\(name).csv"), atomically: true, encoding: .utf8)
            try sidecar.write(to: inbox.appendingPathComponent("\(name).json"))
        }
        let moved = ["capture-1.json", "capture-1.csv", "capture-2.json", "capture-2.csv"]
        try await server.wait(for: "both captures and their waveforms to be moved to done/") {
            moved.allSatisfy { FileManager.default.fileExists(atPath: done.appendingPathComponent($0).path) }
        }
        let orders = try server.queue.list(status: nil)
        #expect(orders.count == 2, "\(orders.map(\.id))")
        #expect(orders.allSatisfy { $0.status != .failed }, "\(orders.map(\.status))")
        #expect(!FileManager.default.fileExists(atPath: inbox.appendingPathComponent("failed/capture-1.csv").path))
        try await server.stop()
    }
}
