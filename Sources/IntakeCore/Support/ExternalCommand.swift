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
        // Read stdout before waiting, so a full pipe cannot block the child.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: data,
            errors: String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
