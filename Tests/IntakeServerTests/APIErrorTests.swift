import Foundation
import HTTPTypes
import IntakeCore
@testable import IntakeServer
import Testing

/// How errors become HTTP answers: the status and code tell a client whether to send again.
@Suite struct APIErrorTests {
    /// The error Foundation throws when a write meets a full disk: /dev/full answers every write with ENOSPC.
    private func fullDiskError() throws -> any Error {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data(repeating: 1, count: 4096))
        } catch {
            return error
        }
        Issue.record("a write to /dev/full succeeded")
        return CocoaError(.fileWriteOutOfSpace)
    }

    @Test func aFullDiskIs507StorageFullWithRetryAfterNotA500ThatBlamesTheInput() throws {
        let answer = APIError(try fullDiskError())
        #expect(answer.status.code == 507)
        #expect(answer.code == "storage_full")
        #expect(answer.headers[.retryAfter] == "60")
        #expect(answer.message.contains("No space left on device") && answer.message.contains("send it again"), "\(answer)")
    }

    @Test func anyOtherUnknownErrorStaysA500() {
        let answer = APIError(CocoaError(.fileReadNoPermission))
        #expect(answer.status.code == 500)
        #expect(answer.code == "unreadable_input")
    }
}
