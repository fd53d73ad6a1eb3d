import Foundation

/// A new empty folder under the system temporary directory, named `prefix-UUID`, for one test;
/// remove it when done (`defer { try? FileManager.default.removeItem(at: folder) }`).
public func makeTemporaryDirectory(prefix: String = "intake-tests") throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
