import Foundation
import IntakeTestSupport
import IntakeCore
@testable import IntakeServer
import Logging
import Testing

/// Kept inputs stay within `server.inputs_retention`: oldest first, inputs under review spared
/// by age but not by size.
@Suite struct InputRetentionTests {
    private let day = 86_400.0
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A folder of kept inputs of `size` bytes each, received `age` days before `now`.
    private func folder(_ inputs: [(id: String, size: Int, age: Double)]) throws -> URL {
        let folder = try makeTemporaryDirectory(prefix: "inputs")
        for input in inputs {
            let url = folder.appendingPathComponent(input.id)
            try Data(repeating: 7, count: input.size).write(to: url)
            try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-input.age * day)], ofItemAtPath: url.path)
        }
        return folder
    }

    private func remaining(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func inputsPastTheirAgeAreRemovedUnlessTheirOrderAwaitsReview() throws {
        let folder = try folder([("ord_old", 100, 40), ("ord_old_in_review", 100, 35), ("ord_recent", 100, 10)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let retention = InputRetention(
            folder: folder, limits: .init(maxAge: 30 * day, maxBytes: nil),
            awaitsReview: { $0 == "ord_old_in_review" }, logger: Logger(label: "test"))

        let sweep = retention.sweep(now: now)
        #expect(sweep == InputRetention.Sweep(removed: 1, removedBytes: 100, removedUnderReview: 0, kept: 2, keptBytes: 200))
        #expect(try remaining(folder) == ["ord_old_in_review", "ord_recent"])
    }

    @Test func overTheSizeLimitTheOldestGoFirstEvenUnderReview() throws {
        let folder = try folder([("ord_a", 400, 3), ("ord_b", 400, 2), ("ord_c", 400, 1), ("ord_d", 400, 0)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let retention = InputRetention(
            folder: folder, limits: .init(maxAge: nil, maxBytes: 1_000),
            awaitsReview: { $0 == "ord_a" }, logger: Logger(label: "test"))

        let sweep = retention.sweep(now: now)
        #expect(sweep.removed == 2)
        #expect(sweep.removedUnderReview == 1)
        #expect(sweep.keptBytes == 800)
        #expect(try remaining(folder) == ["ord_c", "ord_d"])
        // Within both limits: nothing more goes.
        #expect(retention.sweep(now: now).removed == 0)
    }

    @Test func anInputKeptInTheOldLayoutGoesWithItsEntry() throws {
        let folder = try folder([("ord_old", 100, 40), ("ord_new", 100, 1)])
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("{}".utf8).write(to: folder.appendingPathComponent("ord_old.json"))
        let retention = InputRetention(
            folder: folder, limits: .init(maxAge: 30 * day, maxBytes: nil), awaitsReview: { _ in false }, logger: Logger(label: "test"))

        #expect(retention.sweep(now: now).removedBytes == 102)
        #expect(try remaining(folder) == ["ord_new"])
    }

    @Test func theLimitsAreReadFromTheServerSection() throws {
        let directory = URL(fileURLWithPath: "/tmp")
        let node = try ConfigNode.parse("inputs_retention:\n  max_age: 7d\n  max_size: none\n", file: "server.yaml")
        let configuration = try ServerConfiguration(node: node, directory: directory, defaultDataFolder: directory)
        #expect(configuration.inputRetention == .init(maxAge: 7 * day, maxBytes: nil))
        #expect(ServerConfiguration(dataFolder: directory).inputRetention == .init(maxAge: 30 * day, maxBytes: 20 << 30))

        let wrong = try ConfigNode.parse("inputs_retention:\n  max_days: 7\n", file: "server.yaml")
        #expect(throws: (any Error).self) { try ServerConfiguration(node: wrong, directory: directory, defaultDataFolder: directory) }
    }
}
