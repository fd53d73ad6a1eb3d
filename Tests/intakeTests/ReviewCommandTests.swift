import Foundation
import IntakeCore
import IntakeTestSupport
import Testing

/// The reviewer's command line against a real store: `review`, `sandbox`, `audit`, `deadletters`.
@Suite("intake review, sandbox, audit and deadletters commands")
struct ReviewCommandTests {
    /// Runs `intake <arguments> --db <folder>/intake.db` with `INTAKE_ACTOR` unset.
    func intake(_ arguments: [String], in folder: URL) throws -> IntakeRun {
        try IntakeBinary.run(arguments + ["--db", folder.appendingPathComponent("intake.db").path])
    }

    @Test("Process, list, claim, correct and approve; the sandbox is promoted after its streak and the audit trail verifies")
    func reviewWorkflow() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let processed = try intake(["process", "--quiet", "--no-events", "samples/messages"], in: folder)
        #expect(processed.status == 0, "\(processed)")

        let listed = try intake(["review", "list", "--json"], in: folder)
        let pending = try listed.jsonObjects()
        #expect(!pending.isEmpty, "\(listed)")
        #expect(pending.allSatisfy { $0["status"] as? String == "pending_review" && $0["sandbox"] as? String == "text/default" })
        let ids = pending.compactMap { $0["id"] as? String }

        let set = try intake(["sandbox", "set", "text/default", "--promote-after", "3", "--actor", "admin"], in: folder)
        #expect(set.status == 0, "\(set)")

        let claimed = try intake(["review", "claim", "--actor", "alice"], in: folder)
        #expect(claimed.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == ids[0], "\(claimed)")
        let refused = try intake(["review", "approve", ids[0], "--actor", "bob"], in: folder)
        #expect(refused.status == 1 && refused.stderrText.contains("claimed by alice"), "\(refused)")

        // A SKU the pipeline's material master lacks is refused, and the order still waits.
        let unknown = try intake(["review", "correct", ids[0], "--set", "lines[0].sku=NOPE-1", "--actor", "alice"], in: folder)
        #expect(unknown.status == 1 && unknown.stderrText.contains("NOPE-1 is not in the material master"), "\(unknown)")
        let corrected = try intake(["review", "correct", ids[0], "--set", "lines[0].quantity=40", "--actor", "alice"], in: folder)
        #expect(corrected.status == 0, "\(corrected)")
        let approved = try intake(["review", "approve"] + Array(ids[1...3]) + ["--actor", "alice"], in: folder)
        #expect(approved.status == 0, "\(approved)")

        let sandboxes = try intake(["sandbox", "list", "--json"], in: folder).jsonObjects()
        let sandbox = try #require(sandboxes.first { $0["id"] as? String == "text/default" })
        #expect(sandbox["mode"] as? String == "auto")
        #expect(sandbox["streak"] as? Int == 3)
        #expect(sandbox["promote_after"] as? Int == 3)
        #expect(sandbox["modality"] as? String == "text" && sandbox["source"] as? String == "default")
        #expect(sandbox["audit_rate"] as? Double == 0.02)

        let export = try intake(["review", "export-corrections"], in: folder).jsonObjects()
        try #require(export.count == 1)
        let review = try #require(export[0]["review"] as? [String: Any])
        let changes = try #require(review["changes"] as? [[String: Any]])
        #expect(changes.first?["path"] as? String == "lines[0].quantity")
        #expect(changes.first?["after"] as? Int == 40)

        let shown = try intake(["review", "show", ids[0], "--json"], in: folder)
        let detail = try #require(try shown.jsonObjects().first)
        let history = try #require(detail["history"] as? [[String: Any]])
        #expect(history.map { $0["action"] as? String } == ["order.created", "order.corrected"])

        let verified = try intake(["audit", "verify"], in: folder)
        #expect(verified.status == 0 && verified.stdoutText.hasPrefix("ok"), "\(verified)")
    }

    @Test("A dead letter retried after the cause is fixed becomes an order under the same id")
    func deadLetterRetry() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let strict = try ProcessCommandTests.writePipeline(in: folder, named: "strict.yaml", stageLines: [
            "      - uses: text.decode", "        options: { max_characters: 10 }", "      - uses: align", "      - uses: record",
        ]).url
        let relaxed = try ProcessCommandTests.writePipeline(in: folder, named: "relaxed.yaml", stageLines: [
            "      - uses: text.decode", "      - uses: align", "      - uses: record",
        ]).url
        let input = "samples/messages/courier-store12.txt"
        let failed = try intake(["process", "--quiet", "--pipeline", strict.path, input], in: folder)
        let record = try #require(try failed.jsonObjects().first, "\(failed)")
        #expect(record["status"] as? String == "failed")
        let id = try #require(record["id"] as? String)

        let retried = try intake(["deadletters", "retry", "--all", "--quiet", "--pipeline", relaxed.path], in: folder)
        #expect(retried.status == 0, "\(retried)")
        let recovered = try #require(try retried.jsonObjects().first)
        #expect(recovered["id"] as? String == id)
        #expect(recovered["status"] as? String == "pending_review")
        #expect(try intake(["deadletters", "list", "--json"], in: folder).jsonObjects().isEmpty)
        #expect(try intake(["deadletters", "list", "--all", "--json"], in: folder).jsonObjects().first?["resolved_at"] != nil)
    }

    @Test("A dead letter retried with --no-events leaves its order's events in the outbox until `events relay` delivers them")
    func deadLetterRetryWithoutEvents() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let events = folder.appendingPathComponent("events.jsonl")
        let sink = ["events:", "  - name: events-file", "    type: jsonl", "    path: \(events.path)"]
        let strict = try ProcessCommandTests.writePipeline(in: folder, named: "strict.yaml", stageLines: [
            "      - uses: text.decode", "        options: { max_characters: 10 }", "      - uses: align", "      - uses: record",
        ]).url
        let relaxed = try ProcessCommandTests.writePipeline(in: folder, named: "relaxed.yaml", stageLines: [
            "      - uses: text.decode", "      - uses: align", "      - uses: record",
        ] + sink).url
        let failed = try intake(["process", "--quiet", "--no-events", "--pipeline", strict.path, "samples/messages/courier-store12.txt"], in: folder)
        let id = try #require(try failed.jsonObjects().first?["id"] as? String, "\(failed)")

        let retried = try intake(["deadletters", "retry", "--all", "--quiet", "--no-events", "--pipeline", relaxed.path], in: folder)
        let status = try retried.jsonObjects().first?["status"] as? String
        #expect(retried.status == 0 && status == "pending_review", "\(retried)")
        #expect(!FileManager.default.fileExists(atPath: events.path))

        let relayed = try intake(["events", "relay", "--once", "--pipeline", relaxed.path], in: folder)
        #expect(relayed.status == 0, "\(relayed)")
        let delivered = try String(contentsOf: events, encoding: .utf8)
        #expect(delivered.contains(id) && delivered.contains("order.created"), "\(delivered)")
    }

    @Test("Reviewer actions without an actor, or naming a missing order, fail with a clear message")
    func clearErrors() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try intake(["review", "approve", "ord_000000000000000000000000", "--actor", "alice"], in: folder)
        #expect(missing.status == 1 && missing.stderrText.contains("no order ord_000000000000000000000000"), "\(missing)")
        let nothing = try intake(["review", "claim", "--actor", "alice"], in: folder)
        #expect(nothing.status == 3, "\(nothing)")
        let system = try intake(["review", "approve", "x", "--actor", "system"], in: folder)
        #expect(system.status == 2, "\(system)")
    }
}
