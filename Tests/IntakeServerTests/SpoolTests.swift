import Foundation
import HTTPTypes
import Hummingbird
import IntakeCore
@testable import IntakeReview
@testable import IntakeServer
import Logging
import Testing

/// The spool: uploads streamed to disk before `202`, replayed after a stop, multipart files
/// taken out of their form.
@Suite struct SpoolTests {
    private func body(_ data: Data, chunk: Int = 7) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            var offset = 0
            while offset < data.count {
                continuation.yield(ByteBuffer(bytes: data[offset..<min(data.count, offset + chunk)]))
                offset += chunk
            }
            continuation.finish()
        }
    }

    @Test func aStreamedBodyIsHashedAsItsWholeBytes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try Spool(dataFolder: folder, keepInputs: true)
        let data = Data((0..<10_000).map { UInt8($0 % 251) })
        let upload = try await spool.receive(body(data, chunk: 333), limit: 1 << 20)
        #expect(upload.sha256 == ContentHash.sha256(data))
        #expect(try Data(contentsOf: upload.file) == data)
        await #expect(throws: APIError.self) { try await spool.receive(self.body(data), limit: 100) }
    }

    @Test func aBinaryAlertIsSpooledAsItsFieldsThenTheBodyAsItCame() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try Spool(dataFolder: folder, keepInputs: false)
        let samples = Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let token = APIToken(id: "tok_x", name: "box", role: .device, subject: "P-101", createdAt: "", createdBy: "", revokedAt: nil)
        let header = try BinaryAlert.header(headers: [HTTPField.Name("Alert-Device-Id")!: "P-101", HTTPField.Name("Alert-Sample-Rate-Hz")!: "25600"], token: token)
        let upload = try await spool.receive(body(samples, chunk: 5), limit: 1 << 20, header: header)
        let spooled = try Data(contentsOf: upload.file)
        let separator = try #require(spooled.firstIndex(of: 0))
        let json = try #require(try JSONSerialization.jsonObject(with: spooled[..<separator]) as? [String: Any])
        #expect(json["device_id"] as? String == "P-101")
        #expect(json["sample_rate_hz"] as? Double == 25600)
        #expect(json.count == 2)
        #expect(spooled[(separator + 1)...] == samples)
        #expect(upload.sha256 == ContentHash.sha256(spooled))
    }

    @Test func aMultipartBodyYieldsItsFilePart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try Spool(dataFolder: folder, keepInputs: false)
        let boundary = "----intake-test"
        let file = Data("RIFF....WAVEfmt binary\r\n--not-a-boundary\r\n".utf8)
        var form = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n".utf8)
        form += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"store12.wav\"\r\nContent-Type: audio/wav\r\n\r\n".utf8)
        form += file + Data("\r\n--\(boundary)--\r\n".utf8)
        #expect(MultipartFile.boundary(of: "multipart/form-data; boundary=\"\(boundary)\"") == boundary)
        let upload = try await spool.receive(body(form, chunk: 64), limit: 1 << 20)
        let extracted = try spool.extractMultipart(upload, boundary: boundary)
        #expect(extracted.part.filename == "store12.wav")
        #expect(extracted.part.contentType == "audio/wav")
        #expect(extracted.upload.sha256 == ContentHash.sha256(file))
        #expect(try Data(contentsOf: extracted.upload.file) == file)
    }

    /// An upload answered 202 while the server was stopping (the feed closed) is on disk only;
    /// the next start processes it, once.
    @Test func anUploadAcceptedBeforeAStopIsProcessedAfterTheRestart() async throws {
        let server = try await TestServer()
        try await server.stop()

        let spool = try Spool(dataFolder: server.configuration.dataFolder, keepInputs: true)
        let closed = InputFeed()
        closed.close()
        let receiver = InputReceiver(
            spool: spool, feed: closed, completions: Completions(), queue: server.queue,
            pipelineName: try server.pipeline.name, logger: Logger(label: "test"))
        let message = Data("store 12: 2 butter croissants".utf8)
        let receipt = try receiver.accept(
            try await spool.receive(body(message), limit: 1 << 16), uri: "http:/v1/messages", sender: "courier-app",
            key: nil, scope: "courier-app", contentType: "text/plain")
        #expect(receipt.status == "queued")
        #expect(try server.queue.record(id: receipt.id) == nil)

        try await server.start()
        let record = try await server.waitForOrder(receipt.id)
        #expect(record.intent.lines.first?.sku == "CAF-1034")
        try await server.wait(for: "the spool to empty") { spool.pendingEntries().isEmpty }
        #expect(spool.keptInput(receipt.id) != nil)
        try await server.stop()
    }
}
