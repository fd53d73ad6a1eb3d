import ArgumentParser
import Foundation
import IntakeCore
import IntakeReview

/// `intake review …`: the reviewer's side of the queue.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "List, claim, approve, correct and reject orders waiting for review.",
        discussion: """
            Every action names its actor (--actor, else $INTAKE_ACTOR or $USER) and is recorded \
            in the audit trail. Acting on an order claims it; someone else's live claim is refused.

            Examples:
              intake review list
              intake review claim --actor alice
              intake review show ord_0123456789abcdef01234567
              intake review approve ord_0123456789abcdef01234567 --actor alice
              intake review correct ord_0123456789abcdef01234567 --set 'lines[0].quantity=4' --actor alice
              intake review reject ord_0123456789abcdef01234567 --reason "not our customer" --actor alice
              intake review export-corrections > corrections.jsonl
            """,
        subcommands: [List.self, Show.self, Claim.self, Release.self, Approve.self, Correct.self, Reject.self, ExportCorrections.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List orders, oldest first (default: those waiting for review).")

        @OptionGroup var queue: QueueOptions

        @Option(name: .long, help: "Only this sandbox (e.g. text/default).")
        var sandbox: String?

        @Option(name: .long, help: "Status: pending_review, approved, auto_approved, rejected, no_action, failed or all.")
        var status: String = OrderStatus.pendingReview.rawValue

        @Option(name: .long, help: "At most this many.")
        var limit: Int = 1000

        @Flag(name: .long, help: "Print JSON Lines in the order contract.")
        var json = false

        func validate() throws {
            if status != "all" && OrderStatus(rawValue: status) == nil {
                throw ValidationError("unknown status \(status); use one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")) or all")
            }
        }

        func run() throws {
            let records = try queue.openQueue().list(status: OrderStatus(rawValue: status), sandbox: sandbox, limit: limit)
            if json {
                for record in records { try JSONOutput.line(record) }
                return
            }
            for record in records {
                let lines = record.intent.lines.map { "\(Self.number($0.quantity)) \($0.name ?? $0.text)" }.joined(separator: "; ")
                print("\(record.id)  \(record.status.rawValue)  \(record.sandbox ?? "-")  \(String(format: "%.2f", record.intent.confidence))  \(record.intent.type.rawValue)  \(lines)")
            }
            if records.isEmpty { FileHandle.standardError.write(Data("intake: no orders match\n".utf8)) }
        }

        static func number(_ value: Double) -> String {
            // Whole numbers without ".0"; beyond Int's range `Int(value)` would trap.
            value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an order with its evidence, claim, history and reviews.")

        @OptionGroup var queue: QueueOptions

        @Argument(help: "Order id.")
        var id: String

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() throws {
            let detail = try queue.openQueue().detail(id)
            if json { return try JSONOutput.line(detail) }
            let record = detail.record
            print("\(record.id)  \(record.status.rawValue)  sandbox \(record.sandbox ?? "-")\(detail.auditSample ? "  (audit sample)" : "")")
            print("source: \(record.source.uri)  sha256 \(record.source.sha256.prefix(12))…\(record.source.sender.map { "  from \($0)" } ?? "")")
            if let claimedBy = detail.claimedBy { print("claimed by \(claimedBy) until \(detail.claimExpires ?? "?")") }
            print("intent: \(record.intent.type.rawValue)  confidence \(String(format: "%.2f", record.intent.confidence))\(record.intent.party.map { "  \($0.kind.rawValue) \($0.id ?? $0.name)" } ?? "")")
            if let procedure = record.intent.procedure { print("procedure: \(procedure.code) \(procedure.title)") }
            for (index, line) in record.intent.lines.enumerated() {
                print("  lines[\(index)]: \(List.number(line.quantity)) \(line.unit ?? "") \(line.sku ?? "?") \(line.name ?? "") ← \"\(line.text)\" (\(String(format: "%.2f", line.confidence)))")
            }
            if let error = record.error { print("error: \(error.code): \(error.message)") }
            print("evidence:")
            for evidence in record.evidence {
                let span = evidence.span.map { " [\($0.start),\($0.end))" } ?? ""
                print("  \(evidence.field): \(evidence.method)\(span) \(evidence.text.map { "\"\($0)\"" } ?? "")\(evidence.detail.map { " — \($0)" } ?? "")")
            }
            print("history:")
            for entry in detail.history {
                let change = [entry.fromStatus, entry.toStatus].compactMap { $0 }.joined(separator: " → ")
                print("  \(entry.at)  \(entry.actor)  \(entry.action)  \(change)  \(entry.reason)")
            }
        }
    }

    struct Claim: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim an order (or the next one waiting) so nobody else works on it until the lease ends.")

        @OptionGroup var queue: QueueOptions
        @OptionGroup var actor: ActorOption

        @Option(name: .long, help: "Take the next order of this sandbox only.")
        var sandbox: String?

        @Argument(help: "Order id; default: the oldest unclaimed order waiting for review.")
        var id: String?

        @Flag(name: .long, help: "Print the claimed order as JSON.")
        var json = false

        func run() throws {
            guard let record = try queue.openQueue().claim(id, actor: actor.value, sandbox: sandbox) else {
                FileHandle.standardError.write(Data("intake: nothing is waiting for review\n".utf8))
                throw ExitCode(3)
            }
            if json { try JSONOutput.line(record) } else { print(record.id) }
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give up your claim on an order.")

        @OptionGroup var queue: QueueOptions
        @OptionGroup var actor: ActorOption

        @Argument(help: "Order id.")
        var id: String

        func run() throws {
            try queue.openQueue().release(id, actor: actor.value)
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve orders as proposed (a clean review: extends the sandbox's streak).")

        @OptionGroup var queue: QueueOptions
        @OptionGroup var actor: ActorOption

        @Option(name: .long, help: "Why (kept in the audit trail).")
        var reason: String?

        @Argument(help: "Order ids.")
        var ids: [String]

        func run() throws {
            let reviewQueue = try queue.openQueue()
            for id in ids {
                let record = try reviewQueue.approve(id, actor: actor.value, reason: reason)
                print("\(record.id) \(record.status.rawValue)")
            }
        }
    }

    struct Correct: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct an order and approve it; the before/after diff is kept.",
            discussion: """
                Paths are relative to the intent: lines[0].quantity, lines[1].sku, party.id, type. \
                Values are JSON when they parse as JSON (4, null, "12"), else text. lines[N] with N \
                the number of lines adds a line; setting a line to null removes it. A SKU set or \
                added must be in the pipeline's material master, and the line takes its name \
                unless the name is set too.

                Examples:
                  intake review correct ID --set 'lines[0].quantity=4' --actor alice
                  intake review correct ID --set 'lines[0].sku=CAF-1004' --actor alice
                  intake review correct ID --set 'lines[1]=null' --set 'party.id="12"' --actor alice
                  intake review correct ID --json corrected-intent.json --actor alice
                """)

        @OptionGroup var queue: QueueOptions
        @OptionGroup var actor: ActorOption

        @Option(name: .customLong("set"), help: ArgumentHelp("PATH=VALUE to change (repeatable).", valueName: "path=value"))
        var assignments: [String] = []

        @Option(name: .long, help: ArgumentHelp("A file with the whole corrected intent (JSON).", valueName: "file"))
        var json: String?

        @Option(name: .long, help: "Why (kept in the audit trail).")
        var reason: String?

        @Argument(help: "Order id.")
        var id: String

        func validate() throws {
            if assignments.isEmpty == (json == nil) { throw ValidationError("give either --set PATH=VALUE (one or more) or --json FILE") }
        }

        func run() throws {
            let file = json
            let opened = try queue.openQueueCheckingSKUs()
            let record = try opened.correct(id, actor: actor.value, reason: reason) { intent in
                if let file {
                    let data = try Data(contentsOf: URL(fileURLWithPath: file))
                    let document: JSONValue
                    do { document = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
                        throw ReviewError.invalidCorrection("\(file) is not JSON")
                    }
                    return try IntentCorrection(before: intent, corrected: document, catalog: opened.catalog)
                }
                return try IntentCorrection(intent: intent, assignments: assignments, catalog: opened.catalog)
            }
            print("\(record.id) \(record.status.rawValue) (corrected)")
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject an order with a reason.")

        @OptionGroup var queue: QueueOptions
        @OptionGroup var actor: ActorOption

        @Option(name: .long, help: "Why (required, kept in the audit trail).")
        var reason: String

        @Argument(help: "Order id.")
        var id: String

        func run() throws {
            let record = try queue.openQueue().reject(id, actor: actor.value, reason: reason)
            print("\(record.id) \(record.status.rawValue)")
        }
    }

    struct ExportCorrections: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-corrections",
            abstract: "Print every correction as JSON Lines: what reviewers changed, to improve master data and aliases.")

        @OptionGroup var queue: QueueOptions

        /// One exported correction: the review with the words each corrected line was read from.
        struct Export: Encodable {
            var review: ReviewEntry
            var source: OrderSource?
            var lineTexts: [String]?

            enum CodingKeys: String, CodingKey {
                case review, source
                case lineTexts = "line_texts"
            }
        }

        func run() throws {
            let reviewQueue = try queue.openQueue()
            for review in try reviewQueue.corrections() {
                let record = try reviewQueue.record(id: review.orderID)
                try JSONOutput.line(Export(review: review, source: record?.source, lineTexts: record?.intent.lines.map(\.text)))
            }
        }
    }
}
