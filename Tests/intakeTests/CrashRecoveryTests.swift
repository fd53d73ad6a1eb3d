import Foundation
import Testing

/// `scripts/crash-test` against the debug build: SIGKILL during a batch, re-run, exactly one
/// order per input. CI runs a smaller batch than the script's default (1,000 inputs, 20 kills).
@Suite("Crash recovery")
struct CrashRecoveryTests {
    @Test("Killing intake with SIGKILL mid-batch and running again stores every input exactly once")
    func killAndRerun() throws {
        let report = try Self.crashTest(["--inputs", "200", "--kills", "4"])
        #expect(report.contains("ok: kills landed = 4"), "\(report)")
    }

    /// On PostgreSQL the cluster is also stopped (immediate, as in a crash) and started again
    /// mid-batch: the workers must reconnect and finish.
    @Test("Killing workers mid-batch: the others take their inputs over, exactly one order each",
          arguments: FileManager.default.fileExists(atPath: "/usr/lib/postgresql") ? ["sqlite", "postgres"] : ["sqlite"])
    func killWorkers(_ store: String) throws {
        let report = try Self.crashTest(
            ["--inputs", "600", "--kills", "3", "--workers", "2"] + (store == "postgres" ? ["--postgres", "--restart-postgres"] : []))
        #expect(report.contains("ok: kills landed = 3"), "\(report)")
        #expect(report.contains("ok: queue = "), "\(report)")
        #expect(report.contains("ok: killed workers held leased inputs"), "\(report)")
        #expect(report.contains("ok: workers alive at the end = 2"), "\(report)")
        if store == "postgres" {
            #expect(report.contains("ok: workers alive through a PostgreSQL restart = 1"), "\(report)")
        }
    }

    /// `scripts/server-crash-test`: `intake serve` killed while clients post, started again on
    /// the same store and spool; every message answered `202` is one order, none twice.
    @Test("Killing intake serve while clients post: every message answered 202 becomes exactly one order")
    func killServer() throws {
        let report = try Self.run("scripts/server-crash-test", ["--messages", "200", "--kills", "4"])
        for line in [
            "ok: kills landed = 4", "ok: orders stored = 200", "ok: distinct order ids = 200",
            "ok: answered ids without an order = 0", "ok: uploads left in the spool = 0", "ok: audit trail verifies",
        ] {
            #expect(report.contains(line), "\(report)")
        }
    }

    /// Runs the script on the debug build; checks what every mode checks and returns its report.
    private static func crashTest(_ arguments: [String]) throws -> String {
        let report = try run("scripts/crash-test", arguments)
        let inputs = arguments[arguments.firstIndex(of: "--inputs")! + 1]
        #expect(report.contains("ok: orders stored = \(inputs)"), "\(report)")
        #expect(report.contains("ok: distinct order ids = \(inputs)"), "\(report)")
        #expect(report.contains("ok: audit trail verifies"), "\(report)")
        return report
    }

    /// Runs `script` (seed 7) on the debug build and returns its report (stderr), expecting it to pass.
    private static func run(_ script: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [IntakeBinary.packageFile(script).path, "--seed", "7", "--intake", try IntakeBinary.executable().path]
            + arguments
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let report = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(report)")
        return report
    }
}
