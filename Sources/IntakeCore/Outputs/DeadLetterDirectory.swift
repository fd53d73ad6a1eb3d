import Foundation

/// Keeps dead letters as files: `<order id>.input` holds the original bytes untouched and
/// `<order id>.json` says where they came from and why they failed. Both are written
/// atomically (temporary file, then rename), so a crash never leaves half a file.
public struct DeadLetterDirectory: DeadLetterStore {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public func store(_ letter: DeadLetter) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try write(letter.input.bytes, to: directory.appendingPathComponent("\(letter.orderID).input"))
        let description = Description(
            orderID: letter.orderID, stage: letter.stage, code: letter.code, reason: letter.reason,
            uri: letter.input.uri, sha256: letter.input.sha256, modality: letter.input.modality?.rawValue,
            bytes: letter.input.bytes.count, failedAt: letter.failedAt)
        try write(try OrderRecordCoding.encoder().encode(description), to: directory.appendingPathComponent("\(letter.orderID).json"))
    }

    /// Every letter's description, oldest first.
    public func list() throws -> [Description] {
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        let decoder = OrderRecordCoding.decoder()
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .map { try decoder.decode(Description.self, from: Data(contentsOf: $0)) }
            .sorted { $0.failedAt < $1.failedAt }
    }

    /// The original bytes of a letter.
    public func bytes(of orderID: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent("\(orderID).input"))
    }

    private func write(_ data: Data, to url: URL) throws {
        try data.write(to: url, options: .atomic)
    }

    public struct Description: Codable, Sendable, Equatable {
        public var orderID: String
        public var stage: String
        public var code: String
        public var reason: String
        public var uri: String
        public var sha256: String
        public var modality: String?
        public var bytes: Int
        public var failedAt: Date

        enum CodingKeys: String, CodingKey {
            case stage, code, reason, uri, sha256, modality, bytes
            case orderID = "order_id"
            case failedAt = "failed_at"
        }
    }
}
