import Foundation

/// Runs one of the Debian tools intake relies on (poppler's `pdftoppm`, ImageMagick's
/// `convert`, libtiff's `tiff2pdf`, SphinxTrain's `bw`) and collects what it printed.
public enum ExternalCommand {
    public struct Result: Sendable {
        public var status: Int32
        public var output: Data
        public var errors: String
    }

    /// Nil when `executable` is not installed.
    public static func run(_ executable: String, _ arguments: [String]) throws -> Result? {
        guard FileManager.default.isExecutableFile(atPath: executable) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Both pipes are drained at once, and before waiting: a tool that fills one pipe
        // (sphinx_fe logs a line per file to stderr, 64 KiB by a few hundred files) while
        // we read only the other would block for ever.
        let message = Drained()
        let draining = DispatchGroup()
        let errorsHandle = errors.fileHandleForReading
        DispatchQueue.global().async(group: draining) { message.data = errorsHandle.readDataToEndOfFile() }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        draining.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: data,
            errors: String(decoding: message.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// What one pipe held; written by the thread that drains it, read after `draining.wait()`.
    private final class Drained: @unchecked Sendable {
        var data = Data()
    }
}
