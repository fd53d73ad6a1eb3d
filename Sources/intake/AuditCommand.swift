import ArgumentParser
import Foundation
import IntakeReview

/// `intake audit verify`: check that the audit trail has not been tampered with.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the audit trail.",
        subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit hash chain and check every order against its last audit entry.",
            discussion: """
                Exit status 0 when the trail is intact, 4 when an entry or order was changed, \
                removed or added outside intake (each problem is listed).

                Example:
                  intake audit verify --db intake-data/intake.db
                """)

        @OptionGroup var queue: QueueOptions

        @Flag(name: .long, help: "Print the result as JSON.")
        var json = false

        func run() throws {
            let verification = try queue.openQueue().verifyAudit()
            if json {
                try JSONOutput.line(verification)
            } else {
                for problem in verification.problems {
                    print("problem: \(problem.seq.map { "entry \($0)" } ?? "order \(problem.subject ?? "?")"): \(problem.reason)")
                }
                print("\(verification.valid ? "ok" : "TAMPERED"): \(verification.entries) audit entries, \(verification.orders) orders checked")
            }
            if !verification.valid { throw ExitCode(4) }
        }
    }
}
