import Foundation
import IntakeTestSupport

/// What one run of the `intake` executable did.
struct IntakeRun: Sendable, CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    /// False when the process was ended by a signal (then `status` is the signal number).
    let exitedNormally: Bool
    let stdout: Data
    let stderr: Data

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    /// The non-empty lines of stdout (JSON Lines).
    var stdoutLines: [Data] {
        stdout.split(separator: 0x0A).filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D } }.map { Data($0) }
    }

    /// stdout parsed as JSON Lines, one object per line, as `JSONSerialization` sees them.
    func jsonObjects() throws -> [[String: Any]] {
        try stdoutLines.enumerated().map { index, line in
            guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                throw IntakeBinary.Failure("stdout line \(index + 1) is not a JSON object: \(String(decoding: line, as: UTF8.self))")
            }
            return object
        }
    }

    var description: String {
        "intake \(arguments.joined(separator: " ")) → \(exitedNormally ? "exit" : "signal") \(status)\n"
            + "stdout: \(stdoutText.prefix(2000))\nstderr: \(stderrText.prefix(2000))"
    }
}

/// Runs the `intake` executable that `swift build` / `swift test` put next to the test runner.
enum IntakeBinary {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The package root: the nearest folder above this file holding `Package.swift`.
    static let packageRoot: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return folder
            }
            folder = folder.deletingLastPathComponent()
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    /// A file or folder inside the package, e.g. `samples/messages`.
    static func packageFile(_ relativePath: String) -> URL {
        packageRoot.appendingPathComponent(relativePath)
    }

    private static let located: Result<URL, Failure> = locate()

    /// The built `intake` executable, or a failure saying where it was looked for.
    static func executable() throws -> URL {
        try located.get()
    }

    /// Looks for `intake` beside the running test executable (Linux: `.build/<triple>/debug/
    /// intakePackageTests.xctest`, so `CommandLine.arguments[0]` and `Bundle.main` point into the
    /// build folder) or beside the test bundle (macOS: `.build/debug/intakePackageTests.xctest/
    /// Contents/MacOS/…`, reached from `Bundle(for:)` or by walking up).
    private static func locate() -> Result<URL, Failure> {
        final class BundleToken {}
        let fileManager = FileManager.default
        let currentDirectory = URL(fileURLWithPath: fileManager.currentDirectoryPath, isDirectory: true)

        var starts: [URL] = []
        if let first = CommandLine.arguments.first, !first.isEmpty {
            starts.append(URL(fileURLWithPath: first, relativeTo: currentDirectory).standardizedFileURL.deletingLastPathComponent())
        }
        if let executable = Bundle.main.executableURL { starts.append(executable.deletingLastPathComponent()) }
        starts.append(Bundle.main.bundleURL)
        starts.append(Bundle(for: BundleToken.self).bundleURL)
        starts += Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }

        var looked: [String] = []
        for start in starts {
            var folder = start.standardizedFileURL
            for _ in 0..<4 {  // the folder itself and up to three parents (macOS bundle layout)
                let candidate = folder.appendingPathComponent("intake")
                if !looked.contains(candidate.path) { looked.append(candidate.path) }
                var isDirectory: ObjCBool = false
                if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   fileManager.isExecutableFile(atPath: candidate.path) {
                    return .success(candidate)
                }
                if folder.path == "/" { break }
                folder = folder.deletingLastPathComponent()
            }
        }
        return .failure(Failure(
            "cannot find the built `intake` executable next to the test runner; run `swift build` first "
                + "(looked at: \(looked.joined(separator: ", ")))"))
    }

    /// Runs `intake arguments…` in the package root, feeding `stdin` (or nothing: /dev/null),
    /// and waits at most `timeout` seconds: a guard against a hang, not a speed check, so generous
    /// (in CI the whole suite shares two cores with every run).
    static func run(_ arguments: [String], stdin: Data? = nil, timeout: TimeInterval = 120) throws -> IntakeRun {
        let executable = try executable()
        let fileManager = FileManager.default
        let scratch = try makeTemporaryDirectory(prefix: "intake-run")
        defer { try? fileManager.removeItem(at: scratch) }

        let stdoutURL = scratch.appendingPathComponent("stdout")
        let stderrURL = scratch.appendingPathComponent("stderr")
        guard fileManager.createFile(atPath: stdoutURL.path, contents: nil),
              fileManager.createFile(atPath: stderrURL.path, contents: nil) else {
            throw Failure("cannot create capture files in \(scratch.path)")
        }
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        var stdinHandle: FileHandle?
        if let stdin {
            let stdinURL = scratch.appendingPathComponent("stdin")
            try stdin.write(to: stdinURL)
            stdinHandle = try FileHandle(forReadingFrom: stdinURL)
            process.standardInput = stdinHandle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        defer { try? stdinHandle?.close() }

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = finished.wait(timeout: .now() + 5)
            throw Failure("intake \(arguments.joined(separator: " ")) did not finish within \(timeout) s; terminated")
        }
        process.waitUntilExit()

        return IntakeRun(
            arguments: arguments,
            status: process.terminationStatus,
            exitedNormally: process.terminationReason == .exit,
            stdout: try Data(contentsOf: stdoutURL),
            stderr: try Data(contentsOf: stderrURL))
    }
}

/// Runs that several tests look at, made once per test process.
enum SharedRuns {
    /// `intake process --quiet --db <tmp>/intake.db samples/messages`.
    static let samples: Result<IntakeRun, any Error> = Result {
        let store = try makeTemporaryDirectory(prefix: "intake-store")
        defer { try? FileManager.default.removeItem(at: store) }
        return try IntakeBinary.run(["process", "--quiet", "--no-events", "--db", store.appendingPathComponent("intake.db").path, "samples/messages"])
    }
}
