import Foundation
import IntakeTestSupport
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
        let folder = try makeTemporaryDirectory(prefix: "spool")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try Spool(dataFolder: folder, keepInputs: true)
        let data = Data((0..<10_000).map { UInt8($0 % 251) })
        let upload = try await spool.receive(body(data, chunk: 333), limit: 1 << 20)
        #expect(upload.sha256 == ContentHash.sha256(data))
        #expect(try Data(contentsOf: upload.file) == data)
        await #expect(throws: APIError.self) { try await spool.receive(self.body(data), limit: 100) }
    }

    @Test func aBinaryAlertIsSpooledAsItsFieldsThenTheBodyAsItCame() async throws {
        let folder = try makeTemporaryDirectory(prefix: "spool")
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
        let folder = try makeTemporaryDirectory(prefix: "spool")
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

    @Test func aFormIsReadUpToItsFileOrItsHundredthField() async throws {
        let folder = try makeTemporaryDirectory(prefix: "spool")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try Spool(dataFolder: folder, keepInputs: false)
        let boundary = "b0undary"
        func fields(_ count: Int) -> Data {
            Data((0..<count).map { "--\(boundary)\r\nContent-Disposition: form-data; name=\"f\($0)\"\r\n\r\nx\r\n" }.joined().utf8)
        }
        let file = Data("2 butter croissants".utf8)
        let filePart = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"note.txt\"\r\n\r\n".utf8) + file + Data("\r\n".utf8)
        let end = Data("--\(boundary)--\r\n".utf8)

        // The file after 99 fields is found, and nothing after it is read.
        let late = try await spool.receive(body(fields(99) + filePart + fields(20_000) + end, chunk: 65_536), limit: 64 << 20)
        let extracted = try spool.extractMultipart(late, boundary: boundary)
        #expect(extracted.part.filename == "note.txt")
        #expect(try Data(contentsOf: extracted.upload.file) == file)

        // 100 fields without a file: refused, however many follow (a form of tiny fields used to
        // be scanned again from each field to the end: minutes of CPU for a few megabytes).
        let many = try await spool.receive(body(fields(20_000) + filePart + end, chunk: 65_536), limit: 64 << 20)
        #expect { try spool.extractMultipart(many, boundary: boundary) } throws: { error in
            (error as? APIError)?.status == .badRequest && "\(error)".contains("first 100 fields")
        }

        // A boundary longer than RFC 2046's 70 bytes is no boundary.
        #expect(MultipartFile.boundary(of: "multipart/form-data; boundary=\(String(repeating: "b", count: 70))") != nil)
        #expect(MultipartFile.boundary(of: "multipart/form-data; boundary=\(String(repeating: "b", count: 71))") == nil)
    }

    private func entry(for upload: Spool.Upload, id: String) -> Spool.Entry {
        Spool.Entry(
            id: id, uri: "http:/v1/messages", sender: "courier-app", idempotencyKey: "key-\(id)", sha256: upload.sha256,
            contentType: "text/plain", bytes: upload.bytes, receivedAt: "2026-12-05T14:00:00Z")
    }

    @Test func aCommittedUploadIsOneFileHoldingItsBytesThenItsEntry() async throws {
        let folder = try makeTemporaryDirectory(prefix: "spool")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try Spool(dataFolder: folder, keepInputs: true)
        let data = Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 * 13) })
        let upload = try await spool.receive(body(data, chunk: 4096), limit: 1 << 20)
        let entry = entry(for: upload, id: "ord_0123456789abcdef01234567")
        try spool.commit(upload, as: entry)

        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.pending.path) == [entry.id])
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.incoming.path).isEmpty)
        #expect(spool.entry(entry.id) == entry)
        #expect(spool.pendingEntries() == [entry])
        #expect(try spool.input(for: entry).load() == data)

        spool.finished(entry.id)
        #expect(spool.pendingEntries().isEmpty)
        let kept = try #require(spool.keptInput(entry.id))
        #expect(kept.bytes == data)
        #expect(kept.contentType == "text/plain")
        // Read the same way from the data folder alone, as tools beside the server do.
        #expect(Spool.keptInput(entry.id, dataFolder: folder)?.bytes == data)
        #expect(Spool.keptInput("ord_ffffffffffffffffffffffff", dataFolder: folder) == nil)
    }

    /// Kept inputs are read rarely (the review page), so they leave the page cache: new uploads
    /// are written into those pages again, not into fresh ones.
    @Test func aKeptInputIsNotLeftInThePageCache() async throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-spool")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try Spool(dataFolder: folder, keepInputs: true)
        let data = Data((0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let upload = try await spool.receive(body(data, chunk: 65_536), limit: 1 << 22)
        let entry = entry(for: upload, id: "ord_00000000000000000000beef")
        try spool.commit(upload, as: entry)
        let pending = spool.pending.appendingPathComponent(entry.id)
        #expect(try Self.residentPages(pending) > 0)  // just written: cached

        spool.finished(entry.id)
        #expect(try Self.residentPages(spool.kept!.appendingPathComponent(entry.id)) == 0)
        #expect(spool.keptInput(entry.id)?.bytes == data)  // still there, read from disk
    }

    /// How many of `file`'s pages are in the page cache (mincore over a mapping, which reads nothing).
    static func residentPages(_ file: URL) throws -> Int {
        let descriptor = open(file.path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let size = Int(lseek(descriptor, 0, SEEK_END))
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let mapping = try #require(mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0))
        try #require(mapping != MAP_FAILED)
        defer { munmap(mapping, size) }
        var resident = [UInt8](repeating: 0, count: (size + page - 1) / page)
        try #require(mincore(mapping, size, &resident) == 0)
        return resident.filter { $0 & 1 == 1 }.count
    }

    /// A file whose trailer or entry did not all reach the disk is not an entry: it was never
    /// answered, so it is dropped, never read as a shorter upload.
    @Test func anEntryFileCutShortIsDroppedOnStart() async throws {
        let folder = try makeTemporaryDirectory(prefix: "spool")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spool = try Spool(dataFolder: folder, keepInputs: false)
        var committed: [Spool.Entry] = []
        for (index, cut) in [0, 1, SpoolTrailer.size, SpoolTrailer.size + 5].enumerated() {
            let upload = try await spool.receive(body(Data("store 12: \(index) butter croissants".utf8)), limit: 1 << 16)
            let entry = entry(for: upload, id: "ord_\(index)0000000000000000000000a")
            try spool.commit(upload, as: entry)
            committed.append(entry)
            guard cut > 0 else { continue }
            let file = spool.pending.appendingPathComponent(entry.id)
            let whole = try Data(contentsOf: file)
            try whole.prefix(whole.count - cut).write(to: file)
        }
        #expect(spool.pendingEntries() == [committed[0]])
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.pending.path) == [committed[0].id])
    }

    /// Entries written by earlier versions (bytes in `<id>`, the entry in `<id>.json`) are
    /// rewritten as entry files on start and queued, even when a stop cut an earlier rewrite
    /// short; inputs kept that way are still served.
    @Test func entriesInTheOldTwoFileLayoutAreRewrittenOnStart() throws {
        let folder = try makeTemporaryDirectory(prefix: "spool")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pending = folder.appendingPathComponent("spool/pending"), inputs = folder.appendingPathComponent("inputs")
        for directory in [pending, inputs] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        let data = Data("store 12: 2 butter croissants".utf8)
        let old = entry(for: Spool.Upload(file: folder, sha256: ContentHash.sha256(data), bytes: data.count), id: "ord_abcdef0123456789abcdef01")
        try data.write(to: pending.appendingPathComponent(old.id))
        try JSONEncoder().encode(old).write(to: pending.appendingPathComponent(old.id + ".json"))
        try JSONEncoder().encode(old).write(to: pending.appendingPathComponent("ord_ffffffffffffffffffffffff.json"))
        let keptID = "ord_0000000000000000000000ff"
        try data.write(to: inputs.appendingPathComponent(keptID))
        try JSONEncoder().encode(old).write(to: inputs.appendingPathComponent(keptID + ".json"))

        let spool = try Spool(dataFolder: folder, keepInputs: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: pending.path) == [old.id])
        #expect(spool.pendingEntries() == [old])
        #expect(try spool.input(for: old).load() == data)
        #expect(spool.keptInput(keptID)?.bytes == data)

        // A stop after the rewrite but before the old entry's removal: the next start only removes it.
        try JSONEncoder().encode(old).write(to: pending.appendingPathComponent(old.id + ".json"))
        let restarted = try Spool(dataFolder: folder, keepInputs: true)
        #expect(restarted.pendingEntries() == [old])
        #expect(try restarted.input(for: old).load() == data)
        restarted.finished(old.id)
        #expect(try FileManager.default.contentsOfDirectory(atPath: pending.path).isEmpty)
        #expect(restarted.keptInput(old.id)?.bytes == data)
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
