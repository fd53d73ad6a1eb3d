import Foundation
import IntakeCore
import Hummingbird

/// Uploads on their way into the pipeline, kept on disk so that `202 Accepted` is a promise.
///
/// A body is streamed to `spool/incoming/` while it is hashed (never held whole in memory).
/// To commit it, a small JSON entry (who sent it, under which idempotency key) and a trailer
/// are appended to the same file, which is fsync'ed and moved to `spool/pending/<order id>`:
/// one file, one fsync and one rename per upload. Only then is it queued and answered. When its
/// order is stored, the file moves to `inputs/` (for the review page) or is deleted. On start,
/// every pending entry is queued again: a crash between `202` and the store loses nothing, and
/// the idempotency key keeps it from becoming two orders.
///
/// An entry file: the upload's bytes, the entry's JSON, then `SpoolTrailer` (the JSON's
/// length and a magic). Pending entries written before this layout (bytes in `<id>`, JSON in
/// `<id>.json`) are rewritten in it on start; inputs kept in it are still served.
public final class Spool: Sendable {
    /// What the spool knows about one accepted upload.
    struct Entry: Codable, Sendable, Equatable {
        var id: String
        var uri: String
        var sender: String?
        var idempotencyKey: String
        var sha256: String
        var contentType: String
        var bytes: Int
        var receivedAt: String

        enum CodingKeys: String, CodingKey {
            case id, uri, sender, sha256, bytes
            case idempotencyKey = "idempotency_key"
            case contentType = "content_type"
            case receivedAt = "received_at"
        }
    }

    /// A body received into `incoming/`, not yet committed.
    struct Upload: Sendable {
        let file: URL
        let sha256: String
        let bytes: Int
    }

    let incoming: URL
    let pending: URL
    let kept: URL?
    /// Renames into `pending/` are made durable together (one directory fsync for many uploads).
    let pendingSync: DirectorySync

    init(dataFolder: URL, keepInputs: Bool) throws {
        incoming = dataFolder.appendingPathComponent("spool/incoming")
        pending = dataFolder.appendingPathComponent("spool/pending")
        kept = keepInputs ? Self.keptFolder(dataFolder) : nil
        pendingSync = DirectorySync(pending)
        for folder in [incoming, pending] + (kept.map { [$0] } ?? []) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        // Bodies still being received when the server stopped were never answered: drop them.
        for leftover in (try? FileManager.default.contentsOfDirectory(at: incoming, includingPropertiesForKeys: nil)) ?? [] {
            try? FileManager.default.removeItem(at: leftover)
        }
        try migrateOldLayout()
    }

    /// Rewrites pending entries of the old two-file layout as entry files, so that everything
    /// after start knows one layout. An old entry whose bytes are gone describes nothing.
    private func migrateOldLayout() throws {
        let names = Set((try? FileManager.default.contentsOfDirectory(atPath: pending.path)) ?? [])
        for name in names where name.hasSuffix(".json") {
            let meta = pending.appendingPathComponent(name)
            let id = String(name.dropLast(5))
            // Already rewritten (a stop came before the old entry was removed): only remove it.
            if names.contains(id), entry(id) == nil,
               let data = try? Data(contentsOf: meta), let entry = try? JSONDecoder().decode(Entry.self, from: data) {
                let file = incoming.appendingPathComponent(id + ".part")
                try FileManager.default.copyItem(at: pending.appendingPathComponent(id), to: file)
                try commit(Upload(file: file, sha256: entry.sha256, bytes: entry.bytes), as: entry)
            }
            try? FileManager.default.removeItem(at: meta)
        }
    }

    // MARK: Receiving

    /// Streams `body` into a new file in `incoming/`, hashing as it goes, after `header` when
    /// given (and hashed with it).
    /// Throws `APIError.tooLarge` as soon as more than `limit` bytes have arrived, and
    /// `APIError.uploadTimedOut` when a part arrives after `timeout` seconds (silence itself is
    /// the server's idle timeout).
    func receive<Body: AsyncSequence>(
        _ body: Body, limit: Int, timeout: Double = .infinity, header: Data? = nil
    ) async throws -> Upload where Body.Element == ByteBuffer {
        let file = incoming.appendingPathComponent(UUID().uuidString + ".part")
        let writer = try HashingFileWriter(file)
        let started = ContinuousClock.now
        do {
            var received = 0
            if let header { try writer.write(header) }
            for try await buffer in body {
                received += buffer.readableBytes
                if received > limit { throw APIError.tooLarge(limit: limit) }
                if timeout.isFinite, started.duration(to: .now) > .seconds(timeout) { throw APIError.uploadTimedOut(after: timeout) }
                try buffer.withUnsafeReadableBytes { try writer.write($0) }
            }
            // Not fsync'ed here: `commit` appends the entry and syncs once; an upload that is a
            // replay is discarded without ever being synced.
            let (sha256, bytes) = try writer.close()
            return Upload(file: file, sha256: sha256, bytes: bytes)
        } catch {
            writer.abandon()
            try? FileManager.default.removeItem(at: file)
            throw error
        }
    }

