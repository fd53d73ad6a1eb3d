import Foundation

/// What `stat(2)` says of a path (following links): for code that looks at many files at a
/// time, a folder walk, a watch folder, the kept inputs' sweep. `URL.resourceValues` costs
/// about 100 µs a file on Linux; `stat` about 3 µs (20,000 files: 2.03 s against 0.06 s).
public struct FileStatus: Sendable, Equatable {
    public let isRegularFile: Bool
    public let size: Int
    public let modified: Date

    /// Nil when the path cannot be looked at (gone, or not allowed).
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        isRegularFile = info.st_mode & S_IFMT == S_IFREG
        size = Int(info.st_size)
        modified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }
}
