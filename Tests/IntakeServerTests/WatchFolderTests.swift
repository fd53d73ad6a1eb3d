import Foundation
import IntakeCore
import IntakeReview
import Testing

/// `--watch`: files dropped into a folder are processed once and moved to `done/` or `failed/`.
@Suite struct WatchFolderTests {
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
}
