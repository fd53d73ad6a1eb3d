import Foundation

/// Writes each record as one line of JSON (JSON Lines) with a single `write`, so a reader
/// never sees half a record, even if the process dies between two lines.
public final class JSONLinesSink: OrderSink, @unchecked Sendable {
    // @unchecked: the pipeline calls `write` from its one sink thread only.
    private let handle: FileHandle
    /// The path written to, or "standard output": write errors name it.
    private let destination: String
    private let closeWhenDone: Bool
    private let encoder = OrderRecordCoding.encoder()
    private let onWrite: (@Sendable (OrderRecord) -> Void)?

    /// Writes to an open handle (stdout by default).
    public init(handle: FileHandle = .standardOutput, onWrite: (@Sendable (OrderRecord) -> Void)? = nil) {
        self.handle = handle
        self.destination = handle === FileHandle.standardOutput ? "standard output" : "file descriptor \(handle.fileDescriptor)"
        self.closeWhenDone = false
        self.onWrite = onWrite
    }

    /// Creates (or truncates) `url` and writes to it. Opened in place with open(2), never
    /// replaced: `FileManager.createFile` writes a temporary file and renames it over the path,
    /// which would swap `/dev/null`, a FIFO or a symlink's target for a regular file.
    public init(url: URL, onWrite: (@Sendable (OrderRecord) -> Void)? = nil) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw InputFailure(
                code: "output_unwritable",
                message: "cannot create \(url.path) (\(String(cString: strerror(errno)))); check the folder exists and is writable")
        }
        self.handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        self.destination = url.path
        self.closeWhenDone = true
        self.onWrite = onWrite
    }

    public func write(_ record: OrderRecord) throws {
        var line = try encoder.encode(record)
        line.append(0x0A)
        do { try handle.write(contentsOf: line) } catch { throw unwritable(error) }
        onWrite?(record)
    }

    public func finish() throws {
        if closeWhenDone {
            do {
                try handle.synchronize()
                try handle.close()
            } catch {
                throw unwritable(error)
            }
        }
    }

    /// Foundation says "There isn’t enough space." without naming the file; this names it.
    private func unwritable(_ error: any Error) -> InputFailure {
        InputFailure(
            code: "output_unwritable",
            message: "cannot write to \(destination) (\(error.intakeMessage)); free space there or choose another --out. "
                + "Orders already stored are kept: run the same command again to write them")
    }
}

/// The one JSON form of the order contract: snake_case keys in sorted order (the same bytes on
/// every platform), ISO 8601 times.
public enum OrderRecordCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
