import Foundation
import ServiceLifecycle
import Synchronization

/// One server per data folder: an exclusive flock(2) on `<data>/server.lock`, held while the
/// server runs. A second `intake serve` on the folder would clear the first's uploads still
/// arriving in `spool/incoming/` and queue its pending entries a second time, so it is refused
/// at start. The kernel drops the lock when the process ends, however it ends: a crash leaves
/// no stale lock behind.
final class DataFolderLock: Service, Sendable {
    let file: URL
    private let descriptor: Mutex<Int32?>

    init(folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        file = folder.appendingPathComponent("server.lock")
        let opened = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard opened >= 0 else {
            throw ServerError(reason: "cannot open \(file.path) (\(String(cString: strerror(errno)))); check the data folder is writable")
        }
        guard flock(opened, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(opened)
            throw ServerError(reason: "the data folder \(folder.path) is in use by another intake serve"
                + (holder.isEmpty ? "" : " (pid \(holder))") + "; give each server its own --data (server.data)")
        }
        // The holder's pid, for the message above; the lock itself is the flock, not the text.
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(opened, 0)
        _ = pid.withUnsafeBytes { pwrite(opened, $0.baseAddress, $0.count, 0) }
        descriptor = Mutex(opened)
    }

    /// Holds the lock until the server stops. First in the service list, so it is let go last,
    /// after the pipeline has drained.
    func run() async throws {
        try? await gracefulShutdown()
        release()
    }

    func release() {
        descriptor.withLock { descriptor in
            if let open = descriptor.take() { close(open) }
        }
    }

    deinit { release() }
}