    /// The first file of a multipart upload, as an upload of its own (the form around it is dropped).
    func extractMultipart(_ upload: Upload, boundary: String) throws -> (upload: Upload, part: MultipartFile.Part) {
        defer { discard(upload) }
        let file = incoming.appendingPathComponent(UUID().uuidString + ".part")
        let part = try MultipartFile.extract(from: upload.file, boundary: boundary, to: file)
        let data = try Data(contentsOf: file, options: .alwaysMapped)
        return (Upload(file: file, sha256: ContentHash.sha256(data), bytes: data.count), part)
    }

    /// Makes `upload` durable as pending entry `entry.id`: the entry and trailer are appended to
    /// its file, which is fsync'ed and only then moved into `pending/`. A crash before the move
    /// leaves the file in `incoming/`, cleared on start; the upload was never answered.
    func commit(_ upload: Upload, as entry: Entry) throws {
        let json = try JSONEncoder().encode(entry)
        let handle = try FileHandle(forWritingTo: upload.file)
        do {
            try handle.seek(toOffset: UInt64(upload.bytes))
            try handle.write(contentsOf: json + SpoolTrailer(entryBytes: json.count).encoded)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        // rename(2) replaces an older file of the name in one step (FileManager's move would not).
        try Self.rename(upload.file, to: pending.appendingPathComponent(entry.id))
        try pendingSync.sync()
    }

    /// Runs blocking file work (fsync) on a Dispatch thread, not on one of the few cooperative
    /// threads that serve every request.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    func discard(_ upload: Upload) {
        try? FileManager.default.removeItem(at: upload.file)
    }

    // MARK: Pending entries

    /// The pending entry for `id`, if it is waiting for the pipeline.
    func entry(_ id: String) -> Entry? {
        Self.readEntry(pending.appendingPathComponent(id))
    }

    /// The entry of an entry file, from its trailer.
    private static func readEntry(_ file: URL) -> Entry? {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd(), size >= UInt64(SpoolTrailer.size),
              (try? handle.seek(toOffset: size - UInt64(SpoolTrailer.size))) != nil,
              let trailer = (try? handle.readToEnd()).flatMap(SpoolTrailer.init(decoding:)),
              UInt64(trailer.entryBytes) <= size - UInt64(SpoolTrailer.size)
        else { return nil }
        let start = size - UInt64(SpoolTrailer.size) - UInt64(trailer.entryBytes)
        guard (try? handle.seek(toOffset: start)) != nil,
              let json = try? handle.read(upToCount: trailer.entryBytes),
              let entry = try? JSONDecoder().decode(Entry.self, from: json),
              UInt64(entry.bytes) == start
        else { return nil }
        return entry
    }

