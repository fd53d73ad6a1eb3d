import Foundation
import IntakeTestSupport
@testable import IntakeServer
import Testing

/// One server per data folder: a second is refused at start, naming the holder's pid.
@Suite struct DataFolderLockTests {
    @Test func aSecondServerOnTheSameDataFolderIsRefusedUntilTheFirstLetsGo() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-data-lock")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try DataFolderLock(folder: folder)

        #expect {
            _ = try DataFolderLock(folder: folder)
        } throws: { error in
            let message = "\(error)"
            return message.contains("\(folder.path) is in use by another intake serve (pid \(getpid()))") && message.contains("--data")
        }

        first.release()
        let next = try DataFolderLock(folder: folder)
        next.release()
    }
}
