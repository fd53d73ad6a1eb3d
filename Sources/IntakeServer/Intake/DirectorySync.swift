import Foundation

/// Makes renames into one directory durable, sharing each `fsync` of the directory among the
/// callers waiting for one (group commit).
///
/// `sync()` returns once an fsync of the directory that began after the call has finished, so
/// every rename the caller made before calling is on disk. Callers arriving while an fsync runs
/// wait for it to finish and then share the next one: under load, one fsync covers many uploads.
/// Blocks the calling thread: call it from a Dispatch thread (`Spool.offPool`), not the
/// cooperative pool.
final class DirectorySync: @unchecked Sendable {
    // @unchecked: the counters are only touched with `condition` locked.
    let directory: URL
    private let condition = NSCondition()
    /// Calls so far; each call's number is its ticket.
    private var requested = 0
    /// Every ticket up to this one is covered by a finished fsync.
    private var synced = 0
    private var syncing = false
    private let fsyncDirectory: @Sendable (URL) -> Int32

    /// `fsyncDirectory` returns 0 or an errno; tests pass a slower one to watch calls share it.
    init(_ directory: URL, fsyncDirectory: @escaping @Sendable (URL) -> Int32 = DirectorySync.fsyncDirectory) {
        self.directory = directory
        self.fsyncDirectory = fsyncDirectory
    }

    /// Returns once the directory's entries as they are now are durable.
    func sync() throws {
        condition.lock()
        defer { condition.unlock() }
        requested += 1
        let ticket = requested
        while synced < ticket {
            if syncing {
                condition.wait()
                continue
            }
            // This fsync covers every ticket handed out so far.
            let covering = requested
            syncing = true
            condition.unlock()
            let result = fsyncDirectory(directory)
            condition.lock()
            syncing = false
            if result == 0 { synced = max(synced, covering) }
            condition.broadcast()
            if result != 0 {
                throw APIError.storage("cannot sync \(directory.path): \(String(cString: strerror(result)))")
            }
        }
    }

    /// 0, or the errno of opening or syncing `url`.
    static func fsyncDirectory(_ url: URL) -> Int32 {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        return fsync(fd) == 0 ? 0 : errno
    }
}