    /// Every complete pending entry, oldest first; files without an entry are removed.
    func pendingEntries() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pending.path)) ?? []
        var entries: [Entry] = []
        for name in names {
            if let entry = entry(name) {
                entries.append(entry)
            } else {
                try? FileManager.default.removeItem(at: pending.appendingPathComponent(name))
            }
        }
        return entries.sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }
    }

    /// The pipeline input for a pending entry: its bytes are read when the pipeline admits it.
    func input(for entry: Entry) -> PipelineInput {
        let file = pending.appendingPathComponent(entry.id)
        // The entry's hash was taken as the body was written to this file: no second pass. Mapped,
        // not copied (a copy of a 2 MB alert cost 13% of the server's CPU); spool files are
        // written whole before they are pending and only ever moved or unlinked afterwards.
        return PipelineInput(uri: entry.uri, sender: entry.sender, idempotencyKey: entry.idempotencyKey, sha256: entry.sha256) {
            try Data(contentsOf: file, options: .alwaysMapped).prefix(entry.bytes)
        }
    }

    /// Called once the order for `id` is stored: keeps the entry file in `inputs/` (replacing an
    /// earlier copy) or deletes it.
    ///
    /// A kept file leaves the page cache: it was fsync'ed before `202`, so its pages are clean
    /// and dropping them is free, and the next upload is written into those pages again instead
    /// of new ones. Measured: keeping 1.5 MB alerts cached cost the server 1–1.5 ms of CPU per
    /// alert over deleting them (copies into fresh pages); the review page reads a kept input
    /// from disk instead, once.
    func finished(_ id: String) {
        let file = pending.appendingPathComponent(id)
        if let kept {
            let destination = kept.appendingPathComponent(id)
            try? Self.rename(file, to: destination)
            let descriptor = open(destination.path, O_RDONLY | O_CLOEXEC)
            if descriptor >= 0 {
                _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
                close(descriptor)
            }
        } else {
            unlink(file.path)
        }
    }

    private static func rename(_ source: URL, to destination: URL) throws {
        guard Glibc.rename(source.path, destination.path) == 0 else {
            throw APIError.storage("cannot move \(source.lastPathComponent) to \(destination.path): \(String(cString: strerror(errno)))")
        }
    }

    /// The kept bytes of `id`'s input and their content type, if the server received and kept them.
    func keptInput(_ id: String) -> (bytes: Data, contentType: String)? {
        kept.flatMap { Self.keptInput(id, in: $0) }
    }

    /// The kept input of `id` in the server data folder `dataFolder`, read without opening the
    /// spool (which would tidy it): for tools beside a running server (`intake adapt-voice`).
    public static func keptInput(_ id: String, dataFolder: URL) -> (bytes: Data, contentType: String)? {
        keptInput(id, in: keptFolder(dataFolder))
    }

    /// Where a server with data folder `dataFolder` keeps inputs for review.
    static func keptFolder(_ dataFolder: URL) -> URL { dataFolder.appendingPathComponent("inputs") }

    private static func keptInput(_ id: String, in kept: URL) -> (bytes: Data, contentType: String)? {
        guard id.range(of: #"^ord_[0-9a-f]{24}$"#, options: .regularExpression) != nil else { return nil }
        let file = kept.appendingPathComponent(id)
        guard let data = try? Data(contentsOf: file, options: .alwaysMapped) else { return nil }
        // Kept before entry files: the entry beside the bytes.
        if let meta = try? Data(contentsOf: kept.appendingPathComponent(id + ".json")),
           let entry = try? JSONDecoder().decode(Entry.self, from: meta) {
            return (data, entry.contentType)
        }
        guard let entry = Self.readEntry(file) else { return nil }
        return (data.prefix(entry.bytes), entry.contentType)
    }
}

/// The last bytes of a spool entry file: the length of the entry's JSON before it, then a
/// magic, so a file cut short (or not a spool file at all) is never read as an entry.
struct SpoolTrailer: Equatable {
    static let magic = Array("INTAKE-SPOOL-1\n".utf8)
    static let size = 8 + magic.count

    var entryBytes: Int

    init(entryBytes: Int) { self.entryBytes = entryBytes }

    init?(decoding bytes: Data) {
        guard bytes.count == Self.size, Array(bytes.suffix(Self.magic.count)) == Self.magic else { return nil }
        let length = bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(Int.max) else { return nil }
        entryBytes = Int(length)
    }

    /// Length as 8 bytes little-endian, then the magic.
    var encoded: Data {
        Data((0..<8).map { UInt8(truncatingIfNeeded: UInt64(entryBytes) >> (8 * UInt64($0))) } + Self.magic)
    }
}

/// Writes a file through a descriptor, hashing every byte; `close` does not fsync (`Spool.commit` does).
private final class HashingFileWriter: @unchecked Sendable {
    // @unchecked: used by one request at a time; `close` runs after the last `write`.
    private let handle: FileHandle
    private var hasher = ContentHash.Streaming()
    private var count = 0

    /// Creates `url`, which must not exist, with one open(2): FileManager's `createFile` writes a
    /// temporary file and renames it, then the file had to be opened again to write.
    init(_ url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw APIError.storage("cannot create \(url.lastPathComponent) in \(url.deletingLastPathComponent().path): \(String(cString: strerror(errno)))")
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        count += bytes.count
        try handle.write(contentsOf: bytes)
    }

    func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    func close() throws -> (sha256: String, bytes: Int) {
        try handle.close()
        return (hasher.finalize(), count)
    }

    func abandon() {
        try? handle.close()
    }
}
