import Foundation
import Testing

/// `scripts/crash-test` against the debug build: SIGKILL during a batch, re-run, exactly one
/// order per input. CI runs a smaller batch than the script's default (1,000 inputs, 20 kills).
@Suite("Crash recovery")
struct CrashRecoveryTests {
    @Test("Killing intake with SIGKILL mid-batch and running again stores every input exactly once")
    func killAndRerun() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            IntakeBinary.packageFile("scripts/crash-test").path,
            "--inputs", "200", "--kills", "4", "--seed", "7", "--intake", try IntakeBinary.executable().path,
        ]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let report = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(report)")
        #expect(report.contains("ok: kills landed = 4"), "\(report)")
        #expect(report.contains("ok: orders stored = 200"), "\(report)")
        #expect(report.contains("ok: distinct order ids = 200"), "\(report)")
        #expect(report.contains("ok: audit trail verifies"), "\(report)")
    }
}
